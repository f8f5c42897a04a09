"""The optional API key: checked in constant time so response timing says nothing about how much of a guess matched."""
from __future__ import annotations

import hmac

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the key given to `framing serve`")
_bearer = HTTPBearer(auto_error=False, description="the same key as a bearer token")


async def require_api_key(request: Request, header_key: str | None = Depends(_api_key_header),
                          bearer: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> None:
    expected = request.app.state.settings.api_key
    if expected is None:
        return
    given = header_key or (bearer.credentials if bearer is not None else "")
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED,
                            detail="missing or wrong API key: send it as 'X-API-Key: KEY' or 'Authorization: Bearer KEY'",
                            headers={"WWW-Authenticate": "Bearer"})
