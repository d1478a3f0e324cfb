"""Resource limits a worker sets on itself before any student code runs."""
from __future__ import annotations

import resource
import signal


def apply(limits: dict[str, int]) -> None:
    """`limits` maps resource names ("RLIMIT_AS", ...) to the value used as soft and hard limit."""
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    # A full log file must not kill the worker: writes past the limit fail with EFBIG instead.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
