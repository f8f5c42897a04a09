"""/v1: classify one document or many, list the labels. Every route here needs the API key when one is set."""
from __future__ import annotations

from fastapi import APIRouter, Depends

from ..engine import ClassificationService
from ..schemas import BatchRequest, BatchResponse, ClassifyRequest, ClassifyResponse, LabelsResponse
from ..security import require_api_key
from .deps import get_service

ERRORS = {401: {"description": "missing or wrong API key"}, 413: {"description": "body over the size limit"},
          422: {"description": "invalid body; `detail` names each bad field"},
          503: {"description": "model not loaded, queue full, or shutting down"},
          504: {"description": "not finished within the request timeout"}}

router = APIRouter(prefix="/v1", tags=["classify"], dependencies=[Depends(require_api_key)])


@router.post("/classify", response_model=ClassifyResponse, responses=ERRORS)
async def classify(body: ClassifyRequest, service: ClassificationService = Depends(get_service)) -> ClassifyResponse:
    """Classify an article (`text`, split into sentences with offsets) or a list of `sentences`."""
    [result] = await service.classify([body], loc=("body", "text" if body.text is not None else "sentences"))
    return ClassifyResponse(model=service.info, sentences=result.sentences, summary=result.summary,
                            warnings=result.warnings)


@router.post("/classify/batch", response_model=BatchResponse, responses=ERRORS)
async def classify_batch(body: BatchRequest, service: ClassificationService = Depends(get_service)) -> BatchResponse:
    """Classify several documents in one call; `max_sentences` applies to all of them together."""
    results = await service.classify(body.documents, loc=("body", "documents"))
    return BatchResponse(model=service.info, results=results)


@router.get("/labels", response_model=LabelsResponse, responses={401: ERRORS[401], 503: ERRORS[503]})
async def labels(service: ClassificationService = Depends(get_service)) -> LabelsResponse:
    return LabelsResponse(model=service.info, labels=service.info.labels)
