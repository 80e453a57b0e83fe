"""The HAProxy configuration ``krimpkaart serve`` runs in front of its app processes.

Why these lines:

* ``cookie kk_worker insert indirect nocache``: a browser stays with the worker that holds
  its Streamlit session (the websocket, file uploads, media), decided by a cookie rather
  than by address: a whole venue behind one NAT would otherwise land on one worker.
* ``option forwardfor`` after deleting any X-Forwarded-For the client sent: the workers
  learn the visitor's address from the proxy alone (they trust the header only from the
  proxy's address, FORWARDED_ALLOW_IPS); the passcode limit counts per address.
* ``timeout tunnel``: a websocket stays open as long as the page does.
* ``option httpchk`` on each worker's readiness route (``workshop.readiness``): a worker
  that is starting, or whose store does not answer, gets no visitors.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass

COOKIE = "kk_worker"
WORKER_HEADER = "X-Krimpkaart-Worker"  # which worker answered: for tests and for support
CHECK_INTERVAL_S = 2


@dataclass(frozen=True)
class Worker:
    name: str  # also the cookie value that routes to it
    port: int


def find_haproxy() -> str | None:
    """The haproxy binary on PATH (Debian: /usr/sbin/haproxy), or None."""
    debian = "/usr/sbin/haproxy"  # sbin is not on every user's PATH
    return shutil.which("haproxy") or (debian if os.access(debian, os.X_OK) else None)


def _bind(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def config_text(address: str, port: int, workers: Sequence[Worker], check_path: str,
                max_connections: int = 4000) -> str:
    """HAProxy's configuration: one frontend on ``address:port``, the workers on loopback."""
    servers = "\n".join(
        f"    server {w.name} 127.0.0.1:{w.port} cookie {w.name}" for w in workers)
    return f"""\
# Written by `krimpkaart serve` for this run; see dashboard/cli/haproxy.py.
global
    maxconn {max_connections}
    log stderr format short local0 notice

defaults
    mode http
    log global
    option dontlognull
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 15s
    timeout tunnel 2h
    timeout client-fin 10s

frontend krimpkaart
    bind {_bind(address, port)}
    http-request del-header X-Forwarded-For
    option forwardfor
    default_backend workers

backend workers
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    option httpchk
    http-check send meth GET uri {check_path}
    http-check expect status 200
    http-response set-header {WORKER_HEADER} %[srv_name]
    default-server check inter {CHECK_INTERVAL_S}s fall 2 rise 1
{servers}
"""
