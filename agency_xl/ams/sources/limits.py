"""Size limits of an export, and the messages that refuse a file over them.

Limits are read at call time (``limits.MAX_UNCOMPRESSED_BYTES``), so a test can lower one.
"""

from __future__ import annotations

MAX_FILE_BYTES = 256 * 2**20  # an agency's biggest export (300k commission rows) is ~15 MB
MAX_UNCOMPRESSED_BYTES = 512 * 2**20  # ~1.5M rows of 8 columns once unzipped
MAX_COMPRESSION_RATIO = 100  # real sheets compress 5-20x; a bomb compresses 1000x
MAX_TEXT_BYTES = 64 * 2**20  # HTML is parsed in Python: keep it to what an export can be

PASSWORD_MESSAGE = (
    "the workbook is password-protected (encrypted), so it cannot be read: open it in Excel, "
    "remove the password (File > Info > Protect Workbook) and save it again"
)


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 1024:,.0f} KB"


def first_line(e: Exception) -> str:
    """fastexcel's messages carry a multi-line context; the first line says what went wrong."""
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__

