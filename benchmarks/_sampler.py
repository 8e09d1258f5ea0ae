"""A small sampling profiler: where the threads of this process spend their time.

A background thread reads every other thread's stack (``sys._current_frames``) about
every millisecond and adds the time since its previous sample to the stage a classifier
names. Unlike cProfile it adds no cost per function call, so the shares it reports hold
for code that makes many small calls, and it samples the worker threads that run the
parser and the database.

The sampler needs the GIL to run, so it samples less often while pure Python code holds
the GIL (every 5 ms, ``sys.getswitchinterval()``) than while C code without the GIL runs
(SQLite). Weighting each sample by the time since the previous one keeps the shares
right despite that, as long as one stage runs at a time.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import FrameType, TracebackType

# Function names on one stack, outermost first.
Classifier = Callable[[list[str]], str | None]


class StackSampler:
    """Add up the sampled seconds per stage while the ``with`` block runs."""

    def __init__(self, classify: Classifier, interval: float = 0.001) -> None:
        self.classify = classify
        self.interval = interval
        self.seconds: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stack-sampler", daemon=True)

    def __enter__(self) -> StackSampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def shares(self) -> dict[str, float]:
        """Return each stage's share of the sampled time spent in any stage."""
        total = sum(self.seconds.values())
        return {stage: seconds / total for stage, seconds in self.seconds.items()} if total else {}

    def _run(self) -> None:
        own = threading.get_ident()
        previous = time.perf_counter()
        while not self._stop.is_set():
            now = time.perf_counter()
            for thread_id, frame in sys._current_frames().items():
                if thread_id == own:
                    continue
                stage = self.classify(_function_names(frame))
                if stage is not None:
                    self.seconds[stage] += now - previous
            previous = now
            time.sleep(self.interval)


def _function_names(frame: FrameType | None) -> list[str]:
    names = []
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        names.append(f"{module}.{frame.f_code.co_name}")
        frame = frame.f_back
    names.reverse()
    return names
