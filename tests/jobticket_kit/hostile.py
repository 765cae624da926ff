"""Small hostile servers on loopback: they answer every request with a redirect, or just count requests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Server:
    """A running loopback server: its base URL and the paths it was asked for."""

    url: str
    hits: list[str] = field(default_factory=list)


@contextmanager
def serving(
    redirect: Callable[[str], str | None] = lambda path: None, body: bytes = b"{}"
) -> Iterator[Server]:
    """Answer 200 to everything, or ``302`` to ``redirect(path)`` when that gives a location."""
    server = Server("")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            server.hits.append(f"{self.command} {self.path}")
            location = redirect(self.path)
            self.send_response(200 if location is None else 302)
            if location is not None:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _answer  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            """Keep the test output quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def redirecting_to(location: str) -> Iterator[Server]:
    """A target that answers every request with ``302`` to ``location`` (same path appended)."""
    with serving(lambda path: location.rstrip("/") + path) as server:
        yield server
