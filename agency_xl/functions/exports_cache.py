"""The exports folder read once and kept, for worksheet functions that start from real figures.

Worksheet functions recalculate often; reading the exports takes a second. So the metrics of a
folder are computed once and kept in memory until a file in the folder is added, removed or
changed (its name, size or modification time). Checking the folder costs a directory listing, so
it is done at most once per ``CHECK_SECONDS``; a call in between costs a dictionary lookup.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

CHECK_SECONDS = 2.0


def folder_stamp(folder: Path) -> tuple:
    """What identifies the folder's contents: (name, size, mtime) of every visible file. The
    reader's own listing, so a link that leads nowhere (a loop) is passed by here as there."""
    from agency_xl.ams.folder import list_folder

    out = []
    for path in list_folder(Path(folder)).files:
        if path.name.startswith((".", "~$")):
            continue
        try:
            st = path.stat()
        except OSError:  # removed since the listing
            continue
        out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


@dataclass
class _Entry:
    stamp: tuple
    checked: float
    value: Any


class ExportsCache:
    """``get(folder, build)`` returns ``build(folder)``, recomputed only when the folder changed."""

    def __init__(self, check_seconds: float = CHECK_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.check_seconds = check_seconds
        self.clock = clock
        self.entries: dict[str, _Entry] = {}
        self.builds = 0
        self.lock = threading.Lock()

    def get(self, folder: str | Path, build: Callable[[Path], Any], variant: str = "") -> Any:
        """``variant`` tells apart results of the same folder under different settings."""
        key = f"{folder}|{variant}"
        now = self.clock()
        entry = self.entries.get(key)
        if entry is not None and now - entry.checked < self.check_seconds:
            return entry.value
        with self.lock:
            path = Path(folder)
            if not path.is_dir():
                raise FileNotFoundError(f"exports folder {folder} does not exist")
            stamp = folder_stamp(path)
            entry = self.entries.get(key)
            if entry is None or entry.stamp != stamp:
                entry = _Entry(stamp, now, build(path))
                self.builds += 1
                self.entries[key] = entry
            entry.checked = now
            return entry.value

    def put(self, folder: str | Path, value: Any, variant: str = "") -> None:
        """Keep ``value`` as the folder's metrics as it is now: for a refresh that has just read the
        folder and computed them, so worksheet functions need not read it again."""
        path = Path(folder)
        if path.is_dir():
            with self.lock:
                self.entries[f"{path}|{variant}"] = _Entry(folder_stamp(path), self.clock(), value)

    def clear(self) -> None:
        self.entries.clear()


CACHE = ExportsCache()
