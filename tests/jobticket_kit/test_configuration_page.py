"""docs/configuration.md holds the table the settings object generates: the page cannot drift from it."""

from __future__ import annotations

import re

from jobticket_kit.checkout import project_root
from jobticket_kit.settings import markdown_table

PAGE = project_root() / "docs" / "configuration.md"


def test_the_configuration_page_holds_the_generated_table() -> None:
    page = PAGE.read_text(encoding="utf-8")
    found = re.search(r"<!-- settings-table:start -->\n(.*?)<!-- settings-table:end -->", page, re.DOTALL)
    assert found, f"{PAGE} lacks the settings-table markers"
    assert found.group(1) == markdown_table(), (
        "docs/configuration.md is stale: paste `jobticket-kit config --markdown` between its markers"
    )
