"""The fine-tuning data generator (``graph-agent finetune data``): SFT conversations, DPO pairs and the eval
question file, synthesised from seeded graph families and our own phrasing templates, with every fact computed
by the real graph tools and every row rendered by the agent's own template.

Modules, one concern each: ``names`` (node names), ``families`` (graph generators), ``notations`` (graphs
written inside questions), ``templates`` (question wording and styles), ``turns`` + ``tasks_*`` (one question's
calls and grounded answer), ``catalog`` (task weights), ``splits`` (held-out families and templates),
``conversations`` (a whole conversation as the agent holds it), ``negatives`` (DPO failures), ``eval_records``
(the eval file and its graph files) and ``writer`` (``generate``).
"""

from finetune.data.writer import SIZES, generate, parse_sizes

__all__ = ["SIZES", "generate", "parse_sizes"]
