"""The twin benchmark's baseline: the least a Starlette app can do to serve the twin's pages.

``python -m jobticket_kit.bench.minimal_app --port P FOLDER`` serves ``GET /employees?page=N`` with the
bytes of ``FOLDER/N.json``, read once at start-up: the same bytes the twin sent, with no authentication,
no rate limit, no lookup and no encoding. Served by uvicorn as the twin is, so the two differ only in
what the twin does per request.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["minimal_app"]


def minimal_app(pages: dict[str, bytes]) -> Starlette:
    """An app answering ``/employees?page=N`` with ``pages[N]`` as JSON."""

    async def employees(request: Request) -> Response:
        return Response(pages[request.query_params.get("page", "1")], media_type="application/json")

    return Starlette(routes=[Route("/employees", employees)])


def main() -> None:
    """Serve the pages of a folder on 127.0.0.1 until stopped."""
    parser = argparse.ArgumentParser(prog="python -m jobticket_kit.bench.minimal_app")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    pages = {path.stem: path.read_bytes() for path in args.folder.glob("*.json")}
    uvicorn.run(minimal_app(pages), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
