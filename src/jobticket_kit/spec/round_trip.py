"""One way to edit the pinned spec as YAML text: load, change, dump, and keep its formatting.

ruamel's round trip keeps comments, anchors, key order and quoting; these settings keep the rest as
the spec is written: sequences indented under their key (``  - url:``), ``null`` spelled out, and no
line folding (a long description stays one line). Loading and dumping the pinned spec unchanged gives
the same bytes, except a plain scalar folded over several lines, which becomes one line.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter

__all__ = ["round_trip_yaml"]


def round_trip_yaml() -> YAML:
    """A ruamel round-trip loader and dumper set up for the spec's own layout."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def _null(representer: RoundTripRepresenter, _: Any) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")
