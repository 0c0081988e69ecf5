"""ASGI entry point: HTTP through Django, WebSocket through Channels."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hireloop.settings")

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from hireloop.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)
