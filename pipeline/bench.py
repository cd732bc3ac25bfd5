"""Bench: folders of pages -> pages per second and peak memory of the whole pipeline.

Model and data loading is timed apart (it happens once per process); then every page goes through
``process_batch`` ``repeat`` times and the fastest pass is kept. Peak RSS is the process's high-water
mark (``getrusage``), so it includes the loaded model. Figures are for quoting in notes, never asserted.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from .load import iter_pages


def run_bench(folders: list[Path], repeat: int = 2) -> dict:
    from .run import prepare, process_batch

    start = time.perf_counter()
    prepare()
    setup_s = time.perf_counter() - start
    rss_after_setup = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = []
    for folder in folders:
        paths = iter_pages(folder)
        size = sum(p.stat().st_size for p in paths)
        best = None
        failed = 0
        for _ in range(max(1, repeat)):
            start = time.perf_counter()
            outcomes = process_batch(paths, folder)
            elapsed = time.perf_counter() - start
            failed = sum(1 for outcome in outcomes if isinstance(outcome, Exception))
            best = elapsed if best is None else min(best, elapsed)
        results.append(
            {
                "folder": str(folder),
                "pages": len(paths),
                "failed": failed,
                "megabytes": round(size / 1e6, 2),
                "seconds": round(best, 3),
                "pages_per_second": round(len(paths) / best, 1) if best else None,
            }
        )
    return {
        "setup_seconds": round(setup_s, 2),
        "rss_after_setup_mb": round(rss_after_setup),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "folders": results,
    }


def format_bench(report: dict) -> str:
    lines = [
        f"setup (model + data loading): {report['setup_seconds']} s, RSS after setup {report['rss_after_setup_mb']} MB",
        f"{'folder':44}{'pages':>7}{'MB':>7}{'seconds':>9}{'pages/s':>9}",
    ]
    for row in report["folders"]:
        lines.append(
            f"{row['folder'][-44:]:44}{row['pages']:>7}{row['megabytes']:>7}{row['seconds']:>9}{row['pages_per_second']:>9}"
        )
    lines.append(f"peak RSS: {report['peak_rss_mb']} MB")
    return "\n".join(lines)
