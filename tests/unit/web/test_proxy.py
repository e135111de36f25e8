"""Behind a reverse proxy, through a real uvicorn server: X-Forwarded-For is believed only from
``web.trusted_proxies``, so a client cannot choose its address by sending the header itself, and
users behind a trusted proxy are throttled each on their own address."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from webroom import PASSWORD, csrf_of

from saksrobot.web.serve import proxy_options


@contextmanager
def served(room) -> Iterator[str]:
    """The room's app on a free port of 127.0.0.1 (where the proxy would connect from), uvicorn
    configured as ``saksrobot serve`` configures it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(room.app, host="127.0.0.1", port=port, log_config=None,
                                           **proxy_options(room.settings)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            thread.join(0.05)
            assert thread.is_alive(), "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def log_in(base: str, username: str, password: str, forwarded_for: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    with httpx.Client(base_url=base, headers=headers) as client:
        token = csrf_of(client.get("/logg-inn").text)
        return client.post("/logg-inn", data={"username": username, "password": password,
                                              "csrf_token": token}).status_code


def test_without_trusted_proxies_the_header_is_ignored_and_a_spoofing_sprayer_is_stopped(make_room):
    room = make_room(web={"login_attempts": 3})
    assert proxy_options(room.settings) == {"proxy_headers": False, "forwarded_allow_ips": None}
    with served(room) as base:
        # each guess claims another address and another user name: they all come from 127.0.0.1
        codes = [log_in(base, f"gjest{n}", "feil-passord-123", f"203.0.113.{n}") for n in range(4)]
    assert codes == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_each_client_is_throttled_on_its_own_address(make_room):
    room = make_room(web={"login_attempts": 3, "trusted_proxies": ["127.0.0.1"]})
    with served(room) as base:
        sprayer = [log_in(base, f"gjest{n}", "feil-passord-123", "203.0.113.7") for n in range(4)]
        # a colleague behind the same proxy logs in; the sprayer cannot escape by prepending an address
        colleague = log_in(base, "ola", PASSWORD, "198.51.100.20")
        spoofed = log_in(base, "gjest9", "feil-passord-123", "10.9.9.9, 203.0.113.7")
    assert sprayer == [401, 401, 401, 429]
    assert colleague == 303 and spoofed == 429


@pytest.mark.parametrize("proxies", [["10.20.0.0/16"], ["127.0.0.1", "::1"]])
def test_trusted_proxies_are_given_to_uvicorn(make_room, proxies):
    room = make_room(web={"trusted_proxies": proxies})
    assert proxy_options(room.settings) == {"proxy_headers": True, "forwarded_allow_ips": proxies}
