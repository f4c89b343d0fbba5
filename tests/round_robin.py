"""A round-robin HTTP proxy on the loopback, as a load balancer in front of several wall servers.

Each request goes to the next server in turn: the proxy reads one request
(head and body), sends it on with `Connection: close`, pipes the answer back
as it comes (server-sent events included) and closes the connection, so a
browser opens a new one for its next request and lands on the next server.
`served` counts the requests each server got, by path.
"""

from __future__ import annotations

import collections
import itertools
import socket
import threading

HEAD_LIMIT = 64 * 1024


class RoundRobinProxy:
    """Forwards 127.0.0.1:<port> to each of `ports` in turn, one request at a time."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = list(ports)
        self._next = itertools.cycle(range(len(self.ports)))
        self._mutex = threading.Lock()
        self.served: list[collections.Counter] = [collections.Counter() for _ in self.ports]
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        try:
            head, body = self._read_request(client)
            if head is None:
                return
            with self._mutex:
                index = next(self._next)
                path = head.split(b" ", 2)[1].split(b"?")[0].decode("latin-1")
                self.served[index][path] += 1
            with socket.create_connection(("127.0.0.1", self.ports[index]), timeout=60) as server:
                server.sendall(head + body)
                while data := server.recv(65536):
                    client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()

    @staticmethod
    def _read_request(client: socket.socket) -> tuple[bytes | None, bytes]:
        """The request's head, rewritten to close after one answer, and its body (by Content-Length)."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = client.recv(65536)
            if not chunk or len(data) > HEAD_LIMIT:
                return None, b""
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = [line for line in head.split(b"\r\n")
                 if not line.lower().startswith((b"connection:", b"keep-alive:"))]
        length = next((int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = client.recv(65536)
            if not chunk:
                break
            body += chunk
        return b"\r\n".join(lines + [b"Connection: close"]) + b"\r\n\r\n", body

    def requests(self, path: str) -> list[int]:
        """How many requests for `path` each server got."""
        with self._mutex:
            return [served[path] for served in self.served]

    def close(self) -> None:
        self.listener.close()
