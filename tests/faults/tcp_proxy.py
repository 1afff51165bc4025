"""A loopback TCP proxy in front of a real server, to make that server fail on cue.

``down()`` closes the listening port (clients get "connection refused", as when the
server is stopped); ``up()`` opens the same port again. ``cut_reply_after`` drops the
connection part-way through the server's answer once a marker has passed (the server dies
mid-transfer); ``cut_request_on`` drops it when the client sends a marker (the server dies
just as that command arrives). Nothing is mocked: the client talks to a socket, the bytes
come from the real server.
"""

from __future__ import annotations

import socket
import threading
from contextlib import suppress
from dataclasses import dataclass, field


@dataclass
class Cut:
    marker: bytes
    extra: int = 0  # bytes forwarded after the marker before the connection is dropped


@dataclass
class TcpProxy:
    target_port: int
    port: int = 0
    cut_reply_after: Cut | None = None
    cut_request_on: bytes | None = None
    cuts: int = 0  # connections dropped so far
    cut_limit: int | None = None  # stop cutting after this many (a restart, then service)
    _listener: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)
    _open: list[socket.socket] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        self._listener = listener
        self._spawn(self._accept, listener)

    def down(self) -> None:
        """Stop listening and drop every live connection: the port now refuses."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone does not.
            with suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                _drop(sock)
            self._open.clear()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return  # the listener was shut down
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self._open += [client, upstream]
            self._spawn(self._pump_requests, client, upstream)
            self._spawn(self._pump_replies, upstream, client)

    def _cut(self, *socks: socket.socket) -> None:
        with self._lock:
            self.cuts += 1
        for sock in socks:
            _drop(sock)

    def _pump_requests(self, client: socket.socket, upstream: socket.socket) -> None:
        while data := _recv(client):
            if (
                self.cut_request_on is not None
                and self.cut_request_on in data
                and (self.cut_limit is None or self.cuts < self.cut_limit)
            ):
                self._cut(client, upstream)
                return
            upstream.sendall(data)
        _drop(upstream)

    def _pump_replies(self, upstream: socket.socket, client: socket.socket) -> None:
        seen = bytearray()
        while data := _recv(upstream):
            cut = self.cut_reply_after
            if cut is not None:
                start = len(seen)
                seen += data
                at = seen.find(cut.marker)
                if at >= 0:
                    keep = at + len(cut.marker) + cut.extra - start
                    if keep < len(data):
                        with suppress(OSError):
                            client.sendall(data[: max(keep, 0)])
                        self._cut(client, upstream)
                        return
            try:
                client.sendall(data)
            except OSError:
                break
        _drop(client)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _drop(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
