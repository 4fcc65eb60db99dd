"""Score the LM head only where the loss is: the speed-up that makes CPU training practical.

Why: Gemma-3's 262k-token LM head is ~60% of the model's weights, and in our conversations only the model's own
turns carry loss (a few dozen tokens of a ~900-token row, most of it the fixed system turn). TRL 1.16's fused LM
head (``trl.trainer.utils.add_fused_lm_head``) projects only the positions with a label when it runs on a Triton
device, but on every position elsewhere -- to keep tile shapes fixed for compilers on accelerators such as
Neuron, which does not apply to eager CPU or CUDA without Triton. ``score_only_labelled_positions`` makes it
compact on every device. The loss, gradients and metrics are the same numbers (positions without a label are
zeroed either way; ``tests/test_finetune_train.py`` checks it); only the work changes.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import trl.trainer.utils as trl_utils

_ORIGINAL: Callable[[torch.device], bool] = trl_utils._use_triton


def score_only_labelled_positions(enabled: bool = True) -> None:
    """Make TRL's fused LM head project only positions whose label is not ``-100`` (``enabled``), or restore
    TRL's own choice. Applies to trainers whose model runs a forward after the call."""
    trl_utils._use_triton = (lambda device: True) if enabled else _ORIGINAL
