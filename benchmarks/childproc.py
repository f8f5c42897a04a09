"""Run one benchmark case in a fresh interpreter and read back its figures.

Each case prints one JSON line last on stdout; progress and logs go to stderr. A case measures its own peak
memory with `peak_rss_mib()`: the ru_maxrss that wait4 reports for a child starts at the parent's size, because
Linux carries the forked copy's high-water mark across exec, so a parent that loaded a model would show its
own size for every child.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path


def run_child(cmd: list[str], name: str, cwd: Path | None = None) -> tuple[dict, "resource.struct_rusage"]:
    """Run `cmd`; return (its last stdout line as JSON, its resource usage). Exits naming `name` on failure."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, cwd=cwd)
    output = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code != 0:
        raise SystemExit(f"{name}: child exited with {code}")
    lines = output.strip().splitlines()
    if not lines:
        raise SystemExit(f"{name}: child printed no result")
    return json.loads(lines[-1]), usage


def peak_rss_mib() -> float:
    """This process's resident high-water mark since exec, in MiB."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; no /proc elsewhere
