"""framing.service.command: `framing serve` refuses a missing model; a real uvicorn process drains on SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from framing.cli import main as cli_main

from service_helpers import ARTICLE


ROOT = Path(__file__).resolve().parents[2]


def test_serve_command_rejects_a_missing_model(tmp_path, capsys):
    assert cli_main(["serve", "--model", str(tmp_path / "nothing")]) == 2
    assert "not a model folder" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server_finishes_in_flight_request_on_sigterm(tiny_model, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("FRAMING_API_KEY", None)
    # a long gathering window keeps the request in flight long enough to signal the server meanwhile
    cmd = [sys.executable, "-m", "framing.cli", "serve", "--model", str(tiny_model), "--host", "127.0.0.1",
           "--port", str(port), "--max-wait-ms", "1500"]
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        with httpx.Client(base_url=base, timeout=10, trust_env=False) as http:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, log_path.read_text()
                try:
                    if http.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready:\n" + log_path.read_text()
                time.sleep(0.1)

            answer = {}
            worker = threading.Thread(target=lambda: answer.update(
                r=httpx.post(base + "/v1/classify", json={"text": ARTICLE}, timeout=30, trust_env=False)))
            worker.start()
            # wait until the classify request is in flight (the /metrics request itself is the other one)
            while http.get("/metrics").text.count("\nframing_http_requests_in_progress 2.0") == 0:
                assert worker.is_alive(), "request finished before SIGTERM could be sent"
                time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=30)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = log_path.read_text()
    assert answer["r"].status_code == 200, log
    assert len(answer["r"].json()["sentences"]) == 3
    # uvicorn re-raises the signal after a clean shutdown, so the exit status is "terminated by SIGTERM"
    assert code in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log and "Traceback" not in log
