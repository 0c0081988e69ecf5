"""WebSocket routes; apps append theirs (e.g. live interview analysis)."""

websocket_urlpatterns: list = []
