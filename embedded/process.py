"""Child processes of the embedded platform die with it: no orphan server survives a crash."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """`preexec_fn` for subprocess.Popen: the kernel sends SIGTERM to the child when we exit (Linux)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


# `make` catches these while it runs a recipe; on one sent to its own PID it resets the handler to
# the default and waits for its child. It forwards SIGTERM to the child, but not SIGINT.
_MAKE_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_MAKE_NAMES = ("make", "gmake")
# Set once a stop is under way. A signal to make reaches us twice (its forwarded SIGTERM and the
# watcher below), and a second KeyboardInterrupt would cut the first one's shutdown short.
_stopping = threading.Event()


def _caught_signals(pid: int) -> int | None:
    """The SigCgt mask of `pid` from /proc (Linux), or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return int(line.split()[1], 16)
    except OSError:
        return None
    return None


def _stops_catching(mask: int | None, baseline: int) -> bool:
    if mask is None:
        return True
    return any(baseline & (1 << (sig - 1)) and not mask & (1 << (sig - 1)) for sig in _MAKE_SIGNALS)


def stop_with_make(stop: Callable[[], None], poll_seconds: float = 0.25) -> bool:
    """If this process is the recipe of a `make` (as in `make run`), call `stop` once make is told
    to stop (a signal to make's own PID, which make does not pass on as SIGINT) or exits.
    Returns whether it watches. A daemon thread polls make's signal mask in /proc."""
    parent = os.getppid()
    try:
        name = Path(f"/proc/{parent}/comm").read_text().strip()
    except OSError:
        return False
    baseline = _caught_signals(parent)
    if name not in _MAKE_NAMES or baseline is None:
        return False

    def watch() -> None:
        while not _stops_catching(_caught_signals(parent), baseline) and os.getppid() == parent:
            time.sleep(poll_seconds)
        if not _stopping.is_set():
            stop()

    threading.Thread(target=watch, name="make-watch", daemon=True).start()
    return True


def _interrupt(signum: int, frame: object) -> None:
    # Handlers run in the main thread and may nest (a second signal between two bytecodes of this
    # one), so no lock: a nested call sees the flag or raises in this one's place.
    if _stopping.is_set():
        return  # already stopping: let that shutdown finish
    _stopping.set()
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """SIGINT and SIGTERM (what `make` passes on when it is terminated) stop this process as Ctrl-C
    does, through its `finally` blocks and atexit hooks, once however many arrive. SIGINT is set
    explicitly: a shell without job control starts a background `make run` with it ignored."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
