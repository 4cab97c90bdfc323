"""Ingest jobs: what the add-articles form and ``POST /api/articles`` start.

Jobs run one at a time on a single worker thread (SQLite has one writer; one ingest at a time also
keeps the two cores for it and for page views), through the same ``corpus.ingest`` as
``storylens ingest``. Uploaded and pasted articles are written to files first, named by their
content, so the CLI's readers read them and sending the same file twice is idempotent. URL ingest
refuses private addresses unless the app allows them.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import IngestReport
from ..errors import StorylensError
from ..ingest.url import public_only
from ..store import Store

# Finished jobs remembered for their progress pages; older ones are forgotten first. A person adds a
# few batches an hour, so 200 covers days of a running server at a few KB each.
KEEP_JOBS = 200
# Jobs that may wait behind the running one. Each may hold up to a request's worth of staged uploads
# (20 MB, app.MAX_UPLOAD_BYTES), so this bounds them to 320 MB on disk; a person adds a few batches
# an hour, so 16 waiting means many people at once, who are told to try again instead of queueing
# work without end (issue 18: a bounded job queue).
MAX_WAITING = 16
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Job:
    """One ingest run and what it did."""

    id: str
    label: str
    sources: list[str]
    status: str = "queued"  # queued, waiting (for another ingest on the store), running, done, failed
    report: IngestReport = field(default_factory=IngestReport)
    stories: list[str] = field(default_factory=list)
    error: str | None = None
    created: float = field(default_factory=time.time)
    files: list[Path] = field(default_factory=list)

    def progress(self, report: IngestReport) -> None:
        """Ingest's progress callback: the counts so far (and the store is ours: no longer waiting)."""
        self.report, self.status = report, "running"

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "status": self.status, "report": self.report.to_dict(),
                "stories": list(self.stories), "error": self.error}


def upload_root() -> Path:
    return Path(tempfile.gettempdir()) / "storylens-uploads"


def safe_name(name: str, default: str = "upload.txt") -> str:
    """A file name without directories or odd characters (the suffix still says how to read it)."""
    base = _UNSAFE_NAME.sub("-", Path(name.replace("\\", "/")).name).strip(".-")
    return base[:120] or default


def stage(name: str, data: bytes) -> Path:
    """Write an upload under a folder named by its name and content: the same file sent twice has
    the same path, so ingest sees the same article from the same place and skips it."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\0" + data).hexdigest()[:20]
    path = upload_root() / digest / safe_name(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def stage_records(records: list[dict[str, Any]], stem: str = "pasted") -> Path:
    """Articles given as fields (pasted text, the JSON API) as one JSONL file for the JSONL reader."""
    # ASCII escapes: a lone surrogate in a field has no UTF-8 form; the JSONL reader replaces it
    body = "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")
    name = f"{stem}-{hashlib.sha256(body).hexdigest()[:12]}.jsonl"
    return stage(name, body)


class QueueFull(StorylensError):
    """Too many ingest jobs are waiting; the server answers 503."""


class Jobs:
    """The queue of ingest jobs of one app (one worker thread)."""

    def __init__(self, db: str, *, allow_private: bool = False, embedder: Callable[[], Any] | None = None) -> None:
        self.db, self.allow_private = db, allow_private
        self._embedder = embedder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storylens-ingest")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def submit(self, sources: list[str], label: str, files: Iterable[Path] = ()) -> tuple[Job, Future[Job]]:
        """Queue an ingest job; raises QueueFull (its staged files removed) when MAX_WAITING wait."""
        job = Job(uuid.uuid4().hex[:12], label, list(sources), files=list(files))
        with self._lock:
            waiting = sum(j.status == "queued" for j in self._jobs.values())
            if waiting >= MAX_WAITING:
                full = True
            else:
                full = False
                self._jobs[job.id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        if full:
            self._cleanup(job)
            raise QueueFull(f"{MAX_WAITING} ingest jobs are waiting already; try again in a minute",
                            "add articles")
        return job, self._pool.submit(self._run, job)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: Job) -> Job:
        from ..corpus import ingest

        job.status = "running"
        try:
            before = self._versions()
            with public_only(not self.allow_private):
                job.report = ingest(job.sources, db=self.db,
                                    embedder=self._embedder() if self._embedder else None,
                                    progress=job.progress, waiting=lambda: setattr(job, "status", "waiting"))
            after = self._versions()
            job.stories = [s for s, v in after.items() if before.get(s) != v]
            job.status = "done"
        except Exception as exc:  # noqa: BLE001 - a job reports any failure on its page, one line
            job.error = str(exc) or type(exc).__name__
            job.status = "failed"
        finally:
            self._cleanup(job)
        return job

    def _versions(self) -> dict[str, int]:
        with Store(self.db) as store:
            return store.story_versions()

    def _cleanup(self, job: Job) -> None:
        """Remove the job's staged files unless a queued job still needs the same file."""
        with self._lock:
            pending = {p for j in self._jobs.values() if j is not job and not j.finished for p in j.files}
        for path in job.files:
            if path not in pending:
                shutil.rmtree(path.parent, ignore_errors=True)
