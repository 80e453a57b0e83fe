"""The readiness route: 503 while the warm-up run is under way, 200 with its report after."""

from __future__ import annotations

import asyncio
import json

from starlette.applications import Starlette

from dashboard import warmup
from dashboard.workshop.readiness import route_path
from tests.asgi import get_async, run


def test_ready_only_after_the_page_has_run():
    async def scenario() -> list[tuple[int, dict]]:
        readiness = warmup.Readiness()
        page_may_finish = asyncio.Event()
        page_runs: list[str] = []

        async def run_page() -> tuple[bool, str]:
            page_runs.append("started")
            await page_may_finish.wait()
            page_runs.append("finished")
            return True, "ok"

        app = Starlette(routes=[warmup.ready_route(readiness, route_path("kaart"),
                                                   caches=lambda: {"load_frame": 1})])
        answers = []
        answers.append(await get_async(app, "/kaart/_kk/ready"))  # before the warm-up starts
        task = asyncio.create_task(warmup.warm(readiness, run_page))
        await asyncio.sleep(0.05)
        assert page_runs == ["started"]
        answers.append(await get_async(app, "/kaart/_kk/ready"))  # while the page runs
        page_may_finish.set()
        await task
        answers.append(await get_async(app, "/kaart/_kk/ready"))
        return [(status, json.loads(body)) for status, _headers, body in answers]

    (before, during, after) = run(scenario())
    assert before == (503, {"ready": False})
    assert during[0] == 503 and not during[1]["ready"] and "warming_for_s" in during[1]
    assert after[0] == 200
    assert after[1]["ready"] and after[1]["page_ok"] and after[1]["detail"] == "ok"
    assert after[1]["caches"] == {"load_frame": 1} and after[1]["seconds"] >= 0.04


def test_a_failing_page_still_ends_the_warm_up():
    """Visitors then see the page's own error message; a server that never gets ready
    would only hide it behind the proxy's 503."""
    async def scenario() -> warmup.Readiness:
        readiness = warmup.Readiness()

        async def broken() -> tuple[bool, str]:
            raise OSError("store unreadable")

        await warmup.warm(readiness, broken)
        return readiness

    readiness = run(scenario())
    assert readiness.ready and readiness.page_ok is False
    assert readiness.detail == "OSError: store unreadable"


def test_route_path_follows_the_base_url_path():
    assert route_path("") == "/_kk/ready"
    assert route_path("/kaart/") == "/kaart/_kk/ready"
