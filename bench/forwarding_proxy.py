"""A small HTTP forwarder on 127.0.0.1, for the benchmarks only.

Two uses, one piece of code:
- awslambdaric to cargo-lambda's emulator: the emulator serves the Runtime API
  under `/.rt/<function>` (`prefix`), and its `/next` reply has no Content-Type,
  which real Lambda always sends; aws-lambda-cpp (inside awslambdaric) then calls
  set_content_type(NULL) and crashes (`default_content_type` fills it in).
- a network round trip in front of moto (`delay_ms`): moto answers in-process in
  under a millisecond and serialises requests under the GIL, so without it
  concurrent queries cannot overlap the way they do against DynamoDB.
Each client connection is forwarded over its own kept-alive upstream connection,
because the emulator reads a response body after acknowledging it.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive", "date", "server"}


def _no_delay(sock: socket.socket) -> None:
    # Headers and body go out in separate writes; Nagle with delayed ACKs would
    # add 40 ms stalls that belong to no one being measured.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Forward(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ForwardingProxy"

    def setup(self) -> None:
        super().setup()
        _no_delay(self.connection)
        self.upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=3600)
        self.upstream.connect()
        _no_delay(self.upstream.sock)

    def finish(self) -> None:
        super().finish()
        self.upstream.close()

    def _forward(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP | {"host"}}
        if self.server.delay_ms:
            time.sleep(self.server.delay_ms / 1000)
        self.upstream.request(self.command, self.server.prefix + self.path, body=body, headers=headers)
        reply = self.upstream.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        names = set()
        for name, value in reply.getheaders():
            if name.lower() not in _HOP_BY_HOP:
                names.add(name.lower())
                self.send_header(name, value)
        if "content-type" not in names and self.server.default_content_type:
            self.send_header("Content-Type", self.server.default_content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward

    def log_message(self, *_args) -> None:
        pass


class ForwardingProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream_port: int, prefix: str = "", delay_ms: float = 0.0,
                 default_content_type: Optional[str] = None):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.upstream_port = upstream_port
        self.prefix = prefix
        self.delay_ms = delay_ms
        self.default_content_type = default_content_type
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request, client_address) -> None:
        """A client stopped mid-request (the benchmark ends runtimes): nothing to report."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    def start(self) -> "ForwardingProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def runtime_api_adapter(emulator_port: int, function: str) -> ForwardingProxy:
    """What awslambdaric needs in front of cargo-lambda's emulator."""
    return ForwardingProxy(emulator_port, prefix=f"/.rt/{function}", default_content_type="application/json")
