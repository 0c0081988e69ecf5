"""The bare baseline: a minimal ASGI app (no Django, no middleware, no database) that answers each
path with the exact bytes Hireloop answered, so the harness can measure the framework's cost.

Run by the harness as `uvicorn baseline_app:app` with BASELINE_RESPONSES pointing at a JSON file
{"<path>": "<body>"}.
"""

import json
import os

with open(os.environ["BASELINE_RESPONSES"]) as handle:
    _RESPONSES = {path: body.encode() for path, body in json.load(handle).items()}
_NOT_FOUND = b'{"error": {"name": "Not Found", "message": "", "code": 0, "status": 404}}'


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = _RESPONSES.get(scope["path"])
    status = 200 if body is not None else 404
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body or _NOT_FOUND)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body or _NOT_FOUND})
