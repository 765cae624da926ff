"""The HR-sync guard's default limit, importable without the HR-sync machinery.

The clients need it for their signatures; the planner itself loads with the first sync, so that
``import jobticket`` stays light.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_OFFBOARD_RATIO"]

DEFAULT_MAX_OFFBOARD_RATIO = 0.10
