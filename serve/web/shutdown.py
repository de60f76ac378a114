"""Graceful stop for load balancers: on SIGTERM, readiness turns 503 for a drain period, then gunicorn stops.

Sequence after ``SIGTERM`` to the master with ``--drain SECONDS`` > 0:

1. ``GET /readyz`` answers ``503 {"error": {"code": "draining", ...}}`` in every worker at once (a flag in
   memory shared by the master and its forked workers); everything else is served as before, and the
   listening socket stays open, so a load balancer that polls readiness takes the server out of rotation
   while nothing is refused.
2. After ``SECONDS`` the master stops gunicorn's way: requests in flight finish, each keep-alive connection
   gets ``Connection: close`` on its next answer (up to ``graceful_timeout``), and the listener closes; exit 0.
   The listen queue is handed off, not dropped: at once the master puts a socket filter on the listener so the
   kernel drops new connection attempts (the client's retry after a second is then refused), the workers
   accept and answer the connections the kernel had already completed, and only then close the socket.
   Closing a listener with connections still queued would reset them: under load that is where waiting
   clients are.

A second ``SIGTERM`` during the drain stops at once (step 2); ``SIGINT``/``SIGQUIT`` are gunicorn's quick stop.
"""
from __future__ import annotations

import ctypes
import mmap
import os
import signal
import socket
import struct
import sys
import threading
from typing import Any

from gunicorn.arbiter import Arbiter


SERVING, DRAINING, STOPPING = 0, 1, 2
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGQUIT}
_SO_ATTACH_FILTER = 26  # Linux <asm-generic/socket.h>
_DROP_ALL = struct.pack("HBBI", 0x06, 0, 0, 0)  # classic BPF "ret #0": keep no byte of any packet


class DrainFlag:
    """One byte of anonymous shared memory: set in the master, seen by every worker forked from it."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, 1)  # MAP_SHARED: forked children see the master's writes

    def set(self) -> None:
        """Drain: readiness answers 503."""
        self._memory[0] = max(self._memory[0], DRAINING)

    def stop(self) -> None:
        """The whole server stops (not a reload): workers hand off the listen queue before closing."""
        self._memory[0] = STOPPING

    def is_set(self) -> bool:
        return self._memory[0] != SERVING

    def stopping(self) -> bool:
        return self._memory[0] == STOPPING


def refuse_new_connections(sock: socket.socket) -> bool:
    """Make the kernel drop new connection attempts on a listening socket (Linux); False where unsupported.

    Connections the kernel has completed stay queued for ``accept``. A client whose attempt was dropped retries
    after about a second and, the listener being closed by then, is refused: it never had an open connection.
    Only for a final stop: the socket is shared with every worker (and, during a reload, with the new ones).
    """
    if not sys.platform.startswith("linux") or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return False
    program = ctypes.create_string_buffer(_DROP_ALL, len(_DROP_ALL))
    try:  # struct sock_fprog {unsigned short len; struct sock_filter *filter;}, read by the kernel during the call
        sock.setsockopt(socket.SOL_SOCKET, _SO_ATTACH_FILTER, struct.pack("HP", 1, ctypes.addressof(program)))
    except OSError:
        return False
    return True


def queued_connections(sock: socket.socket) -> int:
    """Completed connections waiting in a listening socket's accept queue (Linux TCP_INFO), 0 if unknown."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        return struct.unpack("B" * 8 + "I" * 24, info)[12]  # tcpi_unacked: the accept queue for a listener
    except (AttributeError, OSError, struct.error):
        return 0


class DrainingArbiter(Arbiter):
    """gunicorn's master, with the drain period between SIGTERM and the stop."""

    def __init__(self, app: Any, drain: DrainFlag, drain_seconds: float) -> None:
        super().__init__(app)
        self.drain, self.drain_seconds = drain, drain_seconds

    def spawn_worker(self) -> int:
        """Fork a worker with the stop signals blocked until it has installed its own handlers.

        A SIGTERM reaching a worker still booting would otherwise run the master's handler it inherited (queued
        in the child's copy of the master, never acted on): that worker would serve on until the master kills it
        after ``graceful_timeout``. Blocked, it stays pending and reaches the worker's handler (the worker classes
        unblock it in ``init_signals``).
        """
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            return super().spawn_worker()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def handle_term(self) -> None:
        if self.drain_seconds <= 0 or self.drain.is_set():
            self.drain.stop()  # no drain asked, or the drain is over (or a second SIGTERM): stop now
            for listener in self.LISTENERS:  # at once: the workers may be busy with a request for a while
                refuse_new_connections(listener.sock)
            super().handle_term()
            return
        self.drain.set()
        self.log.info("newsframe: SIGTERM: draining for %g s (readiness answers 503), then stopping", self.drain_seconds)
        timer = threading.Timer(self.drain_seconds, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()
