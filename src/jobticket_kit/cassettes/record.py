"""Record the cassette set (``jobticket-kit record-cassettes``): the twin by default, staging when configured.

Same target rules as the contract suite: ``JOBTICKET_BASE_URL``/``USERNAME``/``PASSWORD`` name a
remote target (production is refused before any request), ``JOBTICKET_LIMITED_KEYS`` adds the keys of
the 401/403/429 scenarios, and the sync scenarios need ``JOBTICKET_ALLOW_DESTRUCTIVE=1`` plus
``JOBTICKET_SANDBOX_INTEGRATION_ID`` off the twin. The whole set is recorded into a temporary directory,
scrubbed on the way to disk, and only then replaces the cassettes in the output directory, so a
failed run leaves the committed set untouched and the set never mixes two recordings (the fake values
of one run mean nothing in another). A remote recording goes to ``contract_tests/cassettes/staging/``
by default, beside the twin set that CI reproduces byte for byte.

Exit codes: 0 recorded, 1 a scenario failed, 2 refused or unreachable (production, missing settings
or keys, the target down) before any scenario ran.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import vcr  # type: ignore[import-untyped]
import yaml

from jobticket_api.errors import UnexpectedStatus
from jobticket_kit.cassettes.layout import (
    INDEX_NAME,
    REMOTE_SET,
    SpecIdentity,
    cassette_files,
    default_cassette_dir,
)
from jobticket_kit.cassettes.recording_context import IncompleteTarget, RecordingError
from jobticket_kit.cassettes.recording_target import open_target
from jobticket_kit.cassettes.scenarios import SCENARIOS, Scenario
from jobticket_kit.cassettes.scrub import Scrubber, scrub_request_headers, scrub_response_headers
from jobticket_kit.spec.validation import default_spec_path

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobticket_kit.settings import KitSettings

__all__ = ["default_output", "record_all", "recording_vcr"]

_INDEX_HEADER = "# Written by scripts/record-cassettes; re-record instead of editing (see the README).\n"


def default_output(settings: KitSettings) -> Path:
    """The committed twin set, or its ``staging/`` beside it for a remote target."""
    return default_cassette_dir() if settings.target.is_twin else default_cassette_dir() / REMOTE_SET


def record_all(
    settings: KitSettings,
    output: Path,
    *,
    skip_unavailable: bool = False,
    spec_path: Path | None = None,
) -> list[str]:
    """Record every scenario the settings' target offers into ``output`` and return the names recorded.

    Raises IncompleteTarget when a scenario cannot be recorded on this target (unless
    ``skip_unavailable``), before any scenario runs, and RecordingError when the target answers a
    scenario with a status other than the scenario's.
    """
    spec = SpecIdentity.of(spec_path or default_spec_path())
    with open_target(settings) as opened, tempfile.TemporaryDirectory() as scratch:
        context = opened.context
        unavailable = {s.name: reason for s in SCENARIOS if (reason := s.unavailable(context))}
        if unavailable and not skip_unavailable:
            reasons = "; ".join(f"{name} {reason}" for name, reason in unavailable.items())
            raise IncompleteTarget(
                f"cannot record the whole set: {reasons} (--skip-unavailable leaves them out)"
            )
        recorder = recording_vcr(Scrubber(opened.origins))
        recorded = [scenario for scenario in SCENARIOS if scenario.name not in unavailable]
        for scenario in recorded:
            metadata = _metadata(scenario, opened.recorded_from, spec)
            if scenario.destructive and opened.guard is not None:
                opened.guard()  # at the time of use: someone may have linked a real person since
            try:
                if scenario.prepare is not None:
                    scenario.prepare(context)
                with recorder.use_cassette(str(Path(scratch) / f"{scenario.name}.yaml")) as cassette:
                    for key, value in metadata.items():
                        cassette.get_metadata(key, value)
                    scenario.run(context)
            except RecordingError as exc:
                raise RecordingError(f"{scenario.name}: {exc}") from None
            except UnexpectedStatus as exc:
                raise RecordingError(f"{scenario.name}: undocumented status {exc.status_code}") from None
            except httpx.HTTPError as exc:  # its message may hold a URL with personal data
                raise RecordingError(f"{scenario.name}: {type(exc).__name__} talking to the target") from None
        _write_index(Path(scratch) / INDEX_NAME, recorded, opened.recorded_from, spec)
        _replace_set(Path(scratch), output)
    return [scenario.name for scenario in recorded]


def recording_vcr(scrubber: Scrubber) -> vcr.VCR:
    """The VCR every recording uses: YAML (binary-safe), always re-recorded, scrubbed before saving."""
    return vcr.VCR(
        serializer="yaml",
        record_mode="all",
        decode_compressed_response=True,
        before_record_request=scrub_request_headers,
        before_record_response=scrub_response_headers,
        before_save_interaction=scrubber,
    )


def _metadata(scenario: Scenario, recorded_from: str, spec: SpecIdentity) -> dict[str, Any]:
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "operation": scenario.operation,
        "status": scenario.status,
        "recorded_from": recorded_from,
        "spec_version": spec.version,
        "spec_sha256": spec.sha256,
    }


def _write_index(path: Path, scenarios: Sequence[Scenario], recorded_from: str, spec: SpecIdentity) -> None:
    index = {
        "recorded_from": recorded_from,
        "spec_version": spec.version,
        "spec_sha256": spec.sha256,
        "scrubbed": "no credentials; strings the spec does not mark x-personal: false are fakes",
        "cassettes": {
            scenario.name: {
                "operation": scenario.operation,
                "status": scenario.status,
                "description": scenario.description,
            }
            for scenario in scenarios
        },
    }
    text = yaml.safe_dump(index, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(_INDEX_HEADER + text, encoding="utf-8")


def _replace_set(source: Path, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    for old in [*cassette_files(output), output / INDEX_NAME]:
        old.unlink(missing_ok=True)
    for new in sorted(source.glob("*.yaml")):
        shutil.copyfile(new, output / new.name)
