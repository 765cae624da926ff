"""Run a module as ``python -m`` would and report how much its peak memory grew while it ran.

    python -m tests.helpers.peak_memory --preload jobticket_kit.cli,schemathesis -- jobticket_kit contract ...

The modules named by ``--preload`` are imported first, so the baseline includes what merely loading the
tool costs; the module is then run as ``__main__`` with the remaining arguments, and the last line on
stderr is ``peak-memory-growth-mib=<float>``. The peak is Linux's ``VmHWM`` of this process's memory, which
an exec starts afresh (``ru_maxrss`` does not: it keeps the peak of the parent the child was forked from).
The exit code is the module's.
"""

from __future__ import annotations

import importlib
import runpy
import sys

__all__ = ["MARKER", "growth_mib"]

MARKER = "peak-memory-growth-mib="


def _peak_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status: measuring peak memory needs Linux")


def growth_mib(stderr: str) -> float:
    """The growth a run of this module reported on its stderr."""
    line = next(line for line in reversed(stderr.splitlines()) if line.startswith(MARKER))
    return float(line.removeprefix(MARKER))


def main(argv: list[str]) -> int:
    split = argv.index("--")
    options, target = argv[:split], argv[split + 1 :]
    if options[:1] == ["--preload"]:
        for name in options[1].split(","):
            importlib.import_module(name)
    baseline = _peak_kib()
    sys.argv = [target[0], *target[1:]]
    code: int | str | None = 0
    try:
        runpy.run_module(target[0], run_name="__main__", alter_sys=True)
    except SystemExit as exit_:
        code = exit_.code
    finally:
        sys.stderr.write(f"\n{MARKER}{(_peak_kib() - baseline) / 1024:.1f}\n")
    return code if isinstance(code, int) else (0 if code is None else 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
