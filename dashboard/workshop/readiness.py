"""Readiness hook: whether this server process may be sent visitors yet.

``krimpkaart serve`` puts HAProxy in front of several app processes and asks each one
``GET <base>/_kk/ready`` every few seconds (the route is ``dashboard.warmup.ready_route``):
200 sends it visitors, 503 takes it out of the rotation until it answers 200 again. The
route answers 200 only once the warm-up is done, the store answers, and nothing has held
the process back here: ``dashboard/serve.py`` calls ``ready()`` after loading the page's
libraries; any later step may call ``not_ready(reason)`` and ``ready()`` when done.
"""

from __future__ import annotations

import threading

_ready = threading.Event()
_reason = ["starting"]  # why not ready, for the operator reading the check's answer


def ready() -> None:
    """This process may take visitors (once it is warm and its store answers too)."""
    _ready.set()


def not_ready(reason: str) -> None:
    """Take this process out of the proxy's rotation until ``ready()``; ``reason`` is shown."""
    _reason[0] = reason
    _ready.clear()


def is_ready() -> bool:
    return _ready.is_set()


def reason() -> str:
    """Why the process is held back (meaningful while ``is_ready()`` is false)."""
    return _reason[0]


READY_PATH = "_kk/ready"  # beside the version route (workshop.live.VERSION_PATH)


def route_path(base_url_path: str) -> str:
    """The route's path under Streamlit's ``server.baseUrlPath`` (``kaart`` -> ``/kaart/_kk/…``)."""
    base = base_url_path.strip("/")
    return f"/{base}/{READY_PATH}" if base else f"/{READY_PATH}"
