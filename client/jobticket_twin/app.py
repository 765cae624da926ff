"""The twin as one Starlette application: API routes, control routes, JSON errors, fault injection."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware

from jobticket_twin.api import api_routes
from jobticket_twin.config import TwinConfig
from jobticket_twin.control import CONTROL_PREFIX, control_routes
from jobticket_twin.errors import ApiError, error_response
from jobticket_twin.middleware import FaultMiddleware
from jobticket_twin.state import TwinState

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request
    from starlette.responses import Response

    from jobticket_twin.faults import FaultInjector

__all__ = ["create_app"]

_HTTP_MESSAGES = {404: "Not found.", 405: "Method not allowed on this path."}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _HTTP_MESSAGES.get(exc.status_code, exc.detail)
    return error_response(ApiError(exc.status_code, message, headers=exc.headers))


def create_app(config: TwinConfig | None = None) -> Starlette:
    """Build a twin; its state is ``app.state.twin`` (a TwinState)."""
    state = TwinState(config or TwinConfig())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.webhooks.bind_loop(asyncio.get_running_loop())
        yield
        await state.webhooks.aclose()

    def current_faults() -> FaultInjector | None:
        return state.faults

    app = Starlette(
        routes=[*api_routes(), *control_routes()],
        middleware=[Middleware(FaultMiddleware, injector=current_faults, exempt_prefix=f"{CONTROL_PREFIX}/")],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False
    app.state.twin = state
    return app
