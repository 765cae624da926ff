"""Let the run's redactor learn every personal value the target answers (see :mod:`jobticket_kit.privacy`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import requests
from requests.adapters import HTTPAdapter

from jobticket_kit.privacy.redact import Redactor

__all__ = ["observing"]


@contextmanager
def observing(redactor: Redactor) -> Iterator[None]:
    """Let ``redactor`` learn from every JSON response body ``requests`` receives inside the block.

    Request bodies are not learned from: the run sends generated or synthetic data only, and learning
    schemathesis' short random strings would blank out ordinary text (ids, counts) in the reports.
    """
    original = HTTPAdapter.send

    def send(adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        response: requests.Response = original(adapter, request, *args, **kwargs)
        if "json" in response.headers.get("Content-Type", "") and not kwargs.get("stream"):
            redactor.learn_body(response.content)
        return response

    with patch.object(HTTPAdapter, "send", send):
        yield
