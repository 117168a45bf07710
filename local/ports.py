"""Loopback ports: whether one is listening, and a free one to listen on."""

from __future__ import annotations

import socket

HOST = "127.0.0.1"
"""Where everything of the local stack listens: loopback only."""


def listening(host: str, port: int) -> bool:
    """Whether something accepts connections on ``host:port`` (within half a second)."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def free_port() -> int:
    """A port nothing listens on now (the OS's pick on loopback)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port
