"""Throughput of the running platform under a real load generator (wrk, with Lua scripts).

For each read endpoint (the catalogue list, movie detail, similar movies) and each number of
concurrent clients (1, 4, 16): requests/s, p50, p95 and p99. Then a mixed workload at 16 clients,
90 % reads (the three endpoints, signed in) and 10 % rating writes, with its rate and latencies,
while a thread samples the sync lag (age of the oldest pending outbox delivery and the backlog, from
/api/health/, which reads backend/sync/monitoring.py).

Usage: .venv/bin/python bench/bench_throughput.py [--url http://127.0.0.1:8000] [--scale small|medium]
       [--variants cached,uncached] [--json out.json]

Without --url it starts the platform itself (`python -m embedded`, the `make run` launcher) on free
ports under .local/bench-throughput, once per variant, with the THROTTLE_* rates raised to
100000/min (a load test from one address must). The variants run side by side in one run:
`uncached` sets RESPONSE_CACHE_SECONDS=0, `cached` keeps the default. With --url, it measures that
platform as it is (start it with the THROTTLE_* variables raised). `gunicorn-gthread` is the compose
file's production layout, the Dockerfile's gunicorn command beside the embedded engines, and
`gunicorn` the same with sync workers (see bench_gunicorn).

`run(scale, url, variants) -> rows` returns the figures as a list of dicts; `--json PATH` writes
them as bench/results.py's `Results` (the format bench/report.py reads): each printed figure and
ratio, the series `requests_per_second_vs_clients` (line "<endpoint> · <variant>", x clients, y
req/s) and `sync_lag_over_time` (line "<target> (mixed 90/10) · <variant>", x seconds since the
mixed run began, y the oldest pending delivery's age in ms, where one was pending). wrk comes from
the distribution (`apt-get install wrk`); without it the bench exits with one line saying so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from results import Results, add_json_argument  # noqa: E402  (bench/results.py, beside this script)

BENCH = "throughput"
RAISED_RATE = "100000/min"
CLIENT_COUNTS = (1, 4, 16)
MIXED_CLIENTS = 16
WRITE_SHARE = 0.10
# Demo accounts (backend/demo/data/catalog.json) whose tokens the mixed workload writes with.
DEMO_USERS = ("ada", "bruno", "dmitri", "elif", "kwame", "lottie", "oskar", "quinn")
DEMO_PASSWORD = "cinema-demo-2026"
SCALES = {"small": {"seconds": 4, "mixed_seconds": 10}, "medium": {"seconds": 8, "mixed_seconds": 20}}
START_TIMEOUT_SECONDS = 400
LAG_SAMPLE_SECONDS = 0.5

READ_SCRIPT = """
local kind = "%(kind)s"
local ids = {%(ids)s}
local pages = %(pages)d
local n = 0
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init(args) math.randomseed(seed or 1) end
function request()
  n = n + 1
  local id = ids[math.random(#ids)]
  if kind == "list" then return wrk.format("GET", "/api/movies/?page=" .. math.random(pages)) end
  if kind == "detail" then return wrk.format("GET", "/api/movies/" .. id .. "/") end
  return wrk.format("GET", "/api/movies/" .. id .. "/similar/")
end
"""

MIXED_SCRIPT = """
local ids = {%(ids)s}
local tokens = {%(tokens)s}
local pages = %(pages)d
local write_share = %(write_share)f
writes = 0
reads = 0
local threads = {}
function setup(thread)
  thread:set("seed", math.random(1, 1000000))
  table.insert(threads, thread)
end
function init(args) math.randomseed(seed or 1) end
function request()
  local headers = {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]}
  local id = ids[math.random(#ids)]
  if math.random() < write_share then
    writes = writes + 1
    headers["Content-Type"] = "application/json"
    local body = string.format('{"score": %%.1f}', math.random(1, 10) / 2)
    return wrk.format("PUT", "/api/movies/" .. id .. "/rating/", headers, body)
  end
  reads = reads + 1
  local pick = math.random(3)
  if pick == 1 then return wrk.format("GET", "/api/movies/?page=" .. math.random(pages), headers) end
  if pick == 2 then return wrk.format("GET", "/api/movies/" .. id .. "/", headers) end
  return wrk.format("GET", "/api/movies/" .. id .. "/similar/", headers)
end
function done(summary, latency, requests)
  local w, r = 0, 0
  for _, t in ipairs(threads) do w = w + (t:get("writes") or 0); r = r + (t:get("reads") or 0) end
  io.write(string.format("MIXED %%d %%d\\n", w, r))
end
"""

# Appended to every script: wrk's own summary as one JSON line the bench parses.
DONE_JSON = """
local _done = done
function done(summary, latency, requests)
  if _done then _done(summary, latency, requests) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_json(url: str, *, data: dict | None = None, timeout: float = 10.0) -> dict:
    request = urllib.request.Request(
        url, data=None if data is None else json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Platform:
    """`python -m embedded` in its own session, on free ports, with the throttles raised."""

    data_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    url: str = ""
    bolt_port: int = 0

    def start(self) -> str:
        port = free_port()
        self.bolt_port = free_port()
        env = {
            **os.environ,
            "LOCAL_DATA_DIR": str(self.data_dir),
            "HTTP_PORT": str(port),
            "BOLT_PORT": str(self.bolt_port),
            "GRAPH_HTTP_PORT": str(free_port()),
            "THROTTLE_ANON": RAISED_RATE,
            "THROTTLE_USER": RAISED_RATE,
            "THROTTLE_AUTH": RAISED_RATE,
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        }
        for name in ("DATABASE_URL", "NEO4J_URI", "CELERY_BROKER_URL", "REDIS_URL", "QDRANT_URL", "QDRANT_PATH"):
            env.pop(name, None)  # every store embedded, under data_dir
        env.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "platform.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "embedded"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        wait_healthy(self.url, self.process)
        return self.url

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def wait_healthy(url: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the platform exited with {process.returncode}; see its platform.log")
        try:
            if http_json(f"{url}/api/health/", timeout=5)["status"] in ("ok", "drift"):
                return
        except (urllib.error.URLError, OSError, ValueError, KeyError):
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} did not answer healthy within {START_TIMEOUT_SECONDS}s")


def wait_synced(url: str, timeout: float = 120) -> None:
    """Until no outbox delivery is pending: the demo's vectors are in the shard before /similar/."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sync = http_json(f"{url}/api/health/")["sync"]
        if all(target["backlog"] == 0 for target in sync.values()):
            return
        time.sleep(1)


def movie_ids(url: str) -> list[int]:
    ids: list[int] = []
    page: str | None = f"{url}/api/movies/?page_size=100"
    while page:
        body = http_json(page)
        ids += [movie["id"] for movie in body["results"]]
        page = body["next"]
    return ids


def wrk(url: str, script: str, clients: int, seconds: float) -> tuple[dict, str]:
    """One wrk run; its summary (requests, latency percentiles in µs) and its whole output."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + DONE_JSON)
    try:
        command = [
            "wrk",
            f"-t{min(clients, 2)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            lua.name,
            url,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(lua.name)
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON ")), output


def figures(summary: dict) -> dict:
    seconds = summary["duration_us"] / 1e6
    return {
        "requests": summary["requests"],
        "rps": round(summary["requests"] / seconds, 1),
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p95_ms": round(summary["p95_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
        "errors": summary["socket_errors"] + summary["non_2xx"],
    }


class LagSampler(threading.Thread):
    """Samples /api/health/'s sync section: the oldest pending delivery's age and the backlog."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[dict] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self.stopped.is_set():
            try:
                sync = http_json(f"{self.url}/api/health/", timeout=10)["sync"]
            except (urllib.error.URLError, OSError, ValueError, KeyError):
                sync = None
            if sync is not None:
                ages = {name: t["oldest_pending_age_seconds"] or 0.0 for name, t in sync.items()}
                self.samples.append({
                    "t_seconds": round(time.monotonic() - started, 2),
                    "sync_lag_seconds": round(max(ages.values(), default=0.0), 3),
                    "sync_lag_seconds_by_target": {name: round(age, 3) for name, age in ages.items()},
                    "backlog": sum(t["backlog"] for t in sync.values()),
                })  # fmt: skip
            self.stopped.wait(LAG_SAMPLE_SECONDS)


def bench_platform(url: str, variant: str, scale: str) -> list[dict]:
    seconds = SCALES[scale]["seconds"]
    wait_synced(url)
    ids = movie_ids(url)
    pages = max(1, (len(ids) + 19) // 20)
    id_list = ", ".join(map(str, ids))
    rows: list[dict] = []
    for endpoint in ("list", "detail", "similar"):
        script = READ_SCRIPT % {"kind": endpoint, "ids": id_list, "pages": pages}
        wrk(url, script, 4, 1)  # warm-up: connections, caches, the first queries' plans
        for clients in CLIENT_COUNTS:
            summary, _ = wrk(url, script, clients, seconds)
            row = {"bench": "throughput", "variant": variant, "endpoint": endpoint, "clients": clients}
            rows.append(row | figures(summary))
            print(_line(rows[-1]), flush=True)

    tokens = [http_json(f"{url}/api/auth/token/", data={"username": u, "password": DEMO_PASSWORD})["access"]
              for u in DEMO_USERS]  # fmt: skip
    script = MIXED_SCRIPT % {
        "ids": id_list,
        "tokens": ", ".join(f'"{token}"' for token in tokens),
        "pages": pages,
        "write_share": WRITE_SHARE,
    }
    sampler = LagSampler(url)
    sampler.start()
    summary, output = wrk(url, script, MIXED_CLIENTS, SCALES[scale]["mixed_seconds"])
    mixed_end = time.monotonic()
    # Keep sampling until the backlog the run left is drained (bounded), so the lag's tail shows.
    while time.monotonic() - mixed_end < 30 and (not sampler.samples or sampler.samples[-1]["backlog"] > 0):
        time.sleep(LAG_SAMPLE_SECONDS)
    sampler.stopped.set()
    sampler.join()
    writes, reads = (
        int(n) for n in next(line for line in output.splitlines() if line.startswith("MIXED ")).split()[1:]
    )
    lags = sorted(sample["sync_lag_seconds"] for sample in sampler.samples) or [0.0]
    mixed = {"bench": "throughput", "variant": variant, "endpoint": "mixed 90/10", "clients": MIXED_CLIENTS}
    mixed |= figures(summary)
    mixed |= {
        "write_share": round(writes / max(1, writes + reads), 3),
        "writes_per_s": round(writes / (summary["duration_us"] / 1e6), 1),
        "sync_lag_max_s": lags[-1],
        "sync_lag_p95_s": lags[int(0.95 * (len(lags) - 1))],
        "backlog_max": max((s["backlog"] for s in sampler.samples), default=0),
    }
    rows.append(mixed)
    print(_line(mixed), flush=True)
    rows += [{"bench": "throughput", "variant": variant, "endpoint": "sync lag", **s} for s in sampler.samples]
    return rows


def _line(row: dict) -> str:
    text = (f"{row['variant']:9} {row['endpoint']:12} c={row['clients']:<3} {row['rps']:8.1f} req/s  "
            f"p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms  "
            f"errors {row['errors']}")  # fmt: skip
    if "sync_lag_max_s" in row:
        text += (f"  writes {row['writes_per_s']}/s ({row['write_share']:.0%})  sync lag max "
                 f"{row['sync_lag_max_s']} s, p95 {row['sync_lag_p95_s']} s, backlog max {row['backlog_max']}")  # fmt: skip
    return text


VARIANTS = {"uncached": {"RESPONSE_CACHE_SECONDS": "0"}, "cached": {}}


def run(scale: str = "small", url: str | None = None, variants: tuple[str, ...] = ("uncached", "cached")) -> list[dict]:
    """Every figure as a row: per variant, endpoint and client count; the mixed run; lag samples."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    load_before = os.getloadavg()[0]
    if url:
        rows = bench_platform(url, "given", scale)
    else:
        rows = []
        data_dir = ROOT / ".local" / "bench-throughput"
        for variant in variants:
            platform = Platform(data_dir, VARIANTS.get(variant, {}))
            try:
                platform_url = platform.start()
                if variant.startswith("gunicorn"):
                    wait_synced(platform_url)
                    rows += bench_gunicorn(platform, scale, threads=GUNICORN_THREADS.get(variant))
                else:
                    rows += bench_platform(platform_url, variant, scale)
                if variant == variants[-1]:
                    rows += throttle_costs(platform)
            finally:
                platform.stop()
    rows.append({"bench": "throughput", "endpoint": "machine", "cpus": os.cpu_count(),
                 "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2)})  # fmt: skip
    print_ratios(rows)
    return rows


GUNICORN_WORKERS = 3  # the Dockerfile's CMD
# The Dockerfile's gthread workers (8 threads each), and gunicorn's default sync workers beside them.
GUNICORN_THREADS = {"gunicorn-gthread": 8}
GUNICORN_CONFIG = """
import os

def post_fork(server, worker):
    # Before the app loads in the worker: a shard of its own (an Edge shard admits one process).
    os.environ["QDRANT_PATH"] = os.path.join(os.environ["BENCH_SHARD_COPIES"], str(worker.age %% %(workers)d))
"""


def bench_gunicorn(platform: Platform, scale: str, threads: int | None = None) -> list[dict]:
    """The compose file's production layout where it can run here: gunicorn with the Dockerfile's
    3 workers (sync, or gthread with `threads`), beside the embedded platform, which keeps its engines, Celery workers and beat.
    A Qdrant server would serve every worker; in its place each worker opens a copy of the shard
    made once the demo was indexed (a copy that the sync does not update: right for reads)."""
    data_dir = platform.data_dir
    copies = data_dir / "shard-copies"
    shutil.rmtree(copies, ignore_errors=True)
    for worker in range(GUNICORN_WORKERS):
        shutil.copytree(data_dir / "qdrant", copies / str(worker))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.config.settings",
        "LOCAL_DATA_DIR": str(data_dir),
        "SECRET_KEY": (data_dir / "secret_key").read_text().strip(),
        "NEO4J_URI": f"bolt://127.0.0.1:{platform.bolt_port}",
        "NEO4J_USER": "root",
        "NEO4J_PASSWORD": (data_dir / "graph" / ".password").read_text().strip(),
        "NEO4J_DATABASE": "cinema",
        "CELERY_BROKER_URL": f"redis+socket://{data_dir / 'redis' / 'redis.sock'}?virtual_host=0",
        "REDIS_URL": f"unix://{data_dir / 'redis' / 'redis.sock'}?db=1",
        "BENCH_SHARD_COPIES": str(copies),
        "THROTTLE_ANON": RAISED_RATE,
        "THROTTLE_USER": RAISED_RATE,
        "THROTTLE_AUTH": RAISED_RATE,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)  # the platform's embedded Postgres, joined under LOCAL_DATA_DIR
    env.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as config:
        config.write(GUNICORN_CONFIG % {"workers": GUNICORN_WORKERS})
    # gunicorn does not start the embedded Postgres: a small wrapper module does, then runs it.
    command = [sys.executable, "-c", "from embedded.postgres import use_embedded_postgres; use_embedded_postgres(); "
               "from gunicorn.app.wsgiapp import run; run()",
               "backend.config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
               str(GUNICORN_WORKERS), "--timeout", "60", "--worker-tmp-dir", "/dev/shm", "-c", config.name]  # fmt: skip
    if threads:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    log = (data_dir / "gunicorn.log").open("ab")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        return bench_platform(url, "gunicorn" if not threads else f"gunicorn-{threads}t", scale)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        os.unlink(config.name)
        shutil.rmtree(copies, ignore_errors=True)


THROTTLE_SCRIPT = """
import json, time
import django
django.setup()
from django.core.cache import caches
from rest_framework import throttling
from rest_framework.test import APIRequestFactory
from backend.core import throttling as ours

class Drf(throttling.AnonRateThrottle):
    rate = "100000/min"

class Fixed(ours.AnonRateThrottle):
    rate = "100000/min"

from django.contrib.auth.models import AnonymousUser
request = APIRequestFactory().get("/api/movies/", REMOTE_ADDR="10.1.2.3")
request.user = AnonymousUser()
def per_check_us(cls, calls):
    started = time.perf_counter()
    for _ in range(calls):
        throttle = cls()
        throttle.cache = caches["throttle"]
        assert throttle.allow_request(request, None)
    return (time.perf_counter() - started) / calls * 1e6

per_check_us(Fixed, 5)  # the connection to Redis
rows = []
for history in (100, 10000, 90000):
    caches["throttle"].clear()
    caches["throttle"].set(Drf().get_cache_key(request, None), [time.time()] * history, 60)
    rows.append({"throttle": "drf sliding window", "requests_in_window": history, "us_per_check": per_check_us(Drf, 20)})
    rows.append({"throttle": "fixed window (ours)", "requests_in_window": history, "us_per_check": per_check_us(Fixed, 200)})
print(json.dumps(rows))
"""


def throttle_costs(platform: Platform) -> list[dict]:
    """Microseconds per throttle check against the platform's Redis, DRF's list of request times
    against our counter, with that many requests already in the window (the rate is 100000/min)."""
    socket_path = platform.data_dir / "redis" / "redis.sock"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backend.config.settings", "SECRET_KEY": "bench-only",
           "DATABASE_URL": "postgres://bench@localhost/unused", "REDIS_URL": f"unix://{socket_path}?db=2"}  # fmt: skip
    output = subprocess.run([sys.executable, "-c", THROTTLE_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    rows = [{"bench": "throughput", "endpoint": "throttle check", **row} for row in json.loads(output.splitlines()[-1])]
    for row in rows:
        print(f"throttle  {row['throttle']:20} {row['requests_in_window']:>7} in window: "
              f"{row['us_per_check']:9.1f} µs per check")  # fmt: skip
    return rows


def ratios(rows: list[dict]) -> list[tuple[str, str, int, float, float]]:
    """(variant, endpoint, clients, req/s ratio, p95 ratio) of every variant against `uncached`
    at the same endpoint and client count, measured in the same run."""
    measured = {(r["variant"], r["endpoint"], r["clients"]): r for r in rows if "rps" in r}
    side_by_side = []
    for (variant, endpoint, clients), row in sorted(measured.items()):
        base = measured.get(("uncached", endpoint, clients))
        if variant == "uncached" or base is None:
            continue
        side_by_side.append((variant, endpoint, clients, row["rps"] / max(base["rps"], 0.1),
                             row["p95_ms"] / max(base["p95_ms"], 0.01)))  # fmt: skip
    return side_by_side


def print_ratios(rows: list[dict]) -> None:
    side_by_side = ratios(rows)
    if not side_by_side:
        return
    print("\nside by side, against uncached (req/s ratio, p95 ratio):")
    for variant, endpoint, clients, rps_ratio, p95_ratio in side_by_side:
        print(f"  {variant:9} {endpoint:12} c={clients:<3} req/s x{rps_ratio:5.1f}   p95 x{p95_ratio:5.2f}")


def results_from_rows(rows: list[dict]) -> Results:
    """The rows `run` returns as bench/report.py's figures and series, one figure per printed one."""
    results = Results(BENCH)
    for row in rows:
        if "rps" in row:
            label = f"{row['variant']} {row['endpoint']} c={row['clients']}"
            note = f"p99 {row['p99_ms']} ms, {row['errors']} errors of {row['requests']} requests"
            results.figure(f"{label}: req/s", row["rps"], "req/s", note)
            results.figure(f"{label}: p50", row["p50_ms"], "ms")
            results.figure(f"{label}: p95", row["p95_ms"], "ms")
            if "sync_lag_max_s" in row:
                results.figure(
                    f"{label}: sync lag max", row["sync_lag_max_s"], "s",
                    f"p95 {row['sync_lag_p95_s']} s, backlog max {row['backlog_max']}; writes "
                    f"{row['writes_per_s']}/s ({row['write_share']:.0%}), sampled from /api/health/",
                )  # fmt: skip
            else:
                results.point("requests_per_second_vs_clients", f"{row['endpoint']} · {row['variant']}",
                              row["clients"], row["rps"])  # fmt: skip
        elif row.get("endpoint") == "sync lag":
            for target, age_seconds in row.get("sync_lag_seconds_by_target", {}).items():
                if age_seconds > 0:  # nothing pending: no point (the plot's axis is logarithmic)
                    results.point("sync_lag_over_time", f"{target} (mixed 90/10) · {row['variant']}",
                                  row["t_seconds"], age_seconds * 1000)  # fmt: skip
        elif row.get("endpoint") == "throttle check":
            results.figure(f"throttle check: {row['throttle']}, {row['requests_in_window']} in window",
                           row["us_per_check"], "µs")  # fmt: skip
        elif row.get("endpoint") == "machine":
            results.figure("load average before", row["load_before"], "", f"{row['cpus']} CPUs")
            results.figure("load average after", row["load_after"], "", f"{row['cpus']} CPUs")
    for variant, endpoint, clients, rps_ratio, p95_ratio in ratios(rows):
        results.ratio(f"{endpoint} c={clients}: req/s {variant} / uncached", rps_ratio)
        results.ratio(f"{endpoint} c={clients}: p95 {variant} / uncached", p95_ratio)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure this running platform instead of starting one")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument(
        "--variants", default="uncached,cached", help="comma-separated: uncached, cached, gunicorn, gunicorn-gthread"
    )
    add_json_argument(parser)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.exit(1, "bench_throughput: wrk is not installed (apt-get install wrk)\n")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
    rows = run(args.scale, args.url, tuple(args.variants.split(",")))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    results_from_rows(rows).write(args.json)


if __name__ == "__main__":
    main()
