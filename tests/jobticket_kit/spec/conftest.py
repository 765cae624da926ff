"""The spec validator is tested on the twin's real answers: reuse the twin tests' fixtures."""

from tests.jobticket_twin.conftest import app, client, clock, config

__all__ = ["app", "client", "clock", "config"]
