"""A TCP proxy a test can cut and restore, to take Redis away and give it back."""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target while `up`; refuses and drops connections when not."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.up = True
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._connections: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        self.up = False
        for connection in self._connections:
            with contextlib.suppress(OSError):
                connection.close()
        self._connections.clear()

    def restore(self) -> None:
        """Accept and forward again."""
        self.up = True

    def close(self) -> None:
        """Stop the proxy."""
        self._stop = True
        self.cut()
        self._server.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            self._connections += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.close()
