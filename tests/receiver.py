"""A real webhook receiver for tests and benchmarks: an HTTP server on 127.0.0.1 in a thread that
records every request (headers, body, arrival time) and answers each webhook-id with the statuses
scripted for it (then 200)."""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: str
    at: float  # time.time() on arrival
    status: int  # what the receiver answered


class Receiver:
    """`with Receiver(first_answers=[500]) as r:` … `r.url` … `r.wait_for(lambda got: len(got) >= 2)`."""

    def __init__(self, first_answers: list[int] | None = None, path: str = "/hooks"):
        self.first_answers = list(first_answers or [])
        self.path = path
        self.received: list[Received] = []
        self._seen: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
                status = receiver._answer(self.headers.get("webhook-id", ""))
                with receiver._lock:
                    receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body,
                                                      time.time(), status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def _answer(self, msg_id: str) -> int:
        with self._lock:
            n = self._seen[msg_id]
            self._seen[msg_id] += 1
        return self.first_answers[n] if n < len(self.first_answers) else 200

    def __enter__(self) -> "Receiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for(self, condition, timeout: float = 30.0) -> list[Received]:
        """Poll until `condition(received)` holds; fail after `timeout` seconds with what arrived."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.snapshot()
            if condition(got):
                return got
            assert time.monotonic() < deadline, f"the receiver got {len(got)} requests: {got[-3:]}"
            time.sleep(0.05)
