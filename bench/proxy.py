"""A TCP proxy that adds network latency: every byte crossing it, in either direction, is delivered a fixed
one-way delay after the proxy received it.

    python -m bench.proxy --target 127.0.0.1:8000 --one-way-ms 25    # prints the port it listens on

How the delay is applied, exactly:
- Each chunk read from one side is queued with a due time (arrival + one-way delay) and written to the other side at
  that time, in order. Chunks are pipelined: a response of many chunks arrives one delay later than without the
  proxy, not one delay per chunk (latency, not bandwidth: loopback bandwidth is left as it is).
- So a request/response exchange on an open (keep-alive) connection costs one round trip: 25 ms there + 25 ms back
  = 50 ms, on top of the server's own time.
- A new connection first costs one more round trip (TCP's handshake): the proxy accepts at once, connects to the
  target, then waits 2 x the one-way delay before relaying anything. No TLS handshake is simulated (it would add one
  or two more round trips per new connection); the benchmark opens its connections before it starts timing.
- End of stream (a close) is delayed like data.

It runs in its own process so that its event loop never competes with the client's for the interpreter.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

CHUNK = 64 * 1024


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, delay_s: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes | None]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                with contextlib.suppress(OSError):
                    if sink.can_write_eof():
                        sink.write_eof()
                return
            sink.write(data)
            await sink.drain()

    delivering = asyncio.create_task(deliver())
    try:
        while data := await source.read(CHUNK):
            queue.put_nowait((loop.time() + delay_s, data))
    except (ConnectionError, OSError):
        pass
    queue.put_nowait((loop.time() + delay_s, None))
    with contextlib.suppress(ConnectionError, OSError):
        await delivering


class DelayProxy:
    """Listen on 127.0.0.1 and relay every connection to ``target`` with ``one_way_s`` of delay each way."""

    def __init__(self, target_host: str, target_port: int, one_way_s: float) -> None:
        self.target = (target_host, target_port)
        self.one_way_s = one_way_s

    async def handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        await asyncio.sleep(2 * self.one_way_s)  # the TCP handshake's round trip
        try:
            await asyncio.gather(
                _pipe(client_reader, upstream_writer, self.one_way_s),
                _pipe(upstream_reader, client_writer, self.one_way_s),
            )
        finally:
            for writer in (upstream_writer, client_writer):
                writer.close()
                with contextlib.suppress(ConnectionError, OSError):
                    await writer.wait_closed()

    async def serve(self, port: int = 0) -> None:
        server = await asyncio.start_server(self.handle, "127.0.0.1", port)
        print(server.sockets[0].getsockname()[1], flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        async with server:
            await stop.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.proxy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="host:port to relay to")
    parser.add_argument("--one-way-ms", type=float, default=25.0, help="delay each way (round trip = twice this)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one, printed)")
    args = parser.parse_args(argv)
    host, _, port = args.target.rpartition(":")
    asyncio.run(DelayProxy(host or "127.0.0.1", int(port), args.one_way_ms / 1000).serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
