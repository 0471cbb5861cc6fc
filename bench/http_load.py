"""A small HTTP/1.1 load generator on asyncio streams: keep-alive connections, each sending
its next request as soon as the previous answer is read, with per-request latency.

No client library: it only has to write prepared bytes and read a status line, headers
and a body, and staying this thin leaves the two cores to the server under test.
"""

import asyncio
import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: Counter
    latencies_ms: list[float]
    errors: int  # connections that broke mid-request

    @property
    def per_second(self) -> float:
        """Reports that succeeded (2xx) per second: a fast failure is not throughput."""
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.percentile(0.50), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "server_errors": sum(v for k, v in self.statuses.items() if k >= 500),
            "broken": self.errors,
        }


def post_json(port: int, path: str, body: dict, token: str = "") -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode()
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n{auth}\r\n"
    )
    return head.encode() + payload


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status = int((await reader.readline()).split()[1])
    length, chunked = None, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _sep, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    body = b""
    while chunked:
        size = int((await reader.readline()).split(b";")[0], 16)
        body += await reader.readexactly(size + 2)
        chunked = size > 0
    return status, body


async def request_once(port: int, raw: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    try:
        return await _read_response(reader)
    finally:
        writer.close()


async def fire(port: int, requests: list[bytes], concurrency: int) -> LoadResult:
    """Send every request once over `concurrency` keep-alive connections."""
    pending = iter(range(len(requests)))
    statuses, latencies, broken = Counter(), [], [0]

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for index in pending:
            started = time.perf_counter_ns()
            try:
                writer.write(requests[index])
                status, _body = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
                broken[0] += 1
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            latencies.append((time.perf_counter_ns() - started) / 1e6)
            statuses[status] += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return LoadResult(len(requests), time.perf_counter() - started, statuses, latencies, broken[0])
