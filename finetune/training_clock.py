"""How long a run had trained when a checkpoint was saved, kept in that checkpoint's ``trainer_state.json``.

Why: the Trainer writes ``train_runtime`` only when ``train()`` returns, so an adapter shipped from a checkpoint
(the gate may accept step 10 of a 20-step run) had no training time and its card said "in ?, ? tokens/s".
Saved as an ``ExportableState`` callback, the Trainer's own way to put a callback's state in a checkpoint.
"""

from __future__ import annotations

import time
from typing import Any

from transformers import TrainerCallback
from transformers.trainer_callback import ExportableState


class TrainingClock(TrainerCallback, ExportableState):
    """Seconds since this invocation's ``train()`` began (like ``train_runtime``, not summed over resumes)."""

    def __init__(self) -> None:
        self.started: float | None = None

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.started = time.monotonic()

    def state(self) -> dict[str, Any]:
        elapsed = None if self.started is None else round(time.monotonic() - self.started, 3)
        return {"args": {}, "attributes": {"elapsed_s": elapsed}}


def elapsed_at_save(trainer_state: dict[str, Any]) -> float | None:
    """The seconds ``TrainingClock`` recorded in a loaded ``trainer_state.json``, or None."""
    entry = (trainer_state.get("stateful_callbacks") or {}).get(TrainingClock.__name__)  # the Trainer's key
    if isinstance(entry, list):
        entry = entry[-1] if entry else None
    return ((entry or {}).get("attributes") or {}).get("elapsed_s")
