"""``graph-agent finetune pairs --sample K``: on-policy preference pairs sampled from the current model.

Each question of an eval question file (``graph-agent finetune data`` writes ``validation.eval.jsonl``; any
file in that format works) is answered K times by the real agent with a sampling temperature (llama.cpp), every
run logged to a trajectory log of its own. Each answer is graded against the question's gold answer on its graph
exactly as ``graph-agent eval`` grades (``finetune.evaluate.answer_question``); then ``finetune.log_pairs``
pairs verified-right with verified-wrong runs of the same question, the gold verdict ranking below a person's
label. Questions without a gold answer cannot be verified and are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.progress import track

RIGHT = frozenset({"correct"})
WRONG = frozenset({"wrong", "suboptimal", "hallucinated", "invalid_call"})
"""Verdicts that make a run the chosen or the rejected side; ``missing`` (a crash or no answer) makes neither."""


def sample_runs(
    questions: str | os.PathLike[str],
    k: int,
    log_dir: str | os.PathLike[str],
    *,
    adapter: str = "default",
    temperature: float = 0.8,
    seed: int = 0,
    limit: int | None = None,
    progress: bool = True,
) -> dict[str, str]:
    """Sample ``k`` answers per question of ``questions`` with ``adapter`` at ``temperature``, log them under
    ``log_dir``, and return each graded run's verdict (run id -> ``right``/``wrong``) for
    ``finetune.log_pairs.export_pairs``. ``ValueError`` for ``k < 2`` or a non-positive temperature."""
    from agent.context import AgentConfig
    from agent.engines import make_engine
    from agent.session import AgentSession
    from finetune.eval_input import read_questions
    from finetune.evaluate import answer_question, question_backend

    if k < 2:
        raise ValueError(f"--sample needs at least 2 answers per question to make a pair, got {k}")
    if temperature <= 0:
        raise ValueError(f"sampling needs a temperature above 0, got {temperature}")
    data = read_questions(questions, limit)
    engine = make_engine("llamacpp", None, adapter, temperature=temperature, seed=seed)
    config = AgentConfig(adapter=adapter, use_cache=False, data_dir=Path(log_dir))
    sessions: dict[str | None, Any] = {}
    graded: dict[str, str] = {}
    try:
        gradable = [question for question in data.questions if question.answer is not None]
        for question in track(gradable, description=f"sampling {k} answers", disable=not progress):
            if question.graph_key not in sessions:
                sessions[question.graph_key] = AgentSession(question_backend(question, data), config, engine=engine)
            for _ in range(k):
                line = answer_question(sessions[question.graph_key], question, "sampled", engine.name)
                if line.get("run_id") and line.get("verdict") in RIGHT | WRONG:
                    graded[line["run_id"]] = "right" if line["verdict"] in RIGHT else "wrong"
    finally:
        for session in sessions.values():
            session.close()
            session.backend.close()
        engine.close()
    return graded
