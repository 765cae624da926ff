"""Where update-spec writes in a CHANGELOG: a section below Unreleased, or a line inside it."""

from __future__ import annotations

import pytest

from jobticket_kit.spec.changelogs import with_entry, with_unreleased_entry


def test_the_changelog_entry_goes_below_unreleased_and_above_the_newest_version() -> None:
    text = "# Changelog\n\nIntro.\n\n## Unreleased — notes\n\nSoon.\n\n## 1.0.0 — 2026-11-22\n\nFirst.\n"
    entry = "## 1.1.0 — 2026-12-06\n\nNew.\n"
    updated = with_entry(text, entry)
    assert updated.index("## Unreleased") < updated.index("## 1.1.0") < updated.index("## 1.0.0")
    assert updated.startswith("# Changelog\n\nIntro.\n\n## Unreleased — notes\n\nSoon.\n\n## 1.1.0")
    assert with_entry("# Changelog\n", entry) == "# Changelog\n\n" + entry
    assert with_entry("# C\n\n## Unreleased\n\nx\n", entry).endswith("x\n\n" + entry)


def test_keep_a_changelogs_bracketed_unreleased_stays_on_top() -> None:
    text = "# C\n\n## [Unreleased]\n\n- Soon.\n\n## [1.0.0] - 2026-11-22\n\nFirst.\n"
    entry = "## [1.1.0] - 2026-12-06\n\nNew.\n"
    assert with_entry(text, entry) == text.replace("## [1.0.0]", f"{entry}\n## [1.0.0]")


CLIENT = """# Changelog

## [Unreleased]

### Changed (breaking)

- Renamed.
- Moved.

### Deprecated

- Old names.

## [2.0.0] - 2026-12-06

### Changed

- Released.
"""
ENTRY = "- `jobticket_api` now follows API description 1.3.0 (was 1.2.0)\n"


def test_a_line_goes_first_into_its_subsection_of_unreleased() -> None:
    updated = with_unreleased_entry(CLIENT, ENTRY + "  - a name\n", breaking=True)
    assert updated == CLIENT.replace("\n- Renamed.", "\n" + ENTRY + "  - a name\n- Renamed.")


def test_a_missing_subsection_is_made_after_the_breaking_changes_and_before_the_others() -> None:
    updated = with_unreleased_entry(CLIENT, ENTRY, breaking=False)
    assert updated == CLIENT.replace("### Deprecated", f"### Changed\n\n{ENTRY}\n### Deprecated")
    # The released section's own "### Changed" is left alone.
    assert updated.endswith("## [2.0.0] - 2026-12-06\n\n### Changed\n\n- Released.\n")
    breaking_first = with_unreleased_entry(
        updated.replace("### Changed (breaking)", "### Fixed"), ENTRY, breaking=True
    )
    assert breaking_first.index("### Changed (breaking)") < breaking_first.index("### Fixed")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An empty Unreleased section, as a release leaves it.
        ("# C\n\n## [Unreleased]\n\n## [2.0.0] - 2026-12-06\n\nx\n",
         f"# C\n\n## [Unreleased]\n\n### Changed\n\n{ENTRY}\n## [2.0.0] - 2026-12-06\n\nx\n"),
        # None at all: made where with_entry puts a section, above the newest release.
        ("# C\n\nIntro.\n\n## [2.0.0] - 2026-12-06\n\nx\n",
         f"# C\n\nIntro.\n\n## [Unreleased]\n\n### Changed\n\n{ENTRY}\n## [2.0.0] - 2026-12-06\n\nx\n"),
        ("# C\n", f"# C\n\n## [Unreleased]\n\n### Changed\n\n{ENTRY}"),
        # An empty subsection, and text without a final newline.
        ("# C\n\n## Unreleased\n\n### Changed\n\n## [1.0.0]",
         f"# C\n\n## Unreleased\n\n### Changed\n\n{ENTRY}\n## [1.0.0]\n"),
    ],
)  # fmt: skip
def test_the_unreleased_section_and_the_subsection_are_made_when_missing(text: str, expected: str) -> None:
    assert with_unreleased_entry(text, ENTRY, breaking=False) == expected
