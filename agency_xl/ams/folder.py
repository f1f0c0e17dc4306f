"""What the exports folder holds: its files, and the entries that lead nowhere.

One listing for everything that looks at the folder (the reader, and the worksheet functions'
cache that notices a changed folder), so a link that loops on itself or points nowhere is seen
the same way everywhere: listed, never followed, never fatal. Folders inside the exports folder
are not read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEAD_LINK_REASON = (
    "a link (shortcut) that leads nowhere: it points to itself, in a loop, or to a file that is "
    "gone: ignored"
)


@dataclass
class FolderListing:
    files: list[Path] = field(default_factory=list)  # sorted by name, case ignored
    dead_links: list[str] = field(default_factory=list)  # names of links that lead nowhere


def list_folder(folder: Path) -> FolderListing:
    """The files of ``folder`` (links to files followed) and its dead links, by name."""
    out = FolderListing()
    with os.scandir(folder) as entries:
        for e in entries:
            try:
                is_file = e.is_file()
            except OSError:  # a link in a loop: following it fails
                is_file = False
            if is_file:
                out.files.append(Path(e.path))
            elif e.is_symlink() and not _is_dir(e):
                out.dead_links.append(e.name)
    out.files.sort(key=lambda p: p.name.lower())
    out.dead_links.sort(key=str.lower)
    return out


def _is_dir(e: os.DirEntry) -> bool:
    try:
        return e.is_dir()
    except OSError:
        return False
