"""The text encoding of a CSV or HTML export: UTF-8 (with or without BOM), UTF-16 with BOM, else
Windows-1252."""

from __future__ import annotations

import codecs

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def encoding_of(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (Latin-1 when a byte
    Windows-1252 leaves undefined appears). UTF-8 is checked a megabyte at a time, so a 100 MB
    export is not held twice as text just to learn its encoding."""
    if data.startswith(_UTF8_BOM):
        return "utf-8-sig"
    if data.startswith(_UTF16_BOMS):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for i in range(0, len(data), 2**20):
            decoder.decode(view[i : i + 2**20])
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "latin-1" if any(b in data for b in _CP1252_UNDEFINED) else "cp1252"


def decode(data: bytes, sample: bool = False) -> str:
    """Text of a CSV/HTML file in the encoding ``encoding_of`` finds; ``sample``: the first bytes
    of a file, which may end inside a character."""
    if sample:
        enc = (
            encoding_of(data[: max(0, len(data) - 4)])
            if not data.startswith(_UTF16_BOMS)
            else "utf-16"
        )
        return data.decode(enc, errors="replace")
    return data.decode(encoding_of(data))

