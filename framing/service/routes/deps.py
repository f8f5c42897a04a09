"""Dependencies shared by the route modules."""
from __future__ import annotations

from fastapi import HTTPException, Request, status

from ..engine import ClassificationService


def get_service(request: Request) -> ClassificationService:
    service: ClassificationService | None = getattr(request.app.state, "service", None)
    if service is None or not service.ready:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="the model is not loaded (starting or stopping)",
                            headers={"Retry-After": "1"})
    return service
