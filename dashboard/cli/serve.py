"""``krimpkaart serve --workers N``: several app processes behind HAProxy, for a room or the web.

One Streamlit process runs every page's script on one Python thread at a time (the GIL),
so a room of 30-50 people queues behind itself (bench/RESULTS-load.txt). ``serve`` starts
N of them, each exactly like ``krimpkaart run``, on loopback ports, and HAProxy in front
(configuration and reasons in ``cli/haproxy.py``). What the workers share:

* the store (GeoPackage file or PostGIS), prepared once here before they start, so they
  do not race to create and seed it; live updates cross processes through its version;
* one cookie secret (``server.cookieSecret``, given by environment, never on a command
  line that ``ps`` shows): Streamlit signs its XSRF cookie with it, and an upload that
  reaches another worker than the page came from would fail otherwise; the passcode
  limit signs its client cookie with it too;
* FORWARDED_ALLOW_IPS=127.0.0.1: uvicorn takes the visitor's address from the proxy's
  X-Forwarded-For only (the workers listen on loopback alone).

This process stays in front, prints where to go, restarts a worker that dies, and on
Ctrl-C or SIGTERM stops HAProxy and every worker. The children also get SIGTERM when
this process dies any other way (Linux's parent-death signal): no orphans.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import config, store
from dashboard.cli import haproxy
from dashboard.cli.common import add_lang, cli_lang, complain, say, store_location
from dashboard.cli.run import streamlit_command
from dashboard.i18n import t
from dashboard.workshop import readiness

READY_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 10.0
RESTARTS_PER_MINUTE = 5  # a worker that keeps dying is not restarted forever
PROXY_ADDRESS = "127.0.0.1"  # where HAProxy reaches the workers from


class _Stop(Exception):
    """SIGTERM or Ctrl-C: stop everything."""


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def port_free(address: str, port: int) -> bool:
    """Whether HAProxy can bind ``address:port`` (checked before any worker starts)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def base_url_path(streamlit_args: list[str]) -> str:
    """``--server.baseUrlPath`` among the options for Streamlit (the last one wins)."""
    base = ""
    for i, arg in enumerate(streamlit_args):
        if arg == "--server.baseUrlPath" and i + 1 < len(streamlit_args):
            base = streamlit_args[i + 1]
        elif arg.startswith("--server.baseUrlPath="):
            base = arg.split("=", 1)[1]
    return base.strip("/")


def worker_environment(store_location: str, secret: str) -> dict[str, str]:
    """What every worker shares: the store, the cookie secret, the trusted proxy."""
    return config.child_environment(**{
        config.ENV_STORE: store_location,
        config.ENV_COOKIE_SECRET: secret,
        "STREAMLIT_SERVER_COOKIE_SECRET": secret,
        "FORWARDED_ALLOW_IPS": PROXY_ADDRESS,
    })


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A child in a process group of its own (Ctrl-C in the terminal reaches this process
    alone, which stops the children in order) that dies with this process."""
    with open(log, "ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=_die_with_parent if os.name == "posix" else None)


def _get(url: str, timeout: float = 2.0) -> int:
    return _answer(url, timeout=timeout)[0]


def _answer(url: str, cookie: str = "", timeout: float = 2.0) -> tuple[int, str]:
    """Status and the answering worker's name (HAProxy's header; "" when absent)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return int(resp.status), resp.headers.get(haproxy.WORKER_HEADER, "")
    except urllib.error.HTTPError as err:
        return int(err.code), err.headers.get(haproxy.WORKER_HEADER, "")
    except OSError:
        return 0, ""


def _proxy_sees(probe: str, name: str) -> bool:
    """HAProxy sends a browser pinned to worker ``name`` to that worker (it counts it up:
    until its next health check it may still send that cookie to another worker)."""
    return _answer(probe, cookie=f"{haproxy.COOKIE}={name}") == (200, name)


def lan_addresses(fib_trie: Path = Path("/proc/net/fib_trie")) -> list[str]:
    """This machine's non-loopback IPv4 addresses (what people in the room type in): the
    kernel's local addresses on Linux, else what the host name resolves to."""
    found: set[str] = set()
    with contextlib.suppress(OSError):
        lines = fib_trie.read_text().splitlines()
        for before, line in itertools.pairwise(lines):
            if line.strip() == "/32 host LOCAL":
                found.add(before.split()[-1])
    if not found:
        with contextlib.suppress(OSError):
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
                found.add(str(info[4][0]))
    return sorted(a for a in found if not a.startswith("127."))


@dataclass
class WorkerProcess:
    worker: haproxy.Worker
    command: list[str]
    log: Path
    proc: subprocess.Popen | None = None
    starts: list[float] = field(default_factory=list)

    def start(self, env: dict[str, str]) -> None:
        self.starts = [s for s in self.starts if time.monotonic() - s < 60] + [time.monotonic()]
        self.proc = _spawn(self.command, env, self.log)

    def may_restart(self) -> bool:
        return len([s for s in self.starts if time.monotonic() - s < 60]) < RESTARTS_PER_MINUTE


@dataclass
class Served:
    """The children of one ``serve`` run."""

    workers: list[WorkerProcess]
    proxy: subprocess.Popen | None = None

    def children(self) -> Iterator[subprocess.Popen]:
        if self.proxy is not None:
            yield self.proxy
        for w in self.workers:
            if w.proc is not None:
                yield w.proc

    def stop(self) -> None:
        """HAProxy first (no new visitors), then every worker; kill what does not stop."""
        for proc in self.children():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in self.children():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve a room or the web: several app processes behind HAProxy")
    parser.add_argument("--workers", type=int, default=None,
                        help="app processes (default: one per core)")
    parser.add_argument("--port", type=int, default=8501, help="HAProxy's port")
    parser.add_argument("--address", default="127.0.0.1",
                        help="HAProxy's address (default loopback; 0.0.0.0 for a room)")
    parser.add_argument("--store", type=store_location, default=None,
                        help="initiatives store: a GeoPackage file or a postgresql:// URL")
    parser.add_argument("streamlit_args", nargs=argparse.REMAINDER,
                        help="further options for every worker's streamlit, e.g. "
                             "-- --server.baseUrlPath kaart")
    add_lang(parser)
    parser.set_defaults(func=serve)


def serve(args: argparse.Namespace) -> int:
    lang = cli_lang(args)
    binary = haproxy.find_haproxy()
    if binary is None:
        complain("serve", t("serve_no_haproxy", lang))
        return 1
    count = args.workers or default_workers()
    if count < 1:
        complain("serve", t("serve_bad_workers", lang))
        return 2
    address = "127.0.0.1" if args.address == "localhost" else args.address
    if not port_free(address, args.port):
        complain("serve", t("serve_port_taken", lang, address=address, port=args.port))
        return 1
    try:  # once, before the workers: they must not race to create and seed it
        location = (store.parse_location(args.store) if args.store
                    else store.default_store_location())
        store.open_store(location)
    except store.StoreError as exc:
        complain("serve", t("cli_store_failed", lang, path=store.describe(args.store or ""),
                            error=exc.text(lang)))
        return 1
    secret = config.settings().cookie_secret or secrets.token_urlsafe(32)
    env = worker_environment(
        location if isinstance(location, str) else str(Path(location).resolve()), secret)
    extra = [a for a in args.streamlit_args if a != "--"]
    base = base_url_path(extra)
    workdir = Path(tempfile.mkdtemp(prefix="krimpkaart-serve-"))
    workers = []
    for n in range(1, count + 1):
        port = free_port()
        workers.append(WorkerProcess(haproxy.Worker(f"w{n}", port),
                                     streamlit_command(port, "127.0.0.1", extra),
                                     workdir / f"worker-{n}.log"))
    cfg = workdir / "haproxy.cfg"
    cfg.write_text(haproxy.config_text(address, args.port, [w.worker for w in workers],
                                       readiness.route_path(base)), encoding="utf-8")
    check = subprocess.run([binary, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
    if check.returncode != 0:
        complain("serve", t("serve_proxy_config", lang, error=check.stderr.strip()))
        return 1
    served = Served(workers)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for w in workers:
            w.start(env)
        served.proxy = _spawn([binary, "-db", "-f", str(cfg)], env, workdir / "haproxy.log")
        local = "127.0.0.1" if address in ("0.0.0.0", "::", "127.0.0.1") else address
        probe = f"http://{local}:{args.port}{readiness.route_path(base)}"
        if not _wait_ready(probe, served):
            if served.proxy.poll() is not None:
                complain("serve", t("serve_proxy_died", lang, code=served.proxy.returncode))
            complain("serve", t("serve_not_ready", lang, seconds=int(READY_TIMEOUT_S),
                                logs=str(workdir)))
            return 1
        _announce(lang, address, args.port, base, count, workdir)
        return _supervise(served, env, lang)
    except _Stop:
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        served.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signum)


def _wait_ready(probe: str, served: Served) -> bool:
    """Until every worker answers its readiness route and HAProxy sends each worker's
    sticky cookie to that worker (False when a child gives up first, or after
    ``READY_TIMEOUT_S``)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    path = probe.split("/", 3)[3]
    waiting = list(served.workers)
    while time.monotonic() < deadline:
        if served.proxy is not None and served.proxy.poll() is not None:
            return False
        if any(w.proc is None or w.proc.poll() is not None for w in waiting):
            return False
        waiting = [w for w in waiting
                   if _get(f"http://127.0.0.1:{w.worker.port}/{path}") != 200]
        if not waiting and all(_proxy_sees(probe, w.worker.name) for w in served.workers):
            return True
        time.sleep(0.5)
    return False


def _announce(lang: str, address: str, port: int, base: str, count: int, workdir: Path) -> None:
    path = f"/{base}/" if base else "/"
    hosts = lan_addresses() if address in ("0.0.0.0", "::") else [address]
    say(lang, "serve_ready", n=count, urls=", ".join(
        f"http://{'[' + h + ']' if ':' in h else h}:{port}{path}" for h in hosts or [address]))
    say(lang, "serve_logs", path=str(workdir))
    sys.stdout.flush()


def _supervise(served: Served, env: dict[str, str], lang: str) -> int:
    """Watch the children: restart a worker that died; HAProxy gone means stop (exit 1)."""
    while True:
        time.sleep(0.5)
        if served.proxy is not None and served.proxy.poll() is not None:
            complain("serve", t("serve_proxy_died", lang, code=served.proxy.returncode))
            return 1
        for w in served.workers:
            if w.proc is not None and w.proc.poll() is not None:
                if not w.may_restart():
                    complain("serve", t("serve_worker_gave_up", lang, name=w.worker.name,
                                        log=str(w.log)))
                    w.proc = None
                    continue
                complain("serve", t("serve_worker_restarted", lang, name=w.worker.name,
                                    code=w.proc.returncode))
                w.start(env)
        if all(w.proc is None for w in served.workers):
            return 1
