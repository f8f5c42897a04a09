"""The request body cap, enforced before FastAPI reads or parses anything."""
from __future__ import annotations

import json


class BodySizeLimitMiddleware:
    """Answer 413 to bodies over `max_bytes`: at once when Content-Length says so, otherwise (chunked uploads) as soon
    as the bytes read pass the cap, so an oversized body is never held in memory whole."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            # uvicorn has already checked that the body is as long as it says
            if not declared.strip().isdigit():
                return await self._reply(send, 400, "Content-Length: not a number")
            if int(declared) > self.max_bytes:
                return await self._too_large(send)
            return await self.app(scope, receive, send)
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return await self._too_large(send)
            if not message.get("more_body", False):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send) -> None:
        await self._reply(send, 413, f"request body is larger than the limit of {self.max_bytes} bytes")

    @staticmethod
    async def _reply(send, status: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
