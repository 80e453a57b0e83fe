"""One ``GET`` through an ASGI app without a server or an HTTP client library."""

from __future__ import annotations

import asyncio
import concurrent.futures


def run(coro):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps a loop
    running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def get_bytes(app, path: str) -> tuple[int, dict[str, str], bytes]:
    """``GET path``: (status, headers, the body as sent)."""
    return run(get_async(app, path))


async def get_async(app, path: str) -> tuple[int, dict[str, str], bytes]:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": [],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], headers, body
