"""Validate every recorded response against a spec: a spec change the recorded API contradicts shows offline.

Each problem names the cassette, the interaction, the operation and the JSON path of the field (from
``jobticket_kit.spec.validation``), plus the spec version the cassette was recorded under.

``jobticket-kit drift [--spec FILE] [DIR]`` exits 1 on any drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError, ValidatorDetectError

from jobticket_kit.cassettes.layout import (
    SpecIdentity,
    cassette_files,
    cassette_sets,
    default_cassette_dir,
    load_cassette,
)
from jobticket_kit.inputs import InputError, load_yaml_text, read_text_file
from jobticket_kit.spec.validation import ResponseValidator, UndocumentedOperation, default_spec_path

if TYPE_CHECKING:
    from jobticket_kit.cassettes.layout import Interaction

__all__ = ["Drift", "find_drift", "input_problem", "run", "stale_cassettes"]


@dataclass(frozen=True)
class Drift:
    """One recorded response the spec no longer allows."""

    cassette: str
    interaction: int
    method: str
    path: str
    status: int
    operation: str
    recorded_under: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        problems = "\n    ".join(self.problems)
        return (
            f"cassette {self.cassette}, interaction {self.interaction}: {self.operation} "
            f"({self.method} {self.path}) -> {self.status}, recorded under spec {self.recorded_under}, "
            f"now disagrees:\n    {problems}"
        )


def _problems(validator: ResponseValidator, interaction: Interaction) -> tuple[str, tuple[str, ...]]:
    path = urlsplit(interaction.uri).path
    headers = {name: ", ".join(values) for name, values in interaction.response_headers.items()}
    try:
        found = validator.violations(
            interaction.method, interaction.uri, interaction.status, headers, interaction.body
        )
    except UndocumentedOperation as exc:
        return "undocumented", tuple(str(violation) for violation in exc.violations)
    return validator.operation_id(interaction.method, path) or "undocumented", tuple(map(str, found))


def find_drift(directory: Path | None = None, spec_path: Path | None = None) -> list[Drift]:
    """Every recorded response in ``directory`` that the spec at ``spec_path`` does not allow."""
    validator = ResponseValidator(spec_path or default_spec_path())
    drifts: list[Drift] = []
    for path in cassette_files(directory or default_cassette_dir()):
        cassette = load_cassette(path)
        recorded_under = str(cassette.metadata.get("spec_version", "unknown"))
        for number, interaction in enumerate(cassette.interactions, start=1):
            operation, problems = _problems(validator, interaction)
            if problems:
                drifts.append(
                    Drift(
                        path.name,
                        number,
                        interaction.method,
                        urlsplit(interaction.uri).path,
                        interaction.status,
                        operation,
                        recorded_under,
                        problems,
                    )
                )
    return drifts


def stale_cassettes(directory: Path | None = None, spec_path: Path | None = None) -> list[str]:
    """Cassettes recorded under another spec file than ``spec_path`` (a hint to re-record, not a failure)."""
    current = SpecIdentity.of(spec_path or default_spec_path())
    return [
        path.name
        for path in cassette_files(directory or default_cassette_dir())
        if load_cassette(path).metadata.get("spec_sha256") != current.sha256
    ]


def run(directory: Path | None = None, spec_path: Path | None = None) -> int:
    """Report drift between the cassettes (default: every committed set) and the spec; 1 on any drift.

    Check the files with :func:`input_problem` first: a spec or cassette that cannot be read raises here.
    """
    directories = [directory] if directory else cassette_sets()
    drifts = [drift for folder in directories for drift in find_drift(folder, spec_path)]
    for drift in drifts:
        print(drift)
    stale = [name for folder in directories for name in stale_cassettes(folder, spec_path)]
    if stale:
        print(f"note: {len(stale)} cassette(s) were recorded under another spec file; re-record them")
    print(f"cassette drift: {len(drifts)} response(s) disagree with the spec")
    return 1 if drifts else 0


def input_problem(directories: list[Path], spec_path: Path) -> str | None:
    """Why the spec or a cassette cannot be used (one line naming the file), or None."""
    try:
        document = load_yaml_text(read_text_file(spec_path, what="spec file"), str(spec_path))
        if not isinstance(document, dict):
            return f"{spec_path}: not a YAML or JSON object"
        validate(document)
        servers = document.get("servers")
        if not (
            isinstance(servers, list) and servers and isinstance(servers[0], dict) and servers[0].get("url")
        ):
            return f"{spec_path}: the spec names no server URL (servers[0].url)"
    except InputError as error:
        return str(error)
    except ValidatorDetectError:
        return f"{spec_path}: not valid OpenAPI: not an OpenAPI 3.0 or 3.1 document (its 'openapi' version)"
    except OpenAPIValidationError as error:
        return f"{spec_path}: not valid OpenAPI: {error.message}"
    for path in (path for folder in directories for path in cassette_files(folder)):
        try:  # the safe parser first: libyaml, which vcrpy reads with, crashes on deep nesting
            load_yaml_text(read_text_file(path, what="cassette"), str(path))
            load_cassette(path)
        except InputError as error:
            return str(error)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError) as error:
            return f"{path}: not a vcrpy cassette ({type(error).__name__})"
    return None
