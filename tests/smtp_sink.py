"""A real SMTP server for the alert tests, in a process of its own: aiosmtpd on 127.0.0.1 with
STARTTLS required (a certificate from a ``trustme`` CA) and log-in required, writing each message it
accepts to a folder (``<n>.eml`` and ``<n>.json`` with the envelope and who logged in).

    with smtp_sink(tmp_path) as sink:   # sink.port, sink.ca_file, sink.messages()
        ...

Run as a script: ``python smtp_sink.py <folder> <certificate chain pem> <port> <user> <password>``."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

USER, PASSWORD = "saksrobot", "et-hemmelig-smtp-passord"


@dataclass
class Sink:
    port: int
    ca_file: Path
    folder: Path

    def messages(self) -> list[tuple[EmailMessage, dict[str, Any]]]:
        """Every message received so far, in order, with its envelope."""
        files = sorted(self.folder.glob("*.eml"), key=lambda f: int(f.stem))
        return [(message_from_bytes(f.read_bytes(), policy=policy.default),
                 json.loads(f.with_suffix(".json").read_text(encoding="utf-8"))) for f in files]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_sink(folder: Path) -> Iterator[Sink]:
    """Start the server process (its CA written to ``folder``); stop it at the end."""
    import trustme

    ca = trustme.CA()
    ca_file, chain = folder / "ca.pem", folder / "server.pem"
    ca.cert_pem.write_to_path(ca_file)
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(chain)
    mail = folder / "mail"
    mail.mkdir()
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, str(mail), str(chain), str(port), USER, PASSWORD],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready", "SMTP server did not start"
        yield Sink(port, ca_file, mail)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _serve(folder: Path, chain: Path, port: int, user: str, password: str) -> None:
    import ssl
    import threading

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(chain)
    count = [0]

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
            count[0] += 1
            (folder / f"{count[0]}.json").write_text(json.dumps({
                "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "login": session.auth_data,
                "tls": session.ssl is not None}), encoding="utf-8")
            (folder / f"{count[0]}.eml").write_bytes(envelope.original_content or envelope.content)
            return "250 OK"

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), password.encode())
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)  # refused: 535

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_required=True, authenticator=authenticate)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()  # until terminated


if __name__ == "__main__":
    _serve(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
