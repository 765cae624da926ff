"""The twin a test runs against, described once: in this process or a separate one, on which clock and limit.

The root conftest's ``twin`` fixture starts one from ``TwinOptions``, which a test gives with
``@pytest.mark.twin(...)`` (on the test, its class or its module) or, when the options depend on other
fixtures, by overriding the ``twin_options`` fixture::

    @pytest.mark.twin(process=True, rate_limit=100, window=6.0, block=30)
    def test_a_fleet_paces_together(twin: Twin) -> None:
        run_workers(twin.base_url)

The options keep the twin's own vocabulary (``python -m jobticket_twin --rate-limit N --window SECONDS
--block SECONDS --faults SPEC --fake-clock``), so one description serves both places a twin runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from jobticket_twin import FakeClock, TwinConfig, WebhookReceiver
from jobticket_twin.control import CONTROL_PREFIX
from jobticket_twin.faults import parse_fault_spec
from jobticket_twin.seed import SEED_KEYS
from jobticket_twin.testing import RunningTwin, TwinProcess, running_twin, twin_process

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator, Mapping

    from jobticket_twin.state import TwinState

__all__ = ["Twin", "TwinOptions", "TwinPool", "start_twin"]


@dataclass(frozen=True, kw_only=True)
class TwinOptions:
    """How a test wants its twin. The defaults are the API's own rules (100 requests per 60 s, a 300 s
    block), served in this process on a ``FakeClock``, fresh for every test."""

    process: bool = False
    """Run ``python -m jobticket_twin`` as a child process (its own interpreter, reached by URL only),
    as the tools reach staging; False serves it in a thread of the test process, state in reach."""
    shared: bool = False
    """One twin for every test of the module with the same options, reset to its seed before each."""
    fake_clock: bool | None = None
    """A FakeClock (``twin.fake_clock``); None means one in this process and the real clock in a child."""
    seed: int = 0
    rate_limit: int = 100
    """Requests per window and key; 0 turns the limit off."""
    window: float = 60.0
    """The rate-limit window in seconds; scale it down (with ``block``) to test pacing on a real clock."""
    block: float = 300.0
    faults: str | None = None
    """Injected faults in the command line's spelling, e.g. ``"error=0.2,seed=1"``."""
    webhooks: tuple[WebhookReceiver, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict)
    """Further ``TwinConfig`` fields (e.g. ``webhook_attempts``); a twin in this process only."""

    def __post_init__(self) -> None:
        if self.process and self.config:
            raise ValueError(f"a twin process takes command-line options only, not config={self.config}")

    @property
    def uses_fake_clock(self) -> bool:
        return not self.process if self.fake_clock is None else self.fake_clock

    def twin_config(self) -> TwinConfig:
        """The ``TwinConfig`` of a twin in this process (a new FakeClock each time, when it uses one)."""
        config = TwinConfig(
            seed=self.seed,
            rate_limit=self.rate_limit,
            window_seconds=self.window,
            block_seconds=self.block,
            faults=parse_fault_spec(self.faults) if self.faults else None,
            webhook_receivers=self.webhooks,
        )
        changes: dict[str, Any] = dict(self.config)
        if self.uses_fake_clock:
            changes["clock"] = FakeClock()
        return dataclasses.replace(config, **changes)

    def command_line(self) -> list[str]:
        """The arguments of ``python -m jobticket_twin`` for a twin process (the port is added)."""
        args = ["--seed", str(self.seed), "--rate-limit", str(self.rate_limit)]
        args += ["--window", str(self.window), "--block", str(self.block)]
        if self.faults:
            args += ["--faults", self.faults]
        if self.uses_fake_clock:
            args.append("--fake-clock")
        for receiver in self.webhooks:
            args += ["--webhook", f"{receiver.url}={receiver.secret}"]
        return args


@dataclass(frozen=True)
class Twin:
    """A running twin: its URL and keys always; its state and clock when it runs in this process."""

    base_url: str
    options: TwinOptions
    _in_process: RunningTwin | None = field(default=None, repr=False)
    _process: TwinProcess | None = field(default=None, repr=False)

    def credentials(self, name: str = "admin") -> tuple[str, str]:
        """Basic-auth pair of the seed key ``name`` (see ``jobticket_twin.seed.SEED_KEYS``)."""
        key = SEED_KEYS[name]
        return key.key_id, key.secret

    def reset(self) -> None:
        """Back to fresh seed data, every rate-limit block forgotten (the clock keeps its time)."""
        if self._in_process is not None:
            self._in_process.state.reset()
        else:
            httpx.post(f"{self.base_url}{CONTROL_PREFIX}/reset", trust_env=False).raise_for_status()

    @property
    def in_process(self) -> RunningTwin:
        """The twin served in this process; a TypeError for a twin process, whose state is out of reach."""
        if self._in_process is None:
            raise TypeError("this twin runs in a separate process: reach it by URL (base_url)")
        return self._in_process

    @property
    def state(self) -> TwinState:
        return self.in_process.state

    @property
    def fake_clock(self) -> FakeClock:
        return self.in_process.fake_clock

    def wait_for_webhooks(self, timeout: float = 10.0) -> None:
        """Block until no webhook delivery (retries included) is running."""
        self.in_process.wait_for_webhooks(timeout)

    @property
    def process(self) -> subprocess.Popen[str]:
        """The child process of a twin process; a TypeError for a twin in this process."""
        if self._process is None:
            raise TypeError("this twin runs in the test process")
        return self._process.process


@contextlib.contextmanager
def start_twin(options: TwinOptions | None = None) -> Iterator[Twin]:
    """Serve a fresh twin on loopback (a port the OS chose) for the block, then stop it."""
    options = options or TwinOptions()
    if options.process:
        with twin_process(*options.command_line()) as child:
            yield Twin(child.base_url, options, _process=child)
    else:
        with running_twin(options.twin_config()) as served:
            yield Twin(served.base_url, options, _in_process=served)


class TwinPool:
    """Shared twins, one per set of options, all stopped when the pool closes (a module's tests end)."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._twins: list[Twin] = []

    def get(self, options: TwinOptions) -> Twin:
        """The pool's twin with ``options``, started on first use."""
        for twin in self._twins:
            if twin.options == options:
                return twin
        twin = self._stack.enter_context(start_twin(options))
        self._twins.append(twin)
        return twin

    def close(self) -> None:
        self._twins.clear()
        self._stack.close()
