"""A peer on loopback that takes connections and never answers: a mail server or a
supplier's webhook that hangs, for as long as a test keeps it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class SilentPeer:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.reached = threading.Event()  # set once a caller is connected and waiting
        threading.Thread(target=self._hold, daemon=True).start()

    def _hold(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.held.append(connection)
            self.reached.set()

    def hang_up(self) -> None:
        """Close the held connections and refuse new ones: every caller fails at once."""
        self.listener.close()
        for connection in self.held:
            connection.close()


@contextmanager
def silent_peer() -> Iterator[SilentPeer]:
    peer = SilentPeer()
    try:
        yield peer
    finally:
        peer.hang_up()
