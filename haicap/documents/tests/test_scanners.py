"""The scan hook: our clamd client speaks INSTREAM correctly (checked against a small fake
clamd, since none runs here), and the scanner is chosen by HAICAP_SCANNER."""

import io
import socket
import struct
import threading

import pytest

from haicap.core.errors import InvalidInput
from haicap.core.tokens import Caller, ensure_partner
from haicap.documents import services
from haicap.documents.models import ScanStatus
from haicap.documents.scanners import (
    EICAR,
    ClamdScanner,
    SandboxScanner,
    ScannerUnavailable,
    get_scanner,
)
from haicap.documents.tests.conftest import PDF


class FakeClamd:
    """Accepts one INSTREAM per connection, checks the framing, answers like clamd."""

    def __init__(self, family=socket.AF_INET, address=("127.0.0.1", 0), answer=None):
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address)
        self.server.listen()
        self.address = self.server.getsockname()
        self.answer = answer
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _peer = self.server.accept()
            except OSError:
                return
            with connection:
                self._one(connection)

    def _one(self, connection):
        reader = connection.makefile("rb")
        self.commands.append(reader.read(len(b"zINSTREAM\0")))
        data = b""
        while True:
            (length,) = struct.unpack("!L", reader.read(4))
            if length == 0:
                break
            data += reader.read(length)
        self.received.append(data)
        reply = self.answer or (b"stream: Eicar-Test-Signature FOUND" if EICAR in data
                                else b"stream: OK")
        connection.sendall(reply + b"\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd():
    server = FakeClamd()
    yield server
    server.close()


def scanner_for(server: FakeClamd) -> ClamdScanner:
    host, port = server.address
    return ClamdScanner(socket_path="", host=host, port=port, timeout=2)


def test_clamd_client_streams_the_whole_file_in_length_prefixed_chunks(clamd):
    content = PDF + b"x" * 200_000  # several chunks

    result = scanner_for(clamd).scan(io.BytesIO(content))

    assert not result.infected
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [content]


def test_clamd_found_reply_is_infected_with_its_signature(clamd):
    result = scanner_for(clamd).scan(io.BytesIO(PDF + EICAR))

    assert result.infected and result.signature == "Eicar-Test-Signature"


def test_clamd_error_reply_is_no_verdict():
    server = FakeClamd(answer=b"INSTREAM size limit exceeded. ERROR")
    try:
        with pytest.raises(ScannerUnavailable):
            scanner_for(server).scan(io.BytesIO(PDF))
    finally:
        server.close()


def test_clamd_not_running_is_no_verdict():
    spare = socket.socket()
    spare.bind(("127.0.0.1", 0))
    port = spare.getsockname()[1]
    spare.close()

    with pytest.raises(ScannerUnavailable):
        ClamdScanner(socket_path="", host="127.0.0.1", port=port, timeout=1).scan(
            io.BytesIO(PDF))


def test_clamd_over_a_unix_socket(tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = FakeClamd(socket.AF_UNIX, path)
    try:
        result = ClamdScanner(socket_path=path, timeout=2).scan(io.BytesIO(PDF + EICAR))
    finally:
        server.close()

    assert result.infected


@pytest.mark.django_db
def test_setting_clamd_scans_uploads_with_clamd(clamd, settings, province):
    host, port = clamd.address
    settings.HAICAP_SCANNER = "clamd"
    settings.HAICAP_CLAMD_SOCKET = ""
    settings.HAICAP_CLAMD_HOST, settings.HAICAP_CLAMD_PORT = host, port
    partner = Caller(partner=ensure_partner(code="hospital", name="Bệnh viện"))

    upload = services.store_upload(PDF, uploader=partner, filename="a.pdf")
    with pytest.raises(InvalidInput) as refused:
        services.store_upload(PDF + EICAR, uploader=partner, filename="v.pdf")

    assert upload.scanner == "clamd" and upload.scan_status == ScanStatus.CLEAN
    assert refused.value.code == "file_infected"
    assert clamd.received[0] == PDF


def test_default_scanner_is_the_labelled_sandbox(settings):
    del settings.HAICAP_SCANNER

    scanner = get_scanner()

    assert isinstance(scanner, SandboxScanner) and scanner.is_sandbox


def test_sandbox_fails_as_often_as_the_failure_rate_says():
    with pytest.raises(ScannerUnavailable):
        SandboxScanner(latency_ms=0, failure_rate=1.0).scan(io.BytesIO(PDF))
    assert not SandboxScanner(latency_ms=0, failure_rate=0.0).scan(io.BytesIO(PDF)).infected


def test_deploy_check_warns_about_the_sandbox_scanner_and_refuses_an_unknown_one(settings):
    from haicap.documents.checks import scanner_check

    assert [m.id for m in scanner_check(None)] == ["haicap.documents.W001"]
    settings.HAICAP_SCANNER = "clamav-typo"
    assert [m.id for m in scanner_check(None)] == ["haicap.documents.E001"]
    settings.HAICAP_SCANNER = "clamd"
    assert scanner_check(None) == []
