"""The distribution's own version: one line that hatch, the User-Agent and the CHANGELOG agree on.

``jobticket/_version.py`` holds it; the API description the generated package follows has its own
version (``jobticket_api.__version__``), which the CHANGELOG names for every release and for every
newer description taken since.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from hatchling.metadata.core import ProjectMetadata
from hatchling.plugin.manager import PluginManager

import jobticket
import jobticket_api

# The distribution folder of the jobticket imported here (client/ of this checkout, or of the copy
# update-spec checks).
DISTRIBUTION = Path(jobticket.__file__).resolve().parents[1]
CHANGELOG = (DISTRIBUTION / "CHANGELOG.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^## (?P<title>.*)$", re.MULTILINE)
RELEASE = re.compile(r"\[(?P<version>\d+\.\d+\.\d+)\] - (?P<date>\d{4}-\d{2}-\d{2})")
# "Generated from API description 1.2.0." (a release) or "`jobticket_api` now follows API description
# 1.3.0 (was 1.2.0)" (update-spec's entry under Unreleased).
API_DESCRIPTION = re.compile(r"(?:generated from|now follows) API description (\d+\.\d+\.\d+)", re.IGNORECASE)


def semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_the_version_is_the_newest_release_of_the_changelog() -> None:
    titles = [match["title"] for match in HEADING.finditer(CHANGELOG)]
    assert titles[0] == "[Unreleased]", "the CHANGELOG starts with an Unreleased section, even empty"
    releases = [RELEASE.fullmatch(title) for title in titles[1:]]
    assert None not in releases, f"a release heading reads '## [X.Y.Z] - YYYY-MM-DD': {titles[1:]}"
    versions = [release["version"] for release in releases if release]
    assert versions[0] == jobticket.__version__, (
        f"jobticket/_version.py says {jobticket.__version__}, the newest release in CHANGELOG.md is "
        f"{versions[0]}: bump both at a release"
    )
    assert versions == sorted(versions, key=semver, reverse=True), "newest first"
    for release in releases:
        assert release
        datetime.date.fromisoformat(release["date"])


def test_hatch_builds_the_distribution_at_that_version() -> None:
    metadata = ProjectMetadata(str(DISTRIBUTION), PluginManager())
    assert (metadata.name, metadata.version) == ("jobticket-api-client", jobticket.__version__)


def test_the_changelog_names_the_api_description_the_generated_package_follows() -> None:
    # The newest mention wins: update-spec's entry under Unreleased, else the newest release's line.
    newest = API_DESCRIPTION.search(CHANGELOG, CHANGELOG.index("\n## "))
    assert newest is not None, "each release says which API description it is generated from"
    assert newest[1] == jobticket_api.__version__, (
        f"generated/ follows API description {jobticket_api.__version__}, CHANGELOG.md's newest mention "
        f"is {newest[1]}: add under Unreleased '`jobticket_api` now follows API description "
        f"{jobticket_api.__version__} (was {newest[1]})' (scripts/update-spec writes it)"
    )
