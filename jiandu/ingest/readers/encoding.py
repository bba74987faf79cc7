"""Text encodings: detect UTF-8 (with or without BOM) or GB18030, hash, and transcode.

DuckDB reads only UTF-8 (plus UTF-16/latin-1) and no extension can be installed on an
air-gapped intranet, so anything else is transcoded to a temporary UTF-8 file in one
streaming pass with an incremental decoder (bounded memory). The same pass hashes the
bytes and counts lines, so a source file is read once before DuckDB parses it.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jiandu.ingest.readers.base import source_error

SNIFF_BYTES = 1 << 20
_CHUNK = 1 << 22
_UTF8 = "utf-8"
_UTF8_SIG = "utf-8-sig"
_GB18030 = "gb18030"
_BOMS = (
    (codecs.BOM_UTF8, _UTF8_SIG),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class TextScan:
    """Result of the streaming pass over a text source."""

    content_hash: str  # sha256 hex of the original bytes
    encoding: str  # the encoding the file was decoded with
    text_path: Path  # a UTF-8 file DuckDB can read: the source itself or a temp copy
    transcoded: bool  # True when text_path is a temporary file to delete
    line_count: int  # physical lines; a last line without a newline counts
    prefix: str  # decoded text of roughly the first MiB, for header detection


def detect_encoding(head: bytes, *, at_eof: bool) -> tuple[str, bool]:
    """(encoding, certain) from the first bytes of a file.

    A BOM is certain. Otherwise UTF-8 if the bytes decode (a multi-byte character cut
    at the end of ``head`` is allowed unless ``at_eof``), else GB18030 (a superset of
    GBK and GB2312). A pure-ASCII head is not certain: later bytes may still be GBK.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, True
    try:
        codecs.getincrementaldecoder(_UTF8)().decode(head, final=at_eof)
    except UnicodeDecodeError:
        return _GB18030, True
    return _UTF8, not head.isascii()


def _normalise_codec(label: str, encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise source_error(
            f"未知的字符编码 {encoding!r}，可用 utf-8 或 gb18030",
            f"unknown text encoding {encoding!r}; use utf-8 or gb18030",
            label,
        ) from None


def scan_text(
    path: Path,
    label: str,
    tmp_dir: Path,
    encoding: str | None = None,
    known_sha256: str | None = None,
) -> TextScan:
    """Hash ``path`` (unless ``known_sha256`` is given), validate or transcode it to UTF-8,
    and return what DuckDB needs."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
        at_eof = not fh.read(1)
    if encoding is not None:
        chosen, certain = _normalise_codec(label, encoding), True
    else:
        chosen, certain = detect_encoding(head, at_eof=at_eof)
    if chosen in (_UTF8, _UTF8_SIG):
        try:
            return _validate_utf8(path, label, chosen, known_sha256)
        except _Utf8Error as failure:
            if certain:
                raise source_error(
                    f"第 {failure.line} 行不是有效的 UTF-8 编码；如文件为 GBK/GB18030，"
                    "请指定 encoding='gb18030'",
                    f"line {failure.line} is not valid UTF-8; if the file is GBK/GB18030, "
                    "pass encoding='gb18030'",
                    label,
                    failure.line,
                ) from None
            chosen = _GB18030  # an ASCII-only head proved nothing; GBK text came later
    return _transcode(path, label, tmp_dir, chosen, known_sha256)


class _Utf8Error(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _line_total(newlines: int, last_byte: bytes) -> int:
    return newlines + (1 if last_byte and last_byte != b"\n" else 0)


class _KnownDigest:
    """Stands in for sha256 when the caller already hashed the file (no second pass)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def update(self, _chunk: bytes) -> None:
        return None

    def hexdigest(self) -> str:
        return self.value


def _digest(known_sha256: str | None) -> _KnownDigest | Any:
    return _KnownDigest(known_sha256) if known_sha256 else hashlib.sha256()


def _validate_utf8(
    path: Path, label: str, encoding: str, known_sha256: str | None = None
) -> TextScan:
    digest = _digest(known_sha256)
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines, last, prefix = 0, b"", ""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise _Utf8Error(newlines + chunk[: max(exc.start, 0)].count(b"\n") + 1) from None
            if not prefix:
                prefix = text[:SNIFF_BYTES]
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _Utf8Error(newlines + 1) from None
    return TextScan(digest.hexdigest(), encoding, path, False, _line_total(newlines, last), prefix)


def _transcode(
    path: Path, label: str, tmp_dir: Path, encoding: str, known_sha256: str | None = None
) -> TextScan:
    digest = _digest(known_sha256)
    decoder = codecs.getincrementaldecoder(encoding)()
    fd, name = tempfile.mkstemp(prefix="jiandu-", suffix=".csv", dir=tmp_dir)
    out_path = Path(name)
    newlines, last, prefix = 0, "", ""
    try:
        with path.open("rb") as fh, os.fdopen(fd, "wb") as out:
            while True:
                chunk = fh.read(_CHUNK)
                try:
                    text = decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    line = newlines + chunk[: max(exc.start, 0)].count(b"\n") + 1
                    raise source_error(
                        f"第 {line} 行无法按 {encoding} 解码；请确认文件编码",
                        f"line {line} cannot be decoded as {encoding}; check the file's encoding",
                        label,
                        line,
                    ) from None
                if not chunk:
                    break
                digest.update(chunk)
                if encoding.startswith("utf-16") and not prefix:
                    text = text.removeprefix("\ufeff")
                out.write(text.encode(_UTF8))
                if not prefix:
                    prefix = text[:SNIFF_BYTES]
                newlines += text.count("\n")
                last = text[-1:] or last
    except BaseException:
        out_path.unlink(missing_ok=True)
        raise
    lines = newlines + (1 if last and last != "\n" else 0)
    return TextScan(digest.hexdigest(), encoding, out_path, True, lines, prefix)
