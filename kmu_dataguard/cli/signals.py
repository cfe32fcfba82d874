"""SIGINT and SIGTERM stop a run cleanly: the handler raises :class:`RunStopped`.

Python turns only SIGINT into an exception (``KeyboardInterrupt``); SIGTERM would end the process
at once, skipping the cleanup that removes a half-written run folder holding unmasked lists.
Raising a ``BaseException`` from both lets every ``finally`` and ``except BaseException`` run,
and the CLI exits 128 + the signal number (130, 143) as shells do.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from kmu_dataguard.errors import RunStopped

__all__ = ["stop_on_signals"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGINT/SIGTERM raise RunStopped; the previous handlers are restored after.

    After the first signal both are ignored, so a second Ctrl-C cannot cut the cleanup short
    (SIGKILL still ends the process; its leftovers are removed by the next run after an hour).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be installed from the main thread
        return
    previous: dict[int, Any] = {s: signal.getsignal(s) for s in _SIGNALS}

    def stop(signum: int, frame: FrameType | None) -> None:
        for s in _SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise RunStopped(signum)

    for s, handler in previous.items():
        if handler is not signal.SIG_IGN:  # ignored by the caller (nohup, `cmd &`): keep it so
            signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
