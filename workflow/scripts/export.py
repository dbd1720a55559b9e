"""Rule export: the final checkpoint as a Hugging Face model directory (config, safetensors,
tokenizer, chat template, generation config) in the configured dtype, loadable with
AutoModelForCausalLM.from_pretrained and laid out as vLLM expects.

Verified, not assumed: the checkpoint must match its manifest first (pipeline/trainer/checkpoints.py:
a torn or changed file is refused, naming it), then the export is reloaded and compared with the
checkpoint's own FSDP shards (merged here in full precision), weight by weight and by the logits
of a probe batch."""

import json
import logging
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import torch

from pipeline.common import cli
from pipeline.trainer import checkpoints

log = logging.getLogger("pipeline")

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "vocab.json", "merges.txt",
                   "special_tokens_map.json", "added_tokens.json", "generation_config.json")
# Logits of the same weights through the same ops on one device agree to rounding; a corrupted or
# mismatched export differs by orders of magnitude more.
LOGIT_TOLERANCE = 1e-3


def merged_shards(step_dir):
    """The full state dict of an FSDP2 checkpoint (model_world_size_W_rank_R.pt): each rank's local
    DTensor pieces concatenated along their sharded dimension, in the weights' own dtype."""
    from torch.distributed.tensor import DTensor

    world = json.loads((Path(step_dir) / "fsdp_config.json").read_text())["world_size"]
    shards = [
        torch.load(Path(step_dir) / f"model_world_size_{world}_rank_{r}.pt", map_location="cpu", weights_only=False)
        for r in range(world)
    ]
    merged = {}
    for key, first in shards[0].items():
        if isinstance(first, DTensor):
            (placement,) = first.placements
            pieces = [s[key].to_local() for s in shards]
            merged[key] = pieces[0] if placement.is_replicate() else torch.cat(pieces, dim=placement.dim)
        else:
            merged[key] = first
    return merged


def model_from_state(config_dir, state, dtype, device):
    """The model of config_dir with the state's weights, built on device without a random init
    (initialising a 7B model on a CPU alone takes minutes; every weight is overwritten)."""
    from transformers import AutoConfig, AutoModelForCausalLM
    from transformers.initialization import no_init_weights

    config = AutoConfig.from_pretrained(config_dir)
    with torch.device(device), no_init_weights():
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    missing, unexpected = model.load_state_dict({k: v.to(dtype) for k, v in state.items()}, strict=False)
    if unexpected or set(missing) - {"lm_head.weight"}:  # a tied lm_head is not stored
        raise cli.PipelineError(f"checkpoint and model disagree: missing {missing}, unexpected {unexpected}")
    if missing:
        model.tie_weights()
    return model.eval()


def probe_batch(tokenizer, val_files, rows=2, tokens=128):
    messages = pq.read_table(val_files, columns=["messages"]).column("messages").to_pylist()[:rows]
    ids = [tokenizer.apply_chat_template(m, tokenize=True, return_dict=True)["input_ids"][:tokens] for m in messages]
    n = min(len(x) for x in ids)
    return torch.tensor([x[:n] for x in ids])


def export(step_dir, base_dir, out_dir, dtype_name):
    """Write the export: the checkpoint's hf_model weights in dtype, the base model's config and
    the tokenizer files saved with the checkpoint."""
    from transformers import AutoConfig, AutoModelForCausalLM

    hf_dir = Path(step_dir) / "huggingface"
    if not (hf_dir / "config.json").exists():
        raise cli.PipelineError(f"{hf_dir} is missing: train.checkpoint.save_contents must include hf_model")
    dtype = DTYPES[dtype_name]
    # verl's hf_model config records bfloat16 whatever the weights are, and drops bos_token_id;
    # training changes no config field, so the export keeps the base model's config.
    config = AutoConfig.from_pretrained(base_dir)
    config.dtype = dtype
    model = AutoModelForCausalLM.from_pretrained(hf_dir, config=config, dtype=dtype)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    model.save_pretrained(out_dir)
    for name in TOKENIZER_FILES:
        for source in (hf_dir / name, Path(base_dir) / name):
            if source.exists():
                shutil.copy2(source, out_dir / name)
                break


def verify(out_dir, step_dir, dtype_name, val_files):
    """Compare the reloaded export with the checkpoint's shards; return the check's numbers. On the
    GPU where there is one (on 4 H100s the 7B check spent 7 minutes on the CPU), one model at a time:
    the probe's fp32 copy of a 7B model is 30 GB."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = DTYPES[dtype_name]
    shards = merged_shards(step_dir)
    exported = AutoModelForCausalLM.from_pretrained(out_dir, dtype=dtype).to(device).eval()
    exported_state = exported.state_dict()
    missing = sorted(set(shards) - set(exported_state))
    if missing:
        raise cli.PipelineError(f"the export lacks checkpoint tensors {missing[:5]}")
    weight_diff = max((exported_state[k].float() - v.to(device, dtype).float()).abs().max().item()
                      for k, v in shards.items())
    ids = probe_batch(AutoTokenizer.from_pretrained(out_dir), val_files).to(device)
    with torch.no_grad():
        got = exported.float()(ids).logits
    del exported, exported_state
    reference = model_from_state(out_dir, shards, dtype, device)
    with torch.no_grad():
        want = reference.float()(ids).logits
    logit_diff = (got - want).abs().max().item()
    return {
        "dtype": dtype_name,
        "device": device,
        "tensors": len(shards),
        "max_weight_diff": weight_diff,
        "max_logit_diff": logit_diff,
        "logit_tolerance": LOGIT_TOLERANCE,
        "probe_tokens": list(ids.shape),
        "passed": weight_diff == 0.0 and logit_diff <= LOGIT_TOLERANCE,
    }


def main(args):
    done = json.load(open(args.done))
    step_dir = Path(done["checkpoint"])
    base_dir = json.load(open(args.model_manifest))["path"]
    out_dir = Path(args.out_dir)
    dtype = json.loads(args.settings)["export"]["dtype"]
    if done.get("checkpoint_verify"):  # the trainer wrote manifests (verl 0.9.1's does, the legacy one not)
        reason = checkpoints.problem(step_dir)
        if reason:
            raise cli.PipelineError(f"refusing to export checkpoint {step_dir}: {reason}. Rerun training: the "
                                    "train rule moves a damaged checkpoint aside and retrains from the newest complete one")
    export(step_dir, base_dir, out_dir, dtype)
    check = verify(out_dir, step_dir, dtype, args.val_files)
    report = {"checkpoint": str(step_dir), "step": done["final_step"], "export_dir": str(out_dir), "check": check}
    if not check["passed"]:
        raise cli.PipelineError(
            f"the export in {out_dir} does not match checkpoint {step_dir}: max weight diff "
            f"{check['max_weight_diff']:.3g} (must be 0), max logit diff {check['max_logit_diff']:.3g} "
            f"(tolerance {LOGIT_TOLERANCE})"
        )
    cli.write_json(args.report, report)
    log.info("exported step %d to %s (%s); weights identical to the shards, logits within %.3g",
             done["final_step"], out_dir, dtype, check["max_logit_diff"])


if __name__ == "__main__":
    p = cli.parser(__doc__)
    cli.inputs(p, "--done", required=True, help="the train rule's done.json")
    cli.inputs(p, "--model-manifest", required=True, help="the base model's manifest")
    cli.inputs(p, "--val-files", required=True, help="rows for the probe batch")
    p.add_argument("--settings", required=True, help="JSON: {export: {dtype}}")
    cli.outputs(p, "--out-dir", required=True)
    cli.outputs(p, "--report", required=True)
    cli.run(main, p)
