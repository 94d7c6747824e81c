"""Opening a file to import: gzip read transparently and within a bound, binary data told
from text before anything is parsed.

A gzip file may decompress to at most GZIP_ALLOWANCE plus GZIP_MAX_RATIO times its own
size: real metadata compresses 4 to 10 times, while a gzip bomb (gzip's own ceiling is
about 1,000 times) stops with a SourceError long before it fills a disk's worth of reading.
Memory is bounded anyway: line formats are read a bounded line at a time, whole-document
formats up to MAX_DOCUMENT_BYTES.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from paperwire.sources.base import MAX_LINE_BYTES, SourceError

GZIP_MAGIC = b"\x1f\x8b"
GZIP_MAX_RATIO = 100
GZIP_ALLOWANCE = 64 * 2**20
SNIFF_BYTES = 65536  # what format detection and the binary check look at


class _Bounded(io.RawIOBase):
    """A decompressing stream that stops with a SourceError past `limit` bytes, and turns
    damaged gzip data into a SourceError too."""

    def __init__(self, inner: gzip.GzipFile, limit: int, name: str) -> None:
        self.inner, self.limit, self.name, self.total = inner, limit, name, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            n = self.inner.readinto(buffer)
        except (OSError, EOFError, zlib.error) as e:
            raise SourceError(f"the gzip data is damaged ({e})") from None
        self.total += n
        if self.total > self.limit:
            raise SourceError(f"it decompresses to more than {self.limit // 2**20} MiB "
                              f"({GZIP_MAX_RATIO} times its size and {GZIP_ALLOWANCE // 2**20} "
                              "MiB): not read further")
        return n


@contextmanager
def open_input(path: Path) -> Iterator[BinaryIO]:
    """The file's bytes, decompressed if it is gzip (told by its first bytes, not its name)."""
    raw = path.open("rb")
    try:
        if raw.read(2) != GZIP_MAGIC:
            raw.seek(0)
            yield raw
            return
        raw.seek(0)
        limit = GZIP_ALLOWANCE + GZIP_MAX_RATIO * path.stat().st_size
        inner = gzip.GzipFile(fileobj=raw, mode="rb")
        yield io.BufferedReader(_Bounded(inner, limit, str(path)), buffer_size=2**20)
    finally:
        raw.close()


def head_of(path: Path) -> bytes:
    """The first SNIFF_BYTES of the (decompressed) file and the rest of its first line, so a
    JSONL file whose first record is longer still shows that record whole."""
    with open_input(path) as fp:
        head = fp.read(SNIFF_BYTES)
        if b"\n" not in head.lstrip() and len(head) == SNIFF_BYTES:
            head += fp.readline(MAX_LINE_BYTES)
    check_text(head)
    return head


def check_text(head: bytes) -> None:
    """Every format paperwire reads is UTF-8 text: a NUL byte means binary data (or UTF-16)."""
    if (at := head.find(b"\0")) >= 0:
        raise SourceError(f"not text: binary data (a NUL byte at byte {at + 1}); paperwire "
                          "reads UTF-8 text files, gzip-compressed or not")
