"""`framing serve`: run the HTTP service under uvicorn."""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import fields

from ..predict import BACKENDS
from .settings import ServiceSettings


def register(subparsers) -> None:
    p = subparsers.add_parser("serve", help="serve the classifier over HTTP (docs at /docs)",
                              description="Every option can also come from the environment: FRAMING_ + the option "
                                          "name in capitals with _ for - (FRAMING_MODEL, FRAMING_API_KEY, "
                                          "FRAMING_MAX_BATCH, ...). Options on the command line win.")
    p.add_argument("--model", help="model folder (default $FRAMING_MODEL, else models/default)")
    p.add_argument("--stance-model", help="stance model folder for /v1/stance (default: models/stance beside the "
                                          "model when it exists; without one, /v1/stance answers 404)")
    p.add_argument("--actors", help="actors YAML for /v1/stance (default: the shipped list)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 8000)")
    p.add_argument("--backend", choices=BACKENDS, help="inference backend (default torch)")
    p.add_argument("--max-batch", type=int, help="most sentences in one model call (default 64)")
    p.add_argument("--max-wait-ms", type=float, help="how long to gather concurrent requests into a call (default 5)")
    p.add_argument("--no-batching", dest="batching", action="store_const", const=False,
                   help="one model call per request (the baseline micro-batching is measured against)")
    p.add_argument("--max-queue", type=int, help="sentences allowed to wait before answering 503 (default 4096)")
    p.add_argument("--max-body-bytes", type=int, help="request body cap, 413 above it (default 1000000)")
    p.add_argument("--max-sentences", type=int, help="sentences per request, 422 above it (default 256)")
    p.add_argument("--max-chars", type=int, help="characters of a sentence given to the model (default 2000)")
    p.add_argument("--request-timeout", dest="request_timeout_s", type=float,
                   help="seconds before a request is answered 504 (default 30)")
    p.add_argument("--api-key", help="require this key (X-API-Key or Bearer) on /v1; prefer $FRAMING_API_KEY, "
                                     "which other users cannot read from the process list")
    p.add_argument("--cors-origin", dest="cors_origins", action="append",
                   help="allow browser calls from this origin (repeatable); CORS is off without it")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app

    # every settings field has an option of the same dest; None means "not given", so env and defaults stay
    settings = ServiceSettings.from_sources(os.environ, **{f.name: getattr(args, f.name) for f in fields(ServiceSettings)})
    if not (settings.model / "config.json").is_file():
        raise FileNotFoundError(f"{settings.model}: not a model folder (no config.json); pass --model or set FRAMING_MODEL")
    if settings.api_key is None and settings.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {settings.host} without an API key; anyone who can reach it can use it",
              file=sys.stderr)
    print(f"serving {settings.model} on http://{settings.host}:{settings.port}  (docs /docs, metrics /metrics, "
          f"API key {'required' if settings.api_key else 'off'}, micro-batching {'on' if settings.batching else 'off'})",
          flush=True)
    # on SIGTERM uvicorn stops accepting, lets in-flight requests finish (for at most a request timeout and a
    # little more), then runs the lifespan shutdown, which drains the batcher
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=int(settings.request_timeout_s) + 5, access_log=False)
    return 0
