"""Errors raised while reading one export file.

Each carries a message written for the owner (it names the file and says what to do); the reader
catches them per file so a problem in one file never stops the others.
"""

from __future__ import annotations


class ExportFileError(Exception):
    """The file cannot be used as a whole (corrupt, encrypted, too big, no data ...).

    ``skip`` marks files that are simply not exports (a Word document, a lock file): they are listed
    as skipped, while a broken export is listed as rejected.
    """

    def __init__(self, message: str, *, skip: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.skip = skip

    def __str__(self) -> str:
        return self.message


class NoReportsFound(ValueError):
    """The exports folder holds no report that could be read (it is empty, or none of its files
    is a recognised export). Raised by ``agency_xl.ams.require_reports``, which a refresh calls
    before it writes anything: a refresh over nothing must not blank a filled workbook. The
    message names the folder and what was found in it.
    """
