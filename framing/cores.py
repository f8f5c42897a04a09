"""How many cores to use: physical ones, within this process's affinity."""
from __future__ import annotations

import os


def physical_cores() -> int:
    """Physical cores this process may run on: hyper-threads share one core's arithmetic units. `$FRAMING_THREADS`
    overrides it (a Ray worker sets it to its share of the cores)."""
    if os.environ.get("FRAMING_THREADS", "").isdigit() and int(os.environ["FRAMING_THREADS"]) > 0:
        return int(os.environ["FRAMING_THREADS"])
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return max(1, min(physical or available, available))
