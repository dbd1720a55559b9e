"""Loaded into every verl worker (VERL_USE_EXTERNAL_MODULES): selective activation checkpointing,
only the first PIPELINE_CHECKPOINTED_LAYERS decoder layers, where verl checkpoints all or none.

verl 0.9.1 turns checkpointing on with transformers' `gradient_checkpointing_enable`, which sets
`gradient_checkpointing` on every GradientCheckpointingLayer (each decoder layer). After it, the
layers from index N on have it set back to False: they keep their activations for the backward,
and only the first N rebuild theirs (pipeline/trainer/memory.py says why the first). Without the
variable, or with N at least the number of layers, verl's behaviour is unchanged."""

import functools
import logging
import os

from transformers import PreTrainedModel
from transformers.modeling_layers import GradientCheckpointingLayer

log = logging.getLogger(__name__)
_enable = PreTrainedModel.gradient_checkpointing_enable


@functools.wraps(_enable)
def _enable_first_layers(self, *args, **kwargs):
    _enable(self, *args, **kwargs)
    count = os.environ.get("PIPELINE_CHECKPOINTED_LAYERS")
    if not count:
        return
    layers = [m for m in self.modules() if isinstance(m, GradientCheckpointingLayer)]
    for layer in layers[int(count):]:
        layer.gradient_checkpointing = False
    log.info("activation checkpointing: the first %d of %d layers", min(int(count), len(layers)), len(layers))


PreTrainedModel.gradient_checkpointing_enable = _enable_first_layers
