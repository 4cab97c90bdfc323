"""Reading input files safely: size limit, binary sniffing, strict UTF-8, readable error reasons."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import InputError

# Largest input file read. Long news articles are ~100 KB of text and the heaviest news pages in the
# article extraction benchmark are ~2 MB of HTML; 10 MB leaves room while refusing dumps and logs
# that would stall parsing and NLP.
MAX_BYTES = 10_000_000
# How much of a file is sniffed for binary content: git's own heuristic looks at the first 8000 bytes.
SNIFF_BYTES = 8192
# Share of control characters above which a file is binary. UTF-8 text of any script has almost none
# (tab, newline, CR, form feed and ESC are not counted); uniformly random or compressed bytes have 27/256
# (10.5%) and nearly always a NUL in 8 KB too, which catches them first.
MAX_CONTROL_SHARE = 0.10

_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def os_reason(exc: OSError) -> str:
    """A short human reason for an OS error on a path."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


def megabytes(size: int) -> str:
    """``12.3 MB`` for a byte count (decimal megabytes, as file managers show them)."""
    return f"{size / 1_000_000:.1f} MB"


def too_large_reason(size: int, what: str = "file") -> str:
    """The reason given for an input over :data:`MAX_BYTES`."""
    return f"{what} too large ({megabytes(size)} > {MAX_BYTES // 1_000_000} MB limit)"


_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def irregular_reason(path: Path) -> str | None:
    """Why ``path`` (its target, for a symlink) is not a regular file, or None when it is one. A
    directory walk reads regular files only: a FIFO blocks the run forever, a symlink to /dev/zero
    fills memory (issue 18, defect 13). Raises OSError for a missing file or a broken link."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return f"{kind}, not a regular file; only regular files are read from a directory"


def read_bytes(path: Path, source: str) -> bytes:
    """The bytes of a file, refusing missing, unreadable, empty and oversized files.

    At most :data:`MAX_BYTES` + 1 bytes are read whatever the file says its size is: a device
    (``/dev/zero``) or a pipe named as an input says 0 and never ends.
    """
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError("is a directory", source)
        if size > MAX_BYTES:
            raise InputError(too_large_reason(size), source)
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(os_reason(exc), source) from exc
    if len(data) > MAX_BYTES:
        raise InputError(f"file too large (over the {MAX_BYTES // 1_000_000} MB limit)", source)
    if not data:
        raise InputError("empty file", source)
    return data


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text, or None when it looks like text."""
    if data.startswith(_UTF16_BOMS):
        return "UTF-16 text; only UTF-8 is read"
    head = data[:SNIFF_BYTES]
    if b"\x00" in head:
        return "binary file, not text"
    controls = sum(1 for b in head if (b < 0x20 or b == 0x7F) and b not in _TEXT_CONTROLS)
    if head and controls / len(head) > MAX_CONTROL_SHARE:
        return "binary file, not text"
    return None


def check_text(data: bytes, source: str) -> None:
    """Raise InputError when ``data`` is binary."""
    reason = binary_reason(data)
    if reason:
        raise InputError(reason, source)


def utf8_reason(exc: UnicodeDecodeError, shift: int = 0, where: str = "offset") -> str:
    """``not valid UTF-8 (byte 0xff at offset 12)`` for a decoding error."""
    bad = exc.object[exc.start]
    return f"not valid UTF-8 (byte 0x{bad:02x} at {where} {exc.start + shift})"


def decode_utf8(data: bytes, source: str) -> str:
    """Strict UTF-8 decoding (a leading byte order mark is allowed and dropped)."""
    shift = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[shift:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(utf8_reason(exc, shift), source) from exc


def read_text(path: Path, source: str) -> str:
    """A whole text file: read, sniffed for binary content, decoded as strict UTF-8."""
    data = read_bytes(path, source)
    check_text(data, source)
    text = decode_utf8(data, source)
    if not text.strip():
        raise InputError("empty file (only white space)", source)
    return text
