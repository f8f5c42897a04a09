"/v1/stance: framing plus, for each actor a sentence names, the sentence's stance toward it."
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status

from ...scoring.aggregate import add_stance
from ..engine import ClassificationService
from ..schemas import StanceRequest, StanceResponse, StanceSentence, TargetResult
from ..security import require_api_key
from .classify import ERRORS
from .deps import get_service

router = APIRouter(prefix="/v1", tags=["stance"], dependencies=[Depends(require_api_key)])


@router.post("/stance", response_model=StanceResponse,
             responses={**ERRORS, 404: {"description": "the server runs without a stance model"}})
async def stance(body: StanceRequest, service: ClassificationService = Depends(get_service)) -> StanceResponse:
    """Classify an article or sentences as /v1/classify does; each sentence also lists `targets`: the actors it
    names (the server's actor list), each on its first mention, with the sentence's stance toward it."""
    if service.stance is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no stance model is loaded; start the server with "
                                                              "--stance-model or train models/stance")
    if body.actors is not None:
        known = {a.name for a in service.stance.matcher.actors}
        unknown = [a for a in body.actors if a not in known]
        if unknown:
            raise _unknown_actors(unknown)
    [result] = await service.classify([body], loc=("body", "text" if body.text is not None else "sentences"))
    targets = await service.targets(result, body.actors)
    sentences, actors = [], {}
    for sentence, found in zip(result.sentences, targets):
        items = [TargetResult(**t.to_dict()) for t in found]
        add_stance(actors, [t.to_dict() for t in found])
        sentences.append(StanceSentence(**sentence.model_dump(), targets=items))
    return StanceResponse(model=service.info, stance_model=service.stance_info, sentences=sentences,
                          summary=result.summary, actors=actors, warnings=result.warnings)


def _unknown_actors(unknown: list[str]):
    from fastapi.exceptions import RequestValidationError

    return RequestValidationError([{"type": "value_error", "loc": ("body", "actors"),
                                    "msg": f"not in the server's actor list: {', '.join(unknown)}", "input": unknown}])
