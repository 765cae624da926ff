"""One origin per run: a request to any other (a redirect, a link, a probe) is refused before it is sent.

``requests`` follows redirects by default, across hosts, so a target answering ``302`` to production
would otherwise get the run there; and it sends through the environment's proxy, which must pass the
host check too. The meter (:mod:`meter`) asks here before every request; the
cassette recorder asks before every httpx request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

from jobticket import UnsafeURLError
from jobticket_kit.hosts import Origin, origin_of
from jobticket_kit.proxies import ProxyRefused, check_selected_proxy

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["OtherOriginRefused", "refuse_other_origins", "refuse_production_proxy"]


class OtherOriginRefused(requests.RequestException):
    """A request (a redirect, a link, a probe) to an origin other than the run's target; never sent."""


def refuse_other_origins(url: str, target: Origin, refused: dict[str, int]) -> None:
    """Raise :class:`OtherOriginRefused` and count it in ``refused`` unless ``url`` reaches ``target``.

    Origins are compared as the HTTP libraries resolve them (:func:`jobticket_kit.hosts.origin_of`); a
    URL they could read differently counts as ``malformed URL``. Only the origin is kept: a URL's path
    and query may carry personal data.
    """
    try:
        origin = origin_of(url)
    except UnsafeURLError:
        label = "malformed URL"
    else:
        if origin == target:
            return
        label = str(origin)
    refused[label] = refused.get(label, 0) + 1
    raise OtherOriginRefused(f"refused a request to {label}: this run talks to {target} only")


def refuse_production_proxy(url: str, proxies: Mapping[str, str] | None, refused: dict[str, int]) -> None:
    """Raise :class:`OtherOriginRefused` (counted as ``proxy``) for a proxy that fails the host check.

    The proxy is the one ``requests`` picks from ``proxies`` for ``url``; production or an ambiguous
    spelling is refused (:mod:`jobticket_kit.proxies`).
    """
    try:
        check_selected_proxy(url, proxies)
    except ProxyRefused as error:
        refused["proxy"] = refused.get("proxy", 0) + 1
        raise OtherOriginRefused(f"refused: {error}") from None
