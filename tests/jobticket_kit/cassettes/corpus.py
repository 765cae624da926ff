"""A corpus of crafted interactions, each hiding personal data or a secret where fixed names miss it.

Every case says what it plants (the values that must never survive scrubbing) and what the scan must
call at least one of its findings. The people are the twin's seed (names), with made-up addresses.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vcr.request import Request  # type: ignore[import-untyped]

ORIGIN = "https://staging.test"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrYXJsIn0.c2lnbmF0dXJlLXZhbHVlLTEyMzQ"


@dataclass(frozen=True)
class Case:
    """One crafted interaction: request, response, the planted values and the scan finding expected."""

    name: str
    planted: tuple[str, ...]
    expected_kinds: frozenset[str]
    uri: str = f"{ORIGIN}/employees/42"
    request_body: bytes = b""
    request_headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def interaction(self) -> tuple[Request, dict[str, Any]]:
        """Fresh vcrpy objects, as the recorder hands them to the scrubbing hooks."""
        method = "POST" if self.request_body else "GET"
        request = Request(method, self.uri, self.request_body, dict(self.request_headers))
        headers = {"content-type": [self.content_type], "content-length": [str(len(self.body))]}
        headers |= {name: [value] for name, value in self.headers.items()}
        response = {
            "status": {"code": 200, "message": "OK"},
            "headers": headers,
            "body": {"string": self.body},
        }
        return request, response


def _json(document: Any, pack: Callable[[bytes], bytes] = lambda data: data) -> bytes:
    return pack(json.dumps(document, ensure_ascii=False).encode())


def _employee(**extra: Any) -> dict[str, Any]:
    return {"data": {"id": 7, "resource": "employee", **extra}}


CASES: tuple[Case, ...] = (
    Case(
        "full-name",
        ("Clara Fischer",),
        frozenset({"name of the twin's seed", "personal-named key"}),
        body=_json(_employee(fullName="Clara Fischer")),
    ),
    Case(
        "birth-date",
        ("1984-07-15",),
        frozenset({"personal-named key"}),
        body=_json(_employee(birthDate="1984-07-15")),
    ),
    Case(
        "access-token",
        ("tok-4f9a8b7c6d5e", "bearer-type-x"),
        frozenset({"secret-named key"}),
        uri=f"{ORIGIN}/oauth/token",
        body=_json({"access_token": "tok-4f9a8b7c6d5e", "token_type": "bearer-type-x", "expires_in": 3600}),
    ),
    Case(
        "client-secret-in-a-form",
        ("cs-91d2e3f4a5b6", "hunter2-pass"),
        frozenset({"secret value"}),
        uri=f"{ORIGIN}/oauth/token",
        request_body=b"grant_type=client_credentials&client_secret=cs-91d2e3f4a5b6&password=hunter2-pass",
        request_headers={"content-type": "application/x-www-form-urlencoded"},
    ),
    Case(
        "refresh-token-nested",
        ("rt-0a1b2c3d4e5f",),
        frozenset({"secret-named key"}),
        body=_json({"data": {"session": {"refreshToken": "rt-0a1b2c3d4e5f", "issued": 1}}}),
    ),
    Case(
        "sig-in-a-link",
        ("Zm9vYmFyc2lnMTIz",),
        frozenset({"secret query parameter"}),
        body=_json(
            {"data": {"_links": {"self": {"href": f"{ORIGIN}/files/1.pdf?expires=99&sig=Zm9vYmFyc2lnMTIz"}}}}
        ),
    ),
    Case(
        "sig-in-the-request-url",
        ("c2lnbmVkLXVybA",),
        frozenset({"secret-named query parameter", "secret query parameter"}),
        uri=f"{ORIGIN}/employee-documents/1/download?sig=c2lnbmVkLXVybA",
    ),
    Case(
        "free-text",
        ("Greta Hoffmann", "greta.h@posteo.de"),
        frozenset({"name of the twin's seed", "email address"}),
        body=_json({"message": "Employee Greta Hoffmann <greta.h@posteo.de> could not be synced."}),
    ),
    Case(
        "content-disposition",
        ("Lohnabrechnung Jonas König",),
        frozenset({"name of the twin's seed"}),
        body=b"%PDF-1.4\n%%EOF\n",
        content_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="Lohnabrechnung Jonas König.pdf"'},
    ),
    Case(
        "json-in-json",
        ("Paul", "Schröder", "p.schroeder@web.de"),
        frozenset({"personal data in firstName", "email address"}),
        body=_json(
            {
                "data": {
                    "event": json.dumps(
                        {"firstName": "Paul", "lastName": "Schröder", "email": "p.schroeder@web.de"}
                    )
                }
            }
        ),
    ),
    Case(
        "gzip-without-content-encoding",
        ("Mila", "Neumann", "mila.neumann@example.net"),
        frozenset({"personal data in firstName", "email address"}),
        body=_json(
            _employee(firstName="Mila", lastName="Neumann", email="mila.neumann@example.net"),
            lambda data: gzip.compress(data, mtime=0),
        ),
    ),
    Case(
        "deflate-without-content-encoding",
        ("Kira", "kira@example.org"),
        frozenset({"personal data in firstName", "email address"}),
        body=_json(_employee(firstName="Kira", email="kira@example.org"), zlib.compress),
    ),
    Case(
        "non-ascii-emails",
        ("jürgen.groß@bücher.de", "zoë@exämple.de"),
        frozenset({"email address"}),
        body=_json(
            _employee(email="jürgen.groß@bücher.de", status="active, notified zoë@exämple.de"),
        ),
    ),
    Case(
        "names-in-query-parameters",
        ("Lorenz", "Vera"),
        frozenset({"name of the twin's seed"}),
        uri=f"{ORIGIN}/employees?lastName=Lorenz&name=Vera&page=1",
    ),
    Case(
        "credentials-in-free-text",
        ("dXNlcjpzM2NyM3QtcGFzcw", JWT),
        frozenset({"HTTP credential", "token"}),
        body=_json({"message": f"sent Authorization: Basic dXNlcjpzM2NyM3QtcGFzcw== and {JWT}"}),
    ),
    Case(
        "token-in-a-redirect",
        ("at-55aa66bb77cc",),
        frozenset({"secret value"}),
        headers={"location": f"{ORIGIN}/callback?access_token=at-55aa66bb77cc"},
    ),
)
