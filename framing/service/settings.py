"""One settings object for the HTTP service, filled from defaults, then FRAMING_* environment variables, then CLI flags."""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..predict import BACKENDS, default_model_path

ENV_PREFIX = "FRAMING_"


@dataclass(frozen=True)
class ServiceSettings:
    """Every knob of `framing serve`. Environment variable for a field: FRAMING_ + its name in capitals."""

    model: Path = field(default_factory=default_model_path)
    backend: str = "torch"
    # /v1/stance: a stance model folder (None: models/stance beside the model when it exists, else no stance) and
    # the actors YAML (None: the shipped list)
    stance_model: Path | None = None
    actors: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # micro-batching: sentences from concurrent requests share one model call of at most max_batch sentences,
    # gathered for at most max_wait_ms after the first one arrives; batching=False gives one call per request
    max_batch: int = 64
    max_wait_ms: float = 5.0
    batching: bool = True
    # sentences allowed to wait for the model before new requests get 503 (back-pressure instead of unbounded memory)
    max_queue: int = 4096
    max_body_bytes: int = 1_000_000
    max_sentences: int = 256
    max_chars: int = 2000
    request_timeout_s: float = 30.0
    api_key: str | None = field(default=None, repr=False)
    cors_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", Path(self.model))
        for name in ("stance_model", "actors"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        object.__setattr__(self, "cors_origins", tuple(self.cors_origins))
        if self.backend not in BACKENDS:
            raise ValueError(f"backend: must be one of {', '.join(BACKENDS)}, got {self.backend!r}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port: must be between 0 and 65535, got {self.port}")
        for name in ("max_batch", "max_queue", "max_body_bytes", "max_sentences", "max_chars"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be at least 1, got {getattr(self, name)}")
        if self.max_wait_ms < 0:
            raise ValueError(f"max_wait_ms: must be >= 0, got {self.max_wait_ms}")
        if self.request_timeout_s <= 0:
            raise ValueError(f"request_timeout_s: must be > 0, got {self.request_timeout_s}")
        if self.max_queue < self.max_sentences:
            raise ValueError(f"max_queue: must be at least max_sentences ({self.max_sentences}), got {self.max_queue}; "
                             "a full request could never be queued")
        if self.api_key is not None and not self.api_key.strip():
            raise ValueError("api_key: must not be empty (leave it unset to serve without a key)")

    @classmethod
    def from_sources(cls, env: Mapping[str, str], **overrides) -> "ServiceSettings":
        """Defaults < environment (FRAMING_MODEL, FRAMING_API_KEY, FRAMING_MAX_BATCH, ...) < `overrides` (CLI flags).

        An override of None means "not given" and leaves the environment or default in place.
        """
        hints = typing.get_type_hints(cls)
        values: dict = {}
        for f in dataclasses.fields(cls):
            name = ENV_PREFIX + f.name.upper()
            raw = env.get(name)
            if raw is not None and raw != "":
                values[f.name] = _parse(name, raw, hints[f.name])
        unknown = set(overrides) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _parse(name: str, raw: str, kind) -> object:
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if kind is Path or kind == (Path | None):
            return Path(raw)
        if typing.get_origin(kind) is tuple:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    except ValueError:
        expected = {bool: "true/false", int: "an integer", float: "a number"}.get(kind, "a value")
        raise ValueError(f"{name}: expected {expected}, got {raw!r}") from None
