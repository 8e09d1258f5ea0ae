"""The package's public names."""

import peanut_async


def test_all_is_sorted() -> None:
    assert peanut_async.__all__ == sorted(peanut_async.__all__)


def test_all_matches_public_attributes() -> None:
    public = {
        name
        for name in vars(peanut_async)
        if name[0] not in "_@" and name not in {"logging", "plugins", "pytest_plugin"}
    }
    assert public | {"__version__"} == set(peanut_async.__all__)


def test_every_error_derives_from_base() -> None:
    errors = [getattr(peanut_async, n) for n in peanut_async.__all__ if n.endswith("Error")]
    assert errors
    for error in errors:
        assert issubclass(error, peanut_async.PeanutError)
