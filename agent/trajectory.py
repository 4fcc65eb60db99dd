"""The trajectory log: every agent run recorded durably, step by step, for evaluation and fine-tuning.

Why: the fine-tuning issue turns real runs into training pairs, and the UI lets a person label them, so every
run must survive -- including the runs before a crash. The log is one SQLite file in WAL mode under the data
directory. A run row is written when the run starts (status ``running``); each step is appended and committed
as it happens; the end writes the answer, totals and the ``auto`` outcome label, and sets the status (``ok``,
``error`` or ``interrupted``). Every write is its own committed transaction, so a ``kill -9`` loses at most
the step being written: earlier runs -- and the earlier steps of the run in flight -- stay intact. Each run
records the process that owns it (pid and start time, so a reused pid is not mistaken for it); opening the log
marks ``interrupted`` every run still ``running`` whose process is gone, e.g. after a ``kill -9``.

Steps are ``(run_id, seq, at, kind, data)`` with ``kind`` one of ``ingest``, ``cache``, ``model``, ``tool``,
``invalid`` (a malformed tool call fed back) and ``answer``; ``data`` is JSON (messages, tool calls with
arguments and results, errors, timings, token counts). People's judgements come later: a run's ``human_label``
and ``correction`` (``set_human_label``), and blind A/B choices between two runs (``record_comparison``).

>>> import tempfile, pathlib
>>> log = TrajectoryLog(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite")
>>> run = log.start_run("How many nodes?", engine="llamacpp")
>>> log.add_step(run, "tool", {"name": "count_nodes", "args": {}, "result": {"count": 3}})
>>> log.finish_run(run, status="ok", answer="3 nodes", auto_label="agrees")
>>> log.get_run(run)["steps"][0]["data"]["result"]
{'count': 3}
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

import psutil

SCHEMA_VERSION = 3
STATUSES = ("running", "ok", "error", "interrupted")
HUMAN_LABELS = ("correct", "incorrect")
COMPARISON_CHOICES = ("a", "b", "tie", "both_bad")
"""A blind A/B choice: run ``a`` won, run ``b`` won, equally good, or both wrong."""
FILE_NAME = "trajectories.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    started_at REAL NOT NULL,
    finished_at REAL,
    status TEXT NOT NULL DEFAULT 'running',
    thread_id TEXT,
    question TEXT NOT NULL,
    graph_backend TEXT,
    graph_name TEXT,
    fingerprint TEXT,
    engine TEXT,
    model_id TEXT,
    adapter_id TEXT,
    answer TEXT,
    cached INTEGER NOT NULL DEFAULT 0,
    latency_s REAL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    auto_label TEXT,
    human_label TEXT,
    correction TEXT,
    error TEXT,
    owner_pid INTEGER,
    owner_started REAL
);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE TABLE IF NOT EXISTS comparisons (
    id TEXT PRIMARY KEY,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    run_a TEXT NOT NULL REFERENCES runs(id),
    run_b TEXT NOT NULL REFERENCES runs(id),
    config_a TEXT NOT NULL,
    config_b TEXT NOT NULL,
    choice TEXT NOT NULL
);
"""

_OWNER_COLUMNS = {"owner_pid": "INTEGER", "owner_started": "REAL"}
"""Added in schema version 2; a version-1 log gets them on open."""
_RUN_FIELDS = ("thread_id", "graph_backend", "graph_name", "fingerprint", "engine", "model_id", "adapter_id")
_FINISH_FIELDS = (
    "fingerprint", "answer", "cached", "latency_s", "prompt_tokens", "completion_tokens", "auto_label", "error"
)


class TrajectoryLog:
    """Append-only SQLite log of agent runs; safe to share between threads of one process.

    ``swept``: the ids of the runs this open marked ``interrupted`` because their process was gone.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(runs)")}
        for name, kind in _OWNER_COLUMNS.items():
            if name not in columns:
                self._db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._seq: dict[str, int] = {}
        self._owner = (os.getpid(), psutil.Process().create_time())
        self.swept = self.sweep_orphans()

    def start_run(self, question: str, **fields: Any) -> str:
        """Record a new run (status ``running``); ``fields`` are any of the run columns such as ``thread_id``,
        ``graph_backend``, ``graph_name``, ``fingerprint``, ``engine``, ``model_id``, ``adapter_id``."""
        unknown = set(fields) - set(_RUN_FIELDS)
        if unknown:
            raise ValueError(f"unknown run fields: {', '.join(sorted(unknown))}")
        run_id = uuid.uuid4().hex
        columns = ["id", "started_at", "question", "owner_pid", "owner_started", *fields]
        values = [run_id, time.time(), question, *self._owner, *fields.values()]
        self._write(f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", values)
        self._seq[run_id] = 0
        return run_id

    def add_step(self, run_id: str, kind: str, data: dict[str, Any]) -> None:
        """Append one step to a running run and commit it."""
        seq = self._seq.get(run_id)
        if seq is None:
            raise KeyError(f"run {run_id} was not started by this log")
        payload = json.dumps(data, ensure_ascii=False, default=str)
        self._write("INSERT INTO steps (run_id, seq, at, kind, data) VALUES (?, ?, ?, ?, ?)",
                    [run_id, seq, time.time(), kind, payload])
        self._seq[run_id] = seq + 1

    def finish_run(self, run_id: str, *, status: str, **fields: Any) -> None:
        """Close a run: ``status`` (``ok``/``error``/``interrupted``) and any of ``fingerprint``, ``answer``,
        ``cached``, ``latency_s``, ``prompt_tokens``, ``completion_tokens``, ``auto_label``, ``error``."""
        if status not in STATUSES[1:]:
            raise ValueError(f"status must be one of {', '.join(STATUSES[1:])}, got {status!r}")
        unknown = set(fields) - set(_FINISH_FIELDS)
        if unknown:
            raise ValueError(f"unknown run fields: {', '.join(sorted(unknown))}")
        sets = ", ".join(f"{name} = ?" for name in ("status", "finished_at", *fields))
        self._write(f"UPDATE runs SET {sets} WHERE id = ?", [status, time.time(), *fields.values(), run_id])
        self._seq.pop(run_id, None)

    def sweep_orphans(self) -> list[str]:
        """Mark ``interrupted`` every ``running`` run whose process is gone (killed, crashed); returns their ids.

        Its ``finished_at`` becomes the time of its last step. Runs of live processes are left alone.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT id, owner_pid, owner_started FROM runs WHERE status = 'running'"
            ).fetchall()
        swept = []
        for row in rows:
            if _alive(row["owner_pid"], row["owner_started"]):
                continue
            changed = self._write(
                "UPDATE runs SET status = 'interrupted', error = ?, finished_at = "
                "COALESCE((SELECT max(at) FROM steps WHERE run_id = runs.id), started_at) "
                "WHERE id = ? AND status = 'running'",
                [f"the process that ran it (pid {row['owner_pid']}) ended before the run finished", row["id"]],
            )
            if changed:
                swept.append(row["id"])
        return swept

    def set_human_label(self, run_id: str, label: str, correction: str | None = None) -> None:
        """A person's verdict on a run (``correct`` or ``incorrect``) and, optionally, the right answer."""
        if label not in HUMAN_LABELS:
            raise ValueError(f"label must be one of {', '.join(HUMAN_LABELS)}, got {label!r}")
        changed = self._write(
            "UPDATE runs SET human_label = ?, correction = ? WHERE id = ?", [label, correction, run_id]
        )
        if not changed:
            raise KeyError(f"no run {run_id}")

    def record_comparison(
        self, question: str, run_a: str, run_b: str, config_a: str, config_b: str, choice: str
    ) -> str:
        """A person's blind A/B choice between two runs answering ``question`` (``config_a``/``config_b`` name
        the configurations, e.g. ``base`` and an adapter id; ``choice`` is one of ``COMPARISON_CHOICES``);
        returns the comparison id. ``KeyError`` if either run is unknown."""
        if choice not in COMPARISON_CHOICES:
            raise ValueError(f"choice must be one of {', '.join(COMPARISON_CHOICES)}, got {choice!r}")
        with self._lock:
            known = self._db.execute("SELECT count(*) FROM runs WHERE id IN (?, ?)", [run_a, run_b]).fetchone()[0]
        if known != len({run_a, run_b}):
            raise KeyError(f"no run {run_a} or {run_b}")
        comparison_id = uuid.uuid4().hex
        self._write(
            "INSERT INTO comparisons (id, at, question, run_a, run_b, config_a, config_b, choice) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [comparison_id, time.time(), question, run_a, run_b, config_a, config_b, choice],
        )
        return comparison_id

    def comparisons(self) -> list[dict[str, Any]]:
        """Every blind A/B choice, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM comparisons ORDER BY at").fetchall()
        return [dict(row) for row in rows]

    def get_run(self, run_id: str) -> dict[str, Any]:
        """One run with its steps (``KeyError`` if unknown)."""
        with self._lock:
            row = self._db.execute("SELECT * FROM runs WHERE id = ?", [run_id]).fetchone()
            if row is None:
                raise KeyError(f"no run {run_id}")
            return self._with_steps(row)

    def runs(self, limit: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Runs, oldest first (the last ``limit`` of them), without steps."""
        query = "SELECT * FROM runs" + (" WHERE status = ?" if status else "") + " ORDER BY started_at DESC"
        params: list[Any] = [status] if status else []
        if limit is not None:
            query += " LIMIT ?"
            params.append(limit)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [dict(row) for row in reversed(rows)]

    def export_jsonl(self, out: str | os.PathLike[str] | TextIO) -> int:
        """Write every run with its steps as one JSON object per line; returns the number of runs."""
        if isinstance(out, str | os.PathLike):
            with open(out, "w", encoding="utf-8") as handle:
                return self.export_jsonl(handle)
        with self._lock:
            rows = self._db.execute("SELECT * FROM runs ORDER BY started_at").fetchall()
            for row in rows:
                out.write(json.dumps(self._with_steps(row), ensure_ascii=False) + "\n")
        return len(rows)

    def close(self) -> None:
        """Close the database; idempotent."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> TrajectoryLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _write(self, sql: str, params: list[Any]) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    def _with_steps(self, row: sqlite3.Row) -> dict[str, Any]:
        run = dict(row)
        steps = self._db.execute(
            "SELECT seq, at, kind, data FROM steps WHERE run_id = ? ORDER BY seq", [run["id"]]
        ).fetchall()
        run["steps"] = [{**dict(step), "data": json.loads(step["data"])} for step in steps]
        return run


def _alive(pid: int | None, started: float | None) -> bool:
    """Whether process ``pid``, started at ``started`` (a reused pid has a later start), is still running;
    one that exists but may not be inspected counts as running."""
    if pid is None or started is None:
        return False
    try:
        process = psutil.Process(pid)
        return abs(process.create_time() - started) < 1.0 and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return True
