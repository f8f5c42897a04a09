"""The FastAPI application: `create_app(settings)` wires routes, limits, metrics and the lifespan that loads the model.

Nothing is loaded at import: the model is read once, in the lifespan, when a server (or a TestClient) starts the app.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from .batcher import Overloaded, ShuttingDown
from .engine import ClassificationService, RequestTimeout, TooManySentences
from .limits import BodySizeLimitMiddleware
from .metrics import MetricsMiddleware, ServiceMetrics
from .routes import classify, health, stance
from .settings import ServiceSettings

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    service = await ClassificationService.start(app.state.settings, app.state.metrics)
    app.state.service = service
    try:
        yield
    finally:
        # uvicorn gets here after in-flight requests have finished; close() still answers anything left queued
        await service.close()


def create_app(settings: ServiceSettings) -> FastAPI:
    app = FastAPI(title="framing", version=__version__, lifespan=lifespan,
                  description="Sentence-level framing classification of news text "
                              "(accusatory, humanitarian, legal_argument, background).")
    app.state.settings = settings
    app.state.metrics = ServiceMetrics()
    app.include_router(classify.router)
    app.include_router(stance.router)
    app.include_router(health.router)
    _add_error_handlers(app)
    # added innermost first: the body cap runs before parsing, CORS headers reach every answer, and metrics see all
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "Authorization", "X-API-Key"])
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics, known_paths=lambda: _fixed_paths(app))
    return app


def _fixed_paths(app: FastAPI) -> set[str]:
    if not hasattr(app.state, "fixed_paths"):
        paths = set(app.openapi()["paths"]) | {app.docs_url, app.redoc_url, app.openapi_url}
        app.state.fixed_paths = {p for p in paths if p and "{" not in p}
    return app.state.fixed_paths


def _error(loc, msg: str, kind: str) -> dict:
    loc = list(loc)
    field = ".".join(str(p) for p in loc[1:] if p is not None) if loc[:1] == ["body"] else ".".join(map(str, loc))
    return {"loc": loc, "field": field or "body", "msg": msg, "type": kind}


def _unprocessable(errors: list[dict]) -> JSONResponse:
    message = "; ".join(f"{e['field']}: {e['msg']}" for e in errors)
    return JSONResponse({"detail": errors, "message": message}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        is_json = "json" in request.headers.get("content-type", "")
        for e in exc.errors():
            msg = e["msg"].removeprefix("Value error, ")
            loc = list(e["loc"])
            if e["type"] == "json_invalid":  # say where the JSON broke, not only that it did
                msg, loc = f"invalid JSON at character {loc[-1]}: {e.get('ctx', {}).get('error', msg)}", ["body"]
            elif loc == ["body"] and not is_json:
                msg = f"{msg}; send a JSON object with 'Content-Type: application/json'"
            errors.append(_error(loc, msg, e["type"]))
        return _unprocessable(errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        # FastAPI answers a body it cannot decode (bytes that are not UTF-8) with a bare 400; it is malformed JSON
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            return _unprocessable([_error(["body"], f"invalid JSON: the body is not UTF-8 ({exc.__cause__.reason} at "
                                                    f"byte {exc.__cause__.start})", "json_invalid")])
        return await http_exception_handler(request, exc)

    @app.exception_handler(TooManySentences)
    async def too_many(request: Request, exc: TooManySentences) -> JSONResponse:
        return _unprocessable([_error(list(exc.loc), str(exc), "too_many_sentences")])

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, exc: Overloaded) -> JSONResponse:
        return JSONResponse({"detail": f"server busy: {exc}; retry shortly"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})

    @app.exception_handler(ShuttingDown)
    async def shutting_down(request: Request, exc: ShuttingDown) -> JSONResponse:
        return JSONResponse({"detail": "the server is shutting down; retry on another instance"},
                            status_code=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Connection": "close"})

    @app.exception_handler(RequestTimeout)
    async def timed_out(request: Request, exc: RequestTimeout) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_504_GATEWAY_TIMEOUT)
