"""What the benchmark scripts share: the sample exports folders, generated once and cached under
benchmarks/_data/ (git-ignored), and the description of the machine a table was measured on."""

from __future__ import annotations

import os
import platform
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
        done.write_text("written by benchmarks/bench_common.py\n")
        print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    return folder


def machine() -> str:
    """CPU model, cores, architecture, Python and OS, for the heading of a results table."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}; nproc {os.cpu_count()}; {platform.machine()}; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}")
