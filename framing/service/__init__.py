"""The HTTP service: `create_app(settings)` (FastAPI), run by `framing serve`."""
