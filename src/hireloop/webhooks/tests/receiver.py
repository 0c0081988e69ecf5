"""A real HTTP receiver on 127.0.0.1 that records webhook requests and answers as told."""

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Records every POST; answers with the queued statuses in order, then `default_status`."""

    def __init__(self):
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        self.default_status = 200
        self.response_body = b'{"ok":true}'
        self.hold: threading.Event | None = None  # when set, requests wait for it before answering
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                if receiver.hold is not None:
                    receiver.hold.wait(30)
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(receiver.response_body)))
                    self.end_headers()
                    self.wfile.write(receiver.response_body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender died while we held its request

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()
