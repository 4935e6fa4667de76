"""One wrk run against one address, and what it measured."""
import re
import subprocess
from dataclasses import asdict, dataclass

THREADS = 2
TIMEOUT_SECONDS = 2
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


@dataclass(frozen=True)
class Load:
    connections: int
    seconds: int
    requests: int
    requests_per_second: float
    median_ms: float
    p99_ms: float
    socket_errors: int
    bad_responses: int
    bytes_per_request: float

    @property
    def errors(self) -> int:
        return self.socket_errors + self.bad_responses

    def as_dict(self) -> dict:
        return asdict(self) | {"errors": self.errors}


class LoadError(RuntimeError):
    """wrk failed or printed something this module cannot read."""


def _number(pattern: str, output: str) -> re.Match:
    found = re.search(pattern, output, re.MULTILINE)
    if found is None:
        raise LoadError(f"no {pattern!r} in wrk output:\n{output}")
    return found


def _milliseconds(percentile: str, output: str) -> float:
    found = _number(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output)
    return float(found.group(1)) * UNITS[found.group(2)]


def parse(output: str, connections: int, seconds: int) -> Load:
    summary = _number(r"^\s+(\d+) requests in [\d.]+\w+, ([\d.]+)([KMG]?B) read", output)
    requests = int(summary.group(1))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Load(
        connections=connections, seconds=seconds, requests=requests,
        requests_per_second=float(_number(r"^Requests/sec:\s+([\d.]+)", output).group(1)),
        median_ms=_milliseconds("50", output), p99_ms=_milliseconds("99", output),
        socket_errors=sum(int(value) for value in socket_errors.groups()) if socket_errors else 0,
        bad_responses=int(bad.group(1)) if bad else 0,
        bytes_per_request=float(summary.group(2)) * SIZES[summary.group(3)] / max(requests, 1))


def run_wrk(url: str, cookie: str, connections: int, seconds: int) -> Load:
    """`wrk -t2 -c<connections> -d<seconds>s --latency` with the session cookie; slower answers are timeouts."""
    command = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", f"--timeout={TIMEOUT_SECONDS}s",
               "--latency", "-H", f"Cookie: {cookie}", url]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if finished.returncode != 0:
        raise LoadError(f"wrk exited with {finished.returncode}: {finished.stderr.strip()}")
    return parse(finished.stdout, connections, seconds)
