"""The virus-scan hook: one interface, `Scanner.scan(stream) -> ScanResult`, chosen by the
setting HAICAP_SCANNER.

`ClamdScanner` speaks clamd's INSTREAM protocol over TCP or a unix socket. `SandboxScanner`
stands in where no clamd runs: it answers with latency and failures like a remote service
(HAICAP_SANDBOX_LATENCY_MS, HAICAP_SANDBOX_FAILURE_RATE) and finds the EICAR test file, so the
refusal of an infected upload can be tried for real. It is labelled sandbox in the API and UI.
"""

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from haicap.core.sandbox import RemoteServiceSimulation
from haicap.documents import conf

CHUNK_BYTES = 64 * 1024
# The EICAR anti-virus test file, in two halves so that this source file itself is not flagged.
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
         b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
EICAR_SIGNATURE = "Eicar-Test-Signature"


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""  # what was found, when infected


class ScannerUnavailable(Exception):
    """The scanner gave no verdict (down, timed out, refused the stream)."""


class Scanner(Protocol):
    name: str
    is_sandbox: bool

    def scan(self, stream: BinaryIO) -> ScanResult: ...


class SandboxScanner(RemoteServiceSimulation):
    name = "sandbox"

    def scan(self, stream: BinaryIO) -> ScanResult:
        if self.simulated_call_fails():
            raise ScannerUnavailable("sandbox scanner: simulated failure")
        tail = b""
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            if EICAR in tail + chunk:  # the tail catches a string split across two chunks
                return ScanResult(infected=True, signature=EICAR_SIGNATURE)
            tail = chunk[-(len(EICAR) - 1):]
        return ScanResult(infected=False)


class ClamdScanner:
    """A small client of clamd's INSTREAM command: `zINSTREAM\\0`, then chunks each preceded by
    its length (4 bytes, network order), then a zero length; clamd answers `stream: OK`,
    `stream: <signature> FOUND` or `<reason> ERROR`, ended by a NUL byte."""

    name = "clamd"
    is_sandbox = False

    def __init__(self, *, socket_path: str | None = None, host: str | None = None,
                 port: int | None = None, timeout: float | None = None):
        self.socket_path = conf.clamd_socket() if socket_path is None else socket_path
        self.host = conf.clamd_host() if host is None else host
        self.port = conf.clamd_port() if port is None else port
        self.timeout = conf.scanner_timeout() if timeout is None else timeout

    def scan(self, stream: BinaryIO) -> ScanResult:
        try:
            with self._connect() as connection:
                connection.sendall(b"zINSTREAM\0")
                for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
                connection.sendall(struct.pack("!L", 0))
                reply = _read_reply(connection)
        except OSError as error:  # refused, reset, timed out
            raise ScannerUnavailable(f"clamd: {error}") from error
        return _verdict(reply)

    def _connect(self) -> socket.socket:
        if self.socket_path:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(self.timeout)
            try:
                connection.connect(self.socket_path)
            except OSError:
                connection.close()
                raise
            return connection
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def _read_reply(connection: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        part = connection.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _verdict(reply: str) -> ScanResult:
    answer = reply.removeprefix("stream:").strip()
    if answer == "OK":
        return ScanResult(infected=False)
    if answer.endswith(" FOUND"):
        return ScanResult(infected=True, signature=answer.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd: {reply or 'no answer'}")


SCANNERS = {"sandbox": SandboxScanner, "clamd": ClamdScanner}


def get_scanner() -> Scanner:
    return SCANNERS[conf.scanner_name()]()
