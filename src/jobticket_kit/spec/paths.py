"""Reading a spec's operations: which HTTP methods an OpenAPI path item may hold, and path templates."""

from __future__ import annotations

import re

__all__ = ["HTTP_METHODS", "path_pattern"]

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def path_pattern(template: str) -> re.Pattern[str]:
    """The regex a concrete path of ``template`` matches: ``/employees/{id}`` matches ``/employees/42``."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))
