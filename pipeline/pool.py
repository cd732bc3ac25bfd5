"""Pool: pages through the stages in worker processes that can be stopped.

The parent loads the model once and forks its workers, which share it. Each worker takes a batch of
pages at a time (the NLP stage runs on the whole batch) and says what it is doing: reading one page,
the model on the batch, or one page's extraction. The parent holds every step to the page time limit
and every worker to its memory limit; a worker that goes over (a library that hangs, a page that
explodes) is killed and replaced. The pages of a batch that did not finish are then taken again one at
a time, so the page that caused it, alone, ends as a ``PageTimeout`` or ``PageMemory`` error line and
every other page is processed. Results come back in the input's order, whatever the number of workers.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .models import ErrorEntry, Record

LOGGER = logging.getLogger(__name__)

# How often the parent looks at its workers' clocks and memory.
POLL_SECONDS = 0.2
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE_SIZE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the parent dies (a SIGKILLed run leaves no orphan)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _worker(conn: Connection, raw_dir: Path, max_bytes: int | None) -> None:
    from .run import error_entry, process_batch

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the run stops
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        indices = [index for index, _ in job]
        paths = [path for _, path in job]

        def report(phase: str, positions: list[int], indices: list[int] = indices) -> None:
            conn.send(("phase", phase, [indices[p] for p in positions]))

        outcomes = process_batch(paths, raw_dir, max_bytes, report=report)
        for index, path, outcome in zip(indices, paths, outcomes, strict=True):
            if isinstance(outcome, Exception):
                rel = path.relative_to(raw_dir).as_posix()
                conn.send(("done", index, None, error_entry(rel, outcome, None).model_dump(mode="json")))
            else:
                conn.send(("done", index, outcome.model_dump_json(), None))


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: list[tuple[int, Path]] = field(default_factory=list)
    pending: set[int] = field(default_factory=set)
    phase: tuple[str, list[int]] | None = None
    since: float = 0.0
    job_started: float = 0.0
    baseline_mb: float = 0.0


class PagePool:
    """``workers`` processes taking pages through the stages under a time and a memory limit."""

    def __init__(
        self,
        raw_dir: Path,
        *,
        workers: int = 1,
        page_timeout: float = 60.0,
        memory_mb: float = 1000.0,
        max_bytes: int | None = None,
        batch_size: int = 32,
    ):
        self.raw_dir = raw_dir
        self.workers = max(1, workers)
        self.page_timeout = page_timeout
        self.memory_mb = memory_mb
        self.max_bytes = max_bytes
        self.batch_size = max(1, batch_size)
        self._context = multiprocessing.get_context("fork")

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker, args=(child, self.raw_dir, self.max_bytes), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        worker.baseline_mb = _rss_mb(process.pid)
        return worker

    def run(
        self,
        paths: list[Path],
        on_done: Callable[[int, Record | ErrorEntry], None] | None = None,
        on_phase: Callable[[str, list[int]], None] | None = None,
    ) -> list[Record | ErrorEntry]:
        """A record or an error line for every path, in the order of ``paths``; ``on_phase(phase,
        indices)`` hears what each worker is doing (read, nlp, extract) as it starts it."""
        results: dict[int, Record | ErrorEntry] = {}
        if not paths:
            return []
        jobs: deque[list[tuple[int, Path]]] = deque()
        indexed = list(enumerate(paths))
        # as many batches as it takes for every worker to have work, at most batch_size pages each
        size = max(1, min(self.batch_size, -(-len(indexed) // self.workers)))
        for start in range(0, len(indexed), size):
            jobs.append(indexed[start : start + size])
        gc.collect()
        gc.freeze()  # the model's objects are shared with the workers: do not make them copy it
        workers: list[_Worker] = []
        try:
            workers = [self._start() for _ in range(min(self.workers, len(jobs)))]
            while len(results) < len(paths):
                for worker in workers:
                    if not worker.job and jobs:
                        self._give(worker, jobs.popleft())
                busy = [w for w in workers if w.job]
                if not busy:
                    break
                ready = wait([w.conn for w in busy], timeout=POLL_SECONDS)
                for worker in busy:
                    if worker.conn in ready:
                        self._receive(worker, results, on_done, on_phase)
                for index, worker in enumerate(workers):
                    if worker.job and (failure := self._over_limit(worker)):
                        workers[index] = self._replace(worker, failure, jobs, results, on_done)
        finally:
            for worker in workers:
                self._stop(worker)
            gc.unfreeze()
        return [results[i] for i in range(len(paths))]

    # --- the parent's side ---------------------------------------------------------------------

    def _give(self, worker: _Worker, job: list[tuple[int, Path]]) -> None:
        worker.job = job
        worker.pending = {index for index, _ in job}
        worker.phase = None
        worker.since = worker.job_started = time.monotonic()
        worker.conn.send(job)

    def _receive(self, worker: _Worker, results: dict, on_done, on_phase=None) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                if message[0] == "phase":
                    worker.phase = (message[1], message[2])
                    worker.since = time.monotonic()
                    if on_phase:
                        on_phase(message[1], message[2])
                    continue
                _, index, record_json, error = message
                outcome = Record.model_validate_json(record_json) if record_json else ErrorEntry.model_validate(error)
                results[index] = outcome
                worker.pending.discard(index)
                if on_done:
                    on_done(index, outcome)
                if not worker.pending:
                    worker.job = []
                    worker.phase = None
                    break
        except (EOFError, OSError):
            pass  # the worker died: _over_limit sees it

    def _over_limit(self, worker: _Worker) -> tuple[str, str] | None:
        """(error kind, message) when the worker must be stopped, else None."""
        now = time.monotonic()
        if not worker.process.is_alive():
            code = worker.process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            return "PageCrashed", f"the page stopped the process that read it ({how}); the other pages went on"
        single = len(worker.job) == 1
        elapsed = now - (worker.job_started if single else worker.since)
        if elapsed > self.page_timeout:
            return "PageTimeout", (
                f"the page took more than {self.page_timeout:g} s (--page-timeout) and was stopped; "
                "the other pages went on"
            )
        grown = _rss_mb(worker.process.pid) - worker.baseline_mb
        if grown > self.memory_mb:
            return "PageMemory", (
                f"the page needed more than {self.memory_mb:g} MB of memory (--page-memory) and was stopped; "
                "the other pages went on"
            )
        return None

    def _replace(self, worker: _Worker, failure: tuple[str, str], jobs: deque, results: dict, on_done) -> _Worker:
        """Kill ``worker``; the page it was on gets the error when it is known (a page read or extracted
        alone, a job of one page), the other pages of its batch are taken again; when the model was on
        the whole batch, they are taken again one at a time. A new worker takes the old one's place."""
        kind, message = failure
        left = [(index, path) for index, path in worker.job if index in worker.pending]
        self._stop(worker, kill=True)
        culprit = None
        if len(left) == 1 and len(worker.job) == 1:
            culprit = left[0][0]
        elif worker.phase and worker.phase[0] in ("read", "extract") and len(worker.phase[1]) == 1:
            culprit = worker.phase[1][0]
        if culprit is not None:
            path = dict(left)[culprit]
            from .load import display_path

            error = ErrorEntry(
                path=display_path(path.relative_to(self.raw_dir).as_posix()), error=kind, message=message
            )
            results[culprit] = error
            if on_done:
                on_done(culprit, error)
            rest = [item for item in left if item[0] != culprit]
            if rest:
                jobs.appendleft(rest)
        else:
            LOGGER.debug("%s in a batch of %d: its pages are taken again one at a time", kind, len(left))
            for item in reversed(left):
                jobs.appendleft([item])
        return self._start()

    @staticmethod
    def _stop(worker: _Worker, kill: bool = False) -> None:
        if worker.process.is_alive():
            if kill:
                worker.process.kill()
            else:
                try:
                    worker.conn.send(None)
                except (BrokenPipeError, OSError):
                    worker.process.kill()
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()
