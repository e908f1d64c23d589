"""Adversarial suite, full text (issue 13): a small PDF whose content stream inflates far beyond its size."""

from __future__ import annotations

import resource
import struct
import zlib
from pathlib import Path

from slrflow.fulltext.reader import MEMORY_LIMIT, read_pdf

MIB = 1 << 20


def bomb_stream(inflated_mib: int) -> bytes:
    """zlib data that inflates to `inflated_mib` MiB of spaces. After a full flush every further MiB of spaces
    compresses to the same bytes, so one block is repeated instead of compressing 1.5 GB in the test."""
    chunk = b" " * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeated = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH) == repeated
    tail = compressor.flush(zlib.Z_FINISH)
    checksum = 1
    for _ in range(inflated_mib):
        checksum = zlib.adler32(chunk, checksum)
    return b"\x78\xda" + first + repeated * (inflated_mib - 1) + tail + struct.pack(">I", checksum)


def bomb_pdf(path: Path, inflated_mib: int) -> Path:
    stream = bomb_stream(inflated_mib)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_the_bomb_stream_is_what_it_says() -> None:
    data = zlib.decompress(bomb_stream(3))
    assert data == b" " * (3 * MIB)


def test_a_pdf_that_inflates_to_1_5_gb_is_a_status_and_the_reader_stays_small(tmp_path: Path) -> None:
    pdf = bomb_pdf(tmp_path / "bomb.pdf", 1500)
    assert pdf.stat().st_size < 2 * MIB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    record = read_pdf(pdf)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert record["status"] == "unreadable"
    assert "memory" in record["reason"] and f"{MEMORY_LIMIT / (1 << 30):.1f} GiB" in record["reason"]
    assert record["bytes"] == pdf.stat().st_size and len(record["sha256"]) == 64
    assert grown_mib < 100, f"the test process grew by {grown_mib:.0f} MiB"


def test_an_ordinary_pdf_reads_the_same_capped_or_not(fixtures: Path) -> None:
    pdf = next(iter(sorted((fixtures).rglob("*.pdf"))))
    assert read_pdf(pdf) == read_pdf(pdf, memory_limit=None)
