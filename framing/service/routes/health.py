"""Liveness, readiness and Prometheus metrics; open without the API key so probes and scrapers need no secret."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from ..schemas import Status

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Status)
async def healthz() -> Status:
    """The process is up and answering."""
    return Status(status="ok")


@router.get("/readyz", response_model=Status, responses={503: {"model": Status, "description": "not ready"}})
async def readyz(request: Request):
    """The model is loaded and requests are being taken (503 while starting and while draining at shutdown)."""
    service = getattr(request.app.state, "service", None)
    if service is None or not service.ready:
        return JSONResponse(Status(status="not ready").model_dump(), status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
    return Status(status="ready")


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    body, content_type = request.app.state.metrics.render()
    return Response(content=body, media_type=content_type)
