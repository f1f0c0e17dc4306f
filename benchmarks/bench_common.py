"""Sample exports folders for the benchmarks, generated once and cached under benchmarks/_data/
(git-ignored), shared by read_exports.py and refresh.py."""

from __future__ import annotations

import time
from pathlib import Path

DATA = Path(__file__).resolve().parent / "_data"


def exports_folder(households: int, seed: int = 7) -> Path:
    """The cached sample folder of ``households`` households, written on first use."""
    folder = DATA / f"households_{households}_seed_{seed}"
    done = folder / ".complete"
    if not done.exists():
        from agency_xl.sample_data import write_sample_exports

        print(f"Generating {households:,} households into {folder} (once) ...", flush=True)
        t = time.perf_counter()
        write_sample_exports(folder, households=households, seed=seed)
        done.write_text("written by benchmarks/sample_folders.py\n")
        print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    return folder
