"""Stopping the embedded platform from outside: a signal to `make`'s own PID stops its recipe,
and pgserver forgets the users a kill -9 left behind, so its Postgres stops with the last run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from backend.config.env import BASE_DIR
from embedded.postgres import HANDLES_FILE, forget_dead_handles

RECIPE = """
import os, signal, sys, time
sys.path.insert(0, {root!r})
from embedded.process import stop_on_signals, stop_with_make
stop_on_signals()
watching = stop_with_make(lambda: os.kill(os.getpid(), signal.SIGINT), poll_seconds=0.05)
try:  # entered before the test hears "watching", so its signal cannot land outside the try
    print("watching", watching, flush=True)
    time.sleep(30)
except KeyboardInterrupt:
    print("stopped", flush=True)
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_makes_own_pid_stops_the_recipe(tmp_path, signum):
    script = tmp_path / "recipe.py"
    script.write_text(RECIPE.format(root=str(BASE_DIR)))
    (tmp_path / "Makefile").write_text(f"run:\n\t{sys.executable} {script}\n")
    make = subprocess.Popen(
        ["make", "-s", "-C", str(tmp_path), "run"], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert make.stdout is not None
        assert make.stdout.readline().strip() == "watching True"
        os.kill(make.pid, signum)  # to make alone, not its process group

        make.wait(timeout=15)
        assert "stopped" in make.stdout.read()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()


def test_outside_make_nothing_is_watched():
    from embedded.process import stop_with_make

    assert stop_with_make(lambda: None) is False  # pytest's parent is not make


def test_pgserver_forgets_users_a_kill_left_behind(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / HANDLES_FILE).write_text(json.dumps([dead.pid, os.getpid()]))

    kept = forget_dead_handles(tmp_path)

    assert kept == [os.getpid()]
    assert json.loads((tmp_path / HANDLES_FILE).read_text()) == [os.getpid()]
