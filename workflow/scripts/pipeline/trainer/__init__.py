"""Driving verl's SFT trainer: which one the installed verl has (select), the Hydra overrides made
from the pipeline's train settings (overrides, current, legacy), the torchrun launch (launch), step
arithmetic (plan) and per-step metrics (metrics)."""
