"""``graph-agent bench agent``: the whole agent, end to end, on llama.cpp and transformers side by side.

Every engine answers the same fixed questions (``agent_questions.jsonl``: the three bundled sample graphs and
graphs written inside the question; most need one tool call, a few two) through ``AgentSession.ask``, exactly
as ``graph-agent ask`` does. Per engine it reports load time, prompt tokens, prefill and decode speed,
end-to-end latency, the latency of an answer-cache hit and peak RSS.

Why subprocesses: each engine loads different weights (a Q4 GGUF vs. dequantized fp32), so each runs in its own
process and its peak RSS is that process's high-water mark (``getrusage``); the parent only gathers the JSON.
Why private directories: the answer and tool caches, the trajectory log and the transformers weight cache
live in a temporary directory (``GRAPH_AGENT_CACHE_DIR``, ``GRAPH_AGENT_DATA_DIR``), one per engine, so the
user's caches are neither read nor written and one engine never answers from the other's cache (both engines
run the same base model, so their answer-cache keys are equal).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import psutil

QUESTIONS_FILE = Path(__file__).with_name("agent_questions.jsonl")
ENGINE_TITLES = {"llamacpp": "llama.cpp", "hf": "transformers"}
"""The engines this benchmark loads (a remote OpenAI-compatible server has no load time or RSS of its own here)."""
DEFAULT_MAX_TOKENS = 64
"""Tokens per model turn. The untuned base model can open an argument string it does not close, and such a cut-off
call is generated again with room for the longest call, so the limit bounds the common case: with 64, the 30
questions on both engines took about 14 min on 2 cores, one transformers question alone 329 s (README)."""
RAW_PROMPT = "Graphs are everywhere. In mathematics, a graph"
RAW_DECODE_TOKENS = 64
"""The engine's own decode speed is measured on this plain continuation, without a grammar or the agent."""
CACHE_HIT_QUESTIONS = 5
CACHE_HIT_REPEATS = 4
TARGETS = {
    "raw_decode_tok_s": "≥ 50 (llama.cpp)",
    "p50_one_call_s": "≤ 1.5",
    "cache_hit_p50_ms": "≤ 10",
    "peak_rss_mb": "≤ 1500",
}


class BenchError(RuntimeError):
    """The benchmark could not run: a bad question file, or an engine process that failed."""


@dataclass(frozen=True)
class BenchQuestion:
    """One fixed question: on a bundled sample graph, or (``sample`` None) with its graph written inline."""

    id: str
    question: str
    sample: str | None
    tools: tuple[str, ...]
    """The tool calls a right answer needs, in order."""

    @property
    def calls(self) -> int:
        """How many tool calls the question needs."""
        return len(self.tools)


def load_questions(path: str | os.PathLike[str] = QUESTIONS_FILE, limit: int | None = None) -> list[BenchQuestion]:
    """The first ``limit`` questions of a JSONL file of ``{"id", "question", "sample", "tools"}`` objects."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(BenchQuestion(row["id"], row["question"], row["sample"], tuple(row["tools"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise BenchError(f"{path}:{number}: not a question object ({type(exc).__name__}: {exc})") from None
    if limit is not None:
        if limit < 1:
            raise BenchError(f"--questions must be at least 1, got {limit}")
        questions = questions[:limit]
    return questions


class MeteredEngine:
    """An engine shared by one session per graph: records every ``Generation`` and is closed by its owner only
    (``AgentSession.close`` closes its engine)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name, self.model_id, self.adapter_id = engine.name, engine.model_id, engine.adapter_id
        self.n_ctx = getattr(engine, "n_ctx", None)  # bounds the room a cut-off tool call is given to finish
        self.generations: list[Any] = []

    def generate(self, prompt: str, **kwargs: Any) -> Any:
        """The wrapped engine's generation, recorded."""
        generation = self.engine.generate(prompt, **kwargs)
        self.generations.append(generation)
        return generation

    def count_tokens(self, text: str) -> int:
        """The wrapped engine's token count."""
        return self.engine.count_tokens(text)

    def close(self) -> None:
        """Nothing: the engine outlives each session."""


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_engine(
    engine_name: str, questions: Sequence[BenchQuestion], adapter: str = "none", max_tokens: int = DEFAULT_MAX_TOKENS
) -> dict[str, Any]:
    """Load one engine in this process and run every question, then the answer-cache hits; raw figures."""
    from agent.context import AgentConfig
    from agent.engines import make_engine
    from agent.session import AgentSession
    from graphs.sources import GraphSource, open_backend

    started = time.perf_counter()
    engine = make_engine(engine_name, None, adapter)
    load_s = time.perf_counter() - started
    metered = MeteredEngine(engine)
    config = AgentConfig(engine=engine_name, adapter=adapter, max_tokens=max_tokens)
    sessions: dict[str | None, Any] = {}
    rows = []
    try:
        for number, question in enumerate(questions, 1):
            if question.sample not in sessions:
                backend = open_backend(GraphSource(sample=question.sample))
                sessions[question.sample] = AgentSession(backend, config, engine=metered)
            session = sessions[question.sample]
            first = len(metered.generations)
            begin = time.perf_counter()
            answer = session.ask(question.question)
            latency = time.perf_counter() - begin
            rows.append(_question_row(question, answer, latency, metered.generations[first:], max_tokens))
            _progress(f"[{engine_name}] {number}/{len(questions)} {question.id}: {latency:.2f} s, "
                      f"{len(rows[-1]['calls'])} model calls, tools {rows[-1]['tools_called']}")
        raw = engine.generate(RAW_PROMPT, max_tokens=RAW_DECODE_TOKENS, stop=())
        hits = _cache_hits(sessions, questions, rows)
    finally:
        for session in sessions.values():
            session.close()
            session.backend.close()
        engine.close()
    return {
        "engine": engine_name,
        "model_id": engine.model_id,
        "adapter": engine.adapter_id,
        "max_tokens": max_tokens,
        "load_s": load_s,
        "raw_decode": {"completion_tokens": raw.completion_tokens, "decode_s": raw.decode_s},
        "questions": rows,
        "cache_hits": hits,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
    }


def _question_row(
    question: BenchQuestion, answer: Any, latency: float, generations: Sequence[Any], max_tokens: int
) -> dict[str, Any]:
    return {
        "id": question.id,
        "needs_calls": question.calls,
        "expected_tools": list(question.tools),
        "latency_s": latency,
        "answer": answer.answer,
        "cached": answer.cached,
        "auto_label": answer.auto_label,
        "run_id": answer.run_id,
        "tools_called": [call["name"] for call in answer.tool_calls],
        "tool_calls": answer.tool_calls,
        "calls": [
            {
                "prompt_tokens": g.prompt_tokens,
                "cached_prompt_tokens": g.cached_prompt_tokens,
                "completion_tokens": g.completion_tokens,
                "prefill_s": g.prefill_s,
                "decode_s": g.decode_s,
                "hit_max_tokens": g.completion_tokens >= max_tokens,
            }
            for g in generations
        ],
    }


def _cache_hits(
    sessions: dict[str | None, Any], questions: Sequence[BenchQuestion], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """Ask the first questions again, each in a new thread, with the answer cache on: wall time of each hit.

    The agent stores only clean answers (not one it was forced to give at a bound), which the untuned model
    rarely reaches; a question whose answer it did not store is seeded with the agent's own answer and trace,
    so the timed path -- ingest, lookup, replay, trajectory log -- is the same.
    """
    from agent.ingest import split_question

    times, seeded = [], 0
    for question, row in list(zip(questions, rows, strict=True))[:CACHE_HIT_QUESTIONS]:
        session = sessions[question.sample]
        fingerprint = session.log.get_run(row["run_id"])["fingerprint"]
        text, key = split_question(question.question)[0], session.context.model_key
        if session.cache.get_answer(fingerprint, key, text) is None:
            entry = {"answer": row["answer"], "tool_calls": row["tool_calls"]}
            session.cache.put_answer(fingerprint, key, text, entry, kind=session.backend.kind)
            seeded += 1
        for _ in range(CACHE_HIT_REPEATS):
            begin = time.perf_counter()
            answer = session.ask(question.question)
            times.append(time.perf_counter() - begin)
            if not answer.cached:
                raise BenchError(f"question {question.id} was not answered from the cache on the second ask")
    return {"times_s": times, "questions": min(len(rows), CACHE_HIT_QUESTIONS), "seeded": seeded}


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """The table's figures from one engine's raw result."""
    rows = result["questions"]
    calls = [call for row in rows for call in row["calls"]]
    evaluated = sum(c["prompt_tokens"] - c["cached_prompt_tokens"] for c in calls)
    prompt_total = sum(c["prompt_tokens"] for c in calls)
    decoded = sum(max(c["completion_tokens"] - 1, 0) for c in calls)
    latencies = [row["latency_s"] for row in rows]
    one_call = [row["latency_s"] for row in rows if row["needs_calls"] == 1]
    hits = result["cache_hits"]["times_s"]
    return {
        "questions": len(rows),
        "load_s": result["load_s"],
        "prompt_tokens_per_call_p50": _median([c["prompt_tokens"] for c in calls]),
        "prompt_tokens_per_question_p50": _median([sum(c["prompt_tokens"] for c in row["calls"]) for row in rows]),
        "prompt_reused_share": (prompt_total - evaluated) / prompt_total if prompt_total else None,
        "model_calls_per_question": len(calls) / len(rows) if rows else None,
        "turns_at_max_tokens": sum(c["hit_max_tokens"] for c in calls),
        "prefill_tok_s": _rate(evaluated, sum(c["prefill_s"] for c in calls)),
        "decode_tok_s": _rate(decoded, sum(c["decode_s"] for c in calls)),
        "raw_decode_tok_s": _rate(result["raw_decode"]["completion_tokens"] - 1, result["raw_decode"]["decode_s"]),
        "p50_s": _median(latencies),
        "p95_s": _percentile(latencies, 95),
        "p50_one_call_s": _median(one_call),
        "expected_tools_called": sum(set(row["expected_tools"]) <= set(row["tools_called"]) for row in rows),
        "cache_hit_p50_ms": None if not hits else _median(hits) * 1000,
        "peak_rss_mb": result["peak_rss_mb"],
    }


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _percentile(values: Sequence[float], percent: int) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def _rate(count: int, seconds: float) -> float | None:
    return count / seconds if seconds > 0 else None


_ROWS = (
    ("load_s", "load time (s)", "{:.2f}"),
    ("prompt_tokens_per_call_p50", "prompt tokens per model call (median)", "{:.0f}"),
    ("prompt_tokens_per_question_p50", "prompt tokens per question (median)", "{:.0f}"),
    ("prompt_reused_share", "prompt tokens reused from the KV cache", "{:.0%}"),
    ("model_calls_per_question", "model calls per question (mean)", "{:.1f}"),
    ("turns_at_max_tokens", "model turns cut at max_tokens", "{}"),
    ("prefill_tok_s", "prefill (tok/s)", "{:.0f}"),
    ("decode_tok_s", "decode in the agent, grammar on (tok/s)", "{:.1f}"),
    ("raw_decode_tok_s", f"decode, plain text, no grammar ({RAW_DECODE_TOKENS} tokens, tok/s)", "{:.1f}"),
    ("p50_s", "end-to-end latency p50 (s)", "{:.2f}"),
    ("p95_s", "end-to-end latency p95 (s)", "{:.2f}"),
    ("p50_one_call_s", "p50, questions needing one tool call (s)", "{:.2f}"),
    ("expected_tools_called", "questions where the expected tools were called", "{}"),
    ("cache_hit_p50_ms", "answer-cache hit p50 (ms)", "{:.1f}"),
    ("peak_rss_mb", "peak RSS (MB)", "{:.0f}"),
)


def markdown_table(summaries: dict[str, dict[str, Any]], max_tokens: int, adapter: str) -> str:
    """One Markdown table, metric × engine, with the targets of issue 3 in the last column."""
    engines = list(summaries)
    questions = max((s["questions"] for s in summaries.values()), default=0)
    head = f"metric ({questions} questions, max_tokens={max_tokens}, adapter {adapter})"
    lines = [
        "| " + " | ".join([head, *(ENGINE_TITLES.get(e, e) for e in engines), "target"]) + " |",
        "|---|" + "---:|" * len(engines) + "---|",
    ]
    for key, title, fmt in _ROWS:
        cells = [title]
        for engine in engines:
            value = summaries[engine][key]
            if key == "expected_tools_called":
                value = f"{value}/{summaries[engine]['questions']}"
            cells.append("–" if value is None else fmt.format(value))
        cells.append(TARGETS.get(key, ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """The machine in words: cores, CPU model, memory, Python and the engine libraries' versions."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        cpu = names[0] if names else cpu
    versions = []
    for package in ("llama_cpp_python", "torch", "transformers"):
        try:
            versions.append(f"{package.replace('_', '-')} {version(package)}")
        except PackageNotFoundError:
            continue
    memory = psutil.virtual_memory().total / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python {platform.python_version()}, "
            + ", ".join(versions))


def command_line(engines: Sequence[str], questions: int, adapter: str, max_tokens: int, out: str | None) -> str:
    """The ``graph-agent bench agent`` command that reproduces a run."""
    parts = ["graph-agent bench agent", f"--engines {','.join(engines)}", f"--questions {questions}",
             f"--adapter {adapter}", f"--max-tokens {max_tokens}"]
    return " ".join(parts + ([f"--out {out}"] if out else []))


def _child(spec: dict[str, Any], env: dict[str, str], work: Path) -> dict[str, Any]:
    """Run ``spec`` in a fresh Python process (``python -m benchmarks.agent_bench``); its JSON result.

    The child's output (progress, library logs) goes to our stderr, so stdout carries only the table.
    """
    result_file = work / f"{spec['engine']}-{spec['mode']}.json"
    command = [sys.executable, "-m", "benchmarks.agent_bench", json.dumps({**spec, "result": str(result_file)})]
    done = subprocess.run(command, env=env, stdout=2, check=False)
    result = json.loads(result_file.read_text()) if result_file.is_file() else {}
    if done.returncode != 0 or "error" in result:
        reason = result.get("error") or f"exit status {done.returncode}"
        raise BenchError(f"the {spec['engine']} engine process failed ({spec['mode']}): {reason}")
    return result


def run_agent_benchmark(
    engines: Sequence[str] = ("llamacpp", "hf"),
    questions: int = 30,
    adapter: str = "none",
    max_tokens: int = DEFAULT_MAX_TOKENS,
    out: str | None = None,
) -> dict[str, Any]:
    """Run every engine in its own process on the first ``questions`` questions, print the Markdown table,
    the command and the machine, and optionally write everything as JSON to ``out``."""
    selected = load_questions(limit=questions)
    if max_tokens < 1:
        raise BenchError(f"--max-tokens must be at least 1, got {max_tokens}")
    unknown = [engine for engine in engines if engine not in ENGINE_TITLES]
    if unknown or not engines:
        raise BenchError(f"--engines takes a comma list of {', '.join(ENGINE_TITLES)}; got {','.join(engines)!r}")
    report: dict[str, Any] = {
        "command": command_line(engines, questions, adapter, max_tokens, out),
        "machine": machine(),
        "load_average_at_start": os.getloadavg()[0],
        "engines": {},
    }
    with tempfile.TemporaryDirectory(prefix="graph-agent-bench-") as tmp:
        work = Path(tmp)
        for engine in engines:
            env = {**os.environ, "GRAPH_AGENT_CACHE_DIR": str(work / engine / "cache"),
                   "GRAPH_AGENT_DATA_DIR": str(work / engine / "data")}
            spec = {"engine": engine, "questions": questions, "adapter": adapter, "max_tokens": max_tokens}
            prepare_s = None
            if engine == "hf":
                _progress("[hf] converting the GGUF to safetensors in the private data dir (not timed as load) ...")
                prepare_s = _child({**spec, "mode": "prepare"}, env, work)["prepare_s"]
            _progress(f"[{engine}] running {len(selected)} questions ...")
            raw = _child({**spec, "mode": "bench"}, env, work)
            raw["prepare_s"] = prepare_s
            report["engines"][engine] = {"summary": summarize(raw), "raw": raw}
    summaries = {engine: data["summary"] for engine, data in report["engines"].items()}
    report["table"] = markdown_table(summaries, max_tokens, adapter)
    print(report["table"])
    print(f"\ncommand: {report['command']}\nmachine: {report['machine']}")
    print(f"1-minute load average at start: {report['load_average_at_start']:.2f} (other work on the cores skews "
          "every timing)")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        print(f"wrote {out}")
    return report


def _main(spec: dict[str, Any]) -> int:
    """The engine process: ``prepare`` builds the transformers weight cache; ``bench`` runs the questions.
    A failure is written as ``{"error"}`` to the result file for the parent to report."""
    try:
        if spec["mode"] == "prepare":
            from agent.model_files import hf_model_dir, resolve_model

            started = time.perf_counter()
            hf_model_dir(resolve_model(None))
            result = {"prepare_s": time.perf_counter() - started}
        else:
            questions = load_questions(limit=spec["questions"])
            result = bench_engine(spec["engine"], questions, spec["adapter"], spec["max_tokens"])
    except Exception as exc:  # noqa: BLE001 - reported by the parent as one clear line
        Path(spec["result"]).write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        raise
    Path(spec["result"]).write_text(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(_main(json.loads(sys.argv[1])))
