import copy
import hashlib
import json
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

SCRIPTS = Path(workflow.basedir, "workflow", "scripts")
sys.path.insert(0, str(SCRIPTS))
from package_versions import installed_versions

RUNS = sorted(config["runs"])
SHARED_KEYS = ("runs", "tiny_model")  # the same for every run: not overridable per run


def _merged(base, override):
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _run_configs():
    base = {k: v for k, v in config.items() if k not in ("runs", "run")}
    runs = {}
    for run in RUNS:
        override = config["runs"][run] or {}
        for key in SHARED_KEYS:
            if key in override:
                raise WorkflowError(f"config: runs.{run}.{key} cannot be set per run")
        merged = _merged(base, override)
        try:
            validate(merged, "../schemas/config.schema.yaml")
        except WorkflowError as e:
            raise WorkflowError(f"config: run '{run}' is invalid:\n{e}") from None
        runs[run] = merged
    return runs


RUN_CONFIG = _run_configs()
# The run whose data stages the `data` target builds: snakemake data --config run=smoke
DATA_RUN = config.get("run", "main")
if DATA_RUN not in RUNS:
    raise WorkflowError(f"config: run={DATA_RUN} is not one of the runs {RUNS}")


def raw_files(wildcards):
    """The run's raw BEE files; a directory is expanded so that editing one file is noticed."""
    raw = Path(RUN_CONFIG[wildcards.run]["data"]["raw"])
    if raw.is_dir():
        files = sorted(
            p
            for p in raw.rglob("*")
            if p.suffix in (".jsonl", ".parquet") and p.is_file()
        )
        if not files:
            raise WorkflowError(
                f"run '{wildcards.run}': data.raw {raw} holds no .jsonl or .parquet files"
            )
        return [str(p) for p in files]
    if not raw.exists():
        raise WorkflowError(
            f"run '{wildcards.run}': data.raw {raw} does not exist; point data.raw (or "
            f"runs.{wildcards.run}.data.raw) in config/config.yaml at your BEE JSONL/Parquet data"
        )
    return [str(raw)]


def filter_settings(wildcards):
    c = RUN_CONFIG[wildcards.run]
    return json.dumps(
        {
            "columns": c["data"]["columns"],
            "chat": c["data"]["chat"],
            "filter": c["filter"],
        },
        sort_keys=True,
    )


# The frame shared by every script (arguments, logging, errors, provenance records)
FRAME = ("cli.py", "provenance.py", "package_versions.py", "model_files.py")


def scripts(script, *modules):
    """Paths of a job's script, the modules it imports and the shared frame. Declared as inputs,
    so an edit reruns the job and a touch does not (inputs under 1 MB are compared by checksum).
    Relative to the working directory, so a moved or cloned project reruns nothing."""
    names = dict.fromkeys((script, *modules, *FRAME))
    return [os.path.relpath(SCRIPTS / name) for name in names]


def model_key(run):
    """Where a run's base model lives under results/models/: tiny, hub/<org>--<name>@<sha12>, or
    local/<name>-<hash of the path>."""
    m = RUN_CONFIG[run]["model"]
    if m["source"] == "tiny":
        return "tiny"
    if m["source"] == "hub":
        return f"hub/{'--'.join(Path(m['hub_id']).parts)}@{m['revision'][:12]}"
    path = str(Path(m["local_path"]).resolve())
    return f"local/{Path(path).name}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"


# The model settings behind each hub/local model key, for the rules that fetch or describe them.
MODELS = {model_key(run): RUN_CONFIG[run]["model"] for run in RUNS}


def model_manifest(wildcards):
    return f"results/models/{model_key(wildcards.run)}/manifest.json"


def trust_remote_code_flag(wildcards):
    return (
        "--trust-remote-code"
        if RUN_CONFIG[wildcards.run]["model"]["trust_remote_code"]
        else ""
    )


def plan_settings(wildcards):
    """The training settings the step arithmetic needs (and no others, so that e.g. an lr change
    does not rerun the length audit)."""
    t = RUN_CONFIG[wildcards.run]["train"]
    plan = {
        "gpus": t["gpus"],
        "data": {k: t["data"][k] for k in ("train_batch_size", "max_length")},
        "optim": {"lr_warmup_steps_ratio": t["optim"]["lr_warmup_steps_ratio"]},
        "trainer": {
            k: t["trainer"][k]
            for k in (
                "total_epochs",
                "total_training_steps",
                "save_freq",
                "max_ckpt_to_keep",
            )
        },
    }
    c = RUN_CONFIG[wildcards.run]
    return json.dumps(
        {
            "over_length": c["audit"]["over_length"],
            "val_ratio": c["split"]["val_ratio"],
            "train": plan,
        },
        sort_keys=True,
    )


def split_settings(wildcards):
    c = RUN_CONFIG[wildcards.run]
    s = {
        "val_ratio": c["split"]["val_ratio"],
        "seed": c["split"]["seed"],
        # verl reports val/loss NaN when validation holds fewer rows than one global batch.
        "min_val_rows": c["train"]["data"]["train_batch_size"],
        "over_length": c["audit"]["over_length"],
    }
    if s["over_length"] != "truncate":
        s["max_length"] = c["train"]["data"]["max_length"]
    return json.dumps(s, sort_keys=True)


def data_outputs(run):
    """What the data stages of a run deliver."""
    return [
        f"results/{run}/data/filter_report.json",
        f"results/{run}/audit/audit_report.json",
        f"results/{run}/audit/length_hist.png",
        f"results/{run}/data/split_report.json",
    ]


def run_outputs(run):
    """What a run delivers end to end."""
    return data_outputs(run) + [f"results/{run}/summary.html"]


def train_settings(wildcards):
    return json.dumps(RUN_CONFIG[wildcards.run]["train"], sort_keys=True)


def provenance_records(wildcards):
    """Every job's provenance record behind a run's results, in data order."""
    run = wildcards.run
    stages = (
        "filter_rows",
        "count_tokens",
        "audit_lengths",
        "split_by_problem",
        "train_sft",
        "export",
        "smoke_eval",
    )
    return [
        f"results/models/{model_key(run)}/provenance.json",
        "results/provenance/verl_check.json",
    ] + [f"results/{run}/provenance/{stage}.json" for stage in stages]


def nodes(wildcards):
    return RUN_CONFIG[wildcards.run]["train"]["nodes"]


def gpus_per_node(wildcards, resources):
    """On one node, the GPUs Snakemake granted (it scales `gpu` down to --resources gpu=M); on
    several, train.gpus on each."""
    return (
        resources.gpu
        if nodes(wildcards) == 1
        else RUN_CONFIG[wildcards.run]["train"]["gpus"]
    )
