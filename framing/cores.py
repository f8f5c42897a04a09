"""How many cores to use: physical ones, within this process's affinity."""
from __future__ import annotations

import os


def physical_cores() -> int:
    """Physical cores this process may run on: hyper-threads share one core's arithmetic units."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        import psutil

        physical = psutil.cpu_count(logical=False)
    except ImportError:
        physical = None
    return max(1, min(physical or available, available))
