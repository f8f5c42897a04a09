"""Request and response bodies of the HTTP API (pydantic); FastAPI validates with them and documents them at /docs."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


def _encodable(value: str) -> str:
    # JSON may carry lone surrogates ("\ud800"); they cannot reach the tokenizer or be encoded in the answer
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains an unpaired surrogate; send valid Unicode text") from None
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain at least one non-whitespace character")
    return value


Text = Annotated[str, AfterValidator(_encodable), AfterValidator(_not_blank)]


class ClassifyRequest(BaseModel):
    """One document: an article as `text` (split into sentences on the server) or ready-made `sentences`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "GENEVA (wire) — Aid convoys reached the town. The ministry blamed the rebels for the shelling."},
        {"sentences": ["The court rejected the appeal.", "Thousands fled the fighting."]},
    ]})

    text: Text | None = Field(default=None, description="article text; segmented into sentences with offsets")
    sentences: list[Text] | None = Field(default=None, min_length=1, description="sentences to classify as given")

    @model_validator(mode="after")
    def _exactly_one(self) -> "ClassifyRequest":
        if (self.text is None) == (self.sentences is None):
            raise ValueError("give exactly one of 'text' or 'sentences'")
        return self


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[ClassifyRequest] = Field(min_length=1, description="documents classified in one call")


class ModelInfo(BaseModel):
    name: str
    labels: list[str]
    version: str = Field(description="first 12 hex digits of the SHA-256 of the model weights")


class SentenceResult(BaseModel):
    text: str
    start: int = Field(description="character offset of the sentence in the submitted text")
    end: int
    label: str
    score: float = Field(description="probability of `label`")
    probs: dict[str, float]
    truncated: bool = Field(description="only the first max_chars characters were classified")


class Summary(BaseModel):
    sentences: int
    counts: dict[str, int]
    shares: dict[str, float] = Field(description="fraction of sentences with each label")
    dominant: str | None = Field(description="the most frequent label (None when there are no sentences)")


class DocumentResult(BaseModel):
    sentences: list[SentenceResult]
    summary: Summary
    warnings: list[str] = Field(default_factory=list)


class ClassifyResponse(BaseModel):
    model: ModelInfo
    sentences: list[SentenceResult]
    summary: Summary
    warnings: list[str] = Field(default_factory=list)


class BatchResponse(BaseModel):
    model: ModelInfo
    results: list[DocumentResult]


class LabelsResponse(BaseModel):
    model: ModelInfo
    labels: list[str]


class Status(BaseModel):
    status: str


class StanceRequest(ClassifyRequest):
    """A document as for /v1/classify, and optionally the canonical names of the actors to report."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "Moscow accused Washington of blocking the aid convoy. The UN called for calm."},
        {"sentences": ["Hamas and Israel traded accusations over the strike."], "actors": ["Israel"]},
    ]})

    actors: list[str] | None = Field(default=None, min_length=1,
                                     description="canonical actor names to keep (default: every actor of the list)")


class TargetResult(BaseModel):
    actor: str = Field(description="the canonical actor name")
    type: str = Field(description="state, organisation, armed_group or person")
    mention: str = Field(description="the actor's first mention in the sentence, as written")
    start: int = Field(description="character offset of the mention in the submitted text")
    end: int
    stance: str = Field(description="negative, neutral or positive: the sentence's stance toward the actor")
    score: float = Field(description="probability of `stance`")
    probs: dict[str, float]


class StanceSentence(SentenceResult):
    targets: list[TargetResult]


class StanceResponse(BaseModel):
    model: ModelInfo
    stance_model: ModelInfo
    sentences: list[StanceSentence]
    summary: Summary
    actors: dict[str, dict[str, int]] = Field(description="per actor: how many sentences are negative, neutral, "
                                                          "positive toward it")
    warnings: list[str] = Field(default_factory=list)
