"""Start the child processes of ``_child.py`` and watch aiosqlite's worker threads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

CHILD = Path(__file__).with_name("_child.py")


def start_child(command: str, args: dict[str, Any]) -> subprocess.Popen[str]:
    """Start ``_child.py COMMAND`` with ``args`` as JSON; its output is captured."""
    environment = dict(os.environ)
    # Plugin autoload must not depend on the developer's shell.
    environment.pop("PEANUT_DISABLE_PLUGIN_AUTOLOAD", None)
    environment.pop("PEANUT_BLOCK_PLUGINS", None)
    return subprocess.Popen(
        [sys.executable, str(CHILD), command, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def finish_child(process: subprocess.Popen[str], timeout: float = 60.0) -> dict[str, Any]:
    """Wait for ``process`` and return its JSON result; raise with its stderr if it failed."""
    stdout, stderr = process.communicate(timeout=timeout)
    if process.returncode != 0:
        raise AssertionError(f"child exited with {process.returncode}:\n{stderr}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def run_child(command: str, args: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """Run ``_child.py COMMAND`` to completion and return its JSON result."""
    return finish_child(start_child(command, args), timeout)


def wait_for_file(path: Path, process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    """Wait until ``path`` exists; fail if ``process`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            _, stderr = process.communicate()
            raise AssertionError(
                f"child exited with {process.returncode} before {path.name}:\n{stderr}"
            )
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"timed out waiting for {path.name}")
        time.sleep(0.002)


def lasting_threads() -> set[threading.Thread]:
    """Return this process's live threads, leaving out anyio's worker-thread pool.

    anyio's worker threads for ``to_thread.run_sync`` (which the calendar plugin uses to
    read and parse files) stay alive while idle and end on anyio's own schedule.
    """
    return {thread for thread in threading.enumerate() if thread.name != "AnyIO worker thread"}


def worker_threads() -> list[threading.Thread]:
    """Return the live aiosqlite worker threads of this process."""
    # Python names a thread started without a name after its target function.
    return [
        thread
        for thread in threading.enumerate()
        if "_connection_worker_thread" in thread.name and thread.is_alive()
    ]


def kill_child(process: subprocess.Popen[str]) -> None:
    """Send SIGKILL to ``process`` and reap it, closing its pipes."""
    process.kill()
    process.communicate(timeout=30)


def run_children_with_deadline(
    commands: dict[str, tuple[str, dict[str, Any]]], deadline: float
) -> dict[str, dict[str, Any] | str]:
    """Run several children at once; return each one's result, or why it failed.

    A child still running after ``deadline`` seconds is killed and reported as
    ``"timed out"``; one that exits with an error is reported with its stderr.
    """
    started = {name: start_child(command, args) for name, (command, args) in commands.items()}
    stop_at = time.monotonic() + deadline
    outcomes: dict[str, dict[str, Any] | str] = {}
    for name, process in started.items():
        try:
            outcomes[name] = finish_child(process, timeout=max(0.1, stop_at - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_child(process)
            outcomes[name] = "timed out"
        except AssertionError as error:
            outcomes[name] = str(error)
    return outcomes
