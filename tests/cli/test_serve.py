"""``krimpkaart serve``: the HAProxy configuration, what the workers share, the readiness
route. Running it (processes, browsers, stopping) is tested in tests/e2e/test_serve.py."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from starlette.applications import Starlette

from dashboard import config, warmup
from dashboard.cli import haproxy, serve
from dashboard.cli import main as krimpkaart
from dashboard.workshop import readiness
from tests.workshop.test_live import get

WORKERS = [haproxy.Worker("w1", 40001), haproxy.Worker("w2", 40002)]


def test_config_sticks_by_cookie_checks_readiness_and_sets_the_forwarded_address():
    text = haproxy.config_text("0.0.0.0", 8501, WORKERS, "/kaart/_kk/ready")
    lines = [line.strip() for line in text.splitlines()]
    assert "bind 0.0.0.0:8501" in lines
    assert 'cookie kk_worker insert indirect nocache httponly attr "SameSite=Lax"' in lines
    assert "server w1 127.0.0.1:40001 cookie w1" in lines
    assert "server w2 127.0.0.1:40002 cookie w2" in lines
    assert "http-check send meth GET uri /kaart/_kk/ready" in lines
    # a client's own X-Forwarded-For is dropped before the proxy adds the real address
    assert lines.index("http-request del-header X-Forwarded-For") < lines.index(
        "option forwardfor")
    assert "timeout tunnel 2h" in lines  # websockets stay open
    assert "bind [::1]:8501" in haproxy.config_text("::1", 8501, WORKERS, "/_kk/ready")


def test_haproxy_accepts_the_config(tmp_path):
    binary = haproxy.find_haproxy()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("haproxy is not installed; .ci/run should have installed it")
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy.config_text("127.0.0.1", 8501, WORKERS, "/_kk/ready"))
    check = subprocess.run([binary, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_every_worker_shares_the_store_the_secret_and_trusts_only_the_proxy():
    env = serve.worker_environment("/data/s.gpkg", "s3cret")
    assert env[config.ENV_STORE] == "/data/s.gpkg"
    assert env[config.ENV_COOKIE_SECRET] == env["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret"
    assert env["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
    assert config.load(env).cookie_secret == "s3cret"


def test_base_url_path_is_found_among_streamlit_options():
    assert serve.base_url_path([]) == ""
    assert serve.base_url_path(["--server.baseUrlPath", "/kaart/"]) == "kaart"
    assert serve.base_url_path(["--server.baseUrlPath=a", "--server.baseUrlPath", "b"]) == "b"


def test_one_worker_per_core_by_default():
    assert serve.default_workers() == len(os.sched_getaffinity(0))


def test_without_haproxy_serve_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(haproxy, "find_haproxy", lambda: None)
    assert krimpkaart(["--lang", "nl", "serve", "--workers", "2"]) == 1
    err = capsys.readouterr().err
    assert "HAProxy is niet geïnstalleerd" in err and "apt-get install haproxy" in err


def test_readiness_route_says_why_it_is_not_ready():
    """The proxy's health check: 503 while the warm-up runs, while ``workshop.readiness``
    holds the process back, or while the store does not answer; 200 only when all agree."""
    answers = {"store": True}

    async def held_back() -> str | None:
        if not readiness.is_ready():
            return readiness.reason()
        return None if answers["store"] else "store"

    warm = warmup.Readiness()
    app = Starlette(routes=[warmup.ready_route(warm, "/kaart/_kk/ready", caches=dict,
                                               held_back=held_back)])
    readiness.not_ready("warming caches")
    try:
        assert get(app, "/kaart/_kk/ready")[0] == 503  # not warm yet
        warm.finish(True, "ok")
        status, _, text = get(app, "/kaart/_kk/ready")
        assert (status, json.loads(text)["reason"]) == (503, "warming caches")
        readiness.ready()
        assert get(app, "/kaart/_kk/ready")[0] == 200
        answers["store"] = False
        status, headers, text = get(app, "/kaart/_kk/ready")
        assert (status, json.loads(text)["reason"]) == (503, "store")
        assert headers["cache-control"] == "no-store"
    finally:
        readiness.ready()
    assert readiness.route_path("/kaart/") == "/kaart/_kk/ready"
    assert readiness.route_path("") == "/_kk/ready"


def test_a_port_in_use_is_refused_before_anything_starts(capsys):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not serve.port_free("127.0.0.1", port)
        if haproxy.find_haproxy() is None:
            pytest.skip("haproxy is not installed")
        assert krimpkaart(["--lang", "en", "serve", "--workers", "1", "--port", str(port)]) == 1
    assert f"127.0.0.1:{port} is in use" in capsys.readouterr().err


def test_lan_addresses_are_the_kernels_local_ones_without_loopback(tmp_path):
    trie = tmp_path / "fib_trie"
    trie.write_text("Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 127.0.0.1\n        /32 host LOCAL\n"
                    "     |-- 192.168.1.255\n        /32 link BROADCAST\n"
                    "     |-- 192.168.1.23\n        /32 host LOCAL\n")
    assert serve.lan_addresses(trie) == ["192.168.1.23"]
