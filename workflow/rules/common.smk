import hashlib
import os
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

SCRIPTS = Path(workflow.basedir, "workflow", "scripts")
sys.path.insert(0, str(SCRIPTS))
from pipeline.common.code_inputs import closure
from pipeline.common.settings import as_json, merged, projected
from pipeline.common.versions import installed_versions
from pipeline.data.layouts import file_split

RUNS = sorted(config["runs"])
# The same for every run: not overridable per run.
SHARED_KEYS = ("runs", "tiny_model", "verl_check")


def _validated(settings, what):
    try:
        validate(settings, "../schemas/config.schema.yaml")
    except WorkflowError as e:
        raise WorkflowError(f"config: {what} is invalid:\n{e}") from None
    return settings


def _run_configs():
    base = {k: v for k, v in config.items() if k not in ("runs", "run")}
    runs = {}
    for run in RUNS:
        override = config["runs"][run] or {}
        for key in SHARED_KEYS:
            if key in override:
                raise WorkflowError(f"config: runs.{run}.{key} cannot be set per run")
        runs[run] = _validated(merged(base, override), f"run '{run}'")
    return runs


RUN_CONFIG = _run_configs()
# The run whose data stages the `data` target builds: snakemake data --config run=smoke
DATA_RUN = config.get("run", "main")
if DATA_RUN not in RUNS:
    raise WorkflowError(f"config: run={DATA_RUN} is not one of the runs {RUNS}")


def hub_key(hub, splits):
    """Where a hub dataset is described under results/data/: hub/<org>--<name>@<sha12>/<folder>/
    <the splits fetched, joined by +>."""
    return f"hub/{'--'.join(Path(hub['id']).parts)}@{hub['revision'][:12]}/{hub['folder']}/{'+'.join(sorted(splits))}"


def dataset_key(run):
    d = RUN_CONFIG[run]["data"]
    return hub_key(d["hub"], set(d["splits"]) | set(d["held_out_splits"]))


def tests_key(run):
    t = RUN_CONFIG[run]["data"]["tests"]
    return hub_key(t["hub"], t["splits"])


# The settings behind each hub dataset key (the training data, the tests), for the rule that fetches it.
DATASETS = {
    dataset_key(run): RUN_CONFIG[run]["data"]
    for run in RUNS
    if RUN_CONFIG[run]["data"]["source"] == "hub"
} | {
    tests_key(run): {
        "hub": RUN_CONFIG[run]["data"]["tests"]["hub"],
        "splits": RUN_CONFIG[run]["data"]["tests"]["splits"],
        "held_out_splits": [],
    }
    for run in RUNS
    if RUN_CONFIG[run]["data"]["tests"]["source"] == "hub"
}


# The settings of filter_rows' per-row checks: not the near-duplicate and execution settings, nor the
# hub benchmarks' definitions (their fetched files are inputs), so a change there reruns only its step.
ROW_CHECK_KEYS = tuple(
    f"filter.{key}"
    for key in (
        "empty",
        "invalid_text",
        "languages",
        "python_syntax",
        "solution_chars",
        "description_chars",
        "dedup",
        "held_out_min_overlap",
        "rejected_excerpt_chars",
        "decontaminate.enabled",
        "decontaminate.ngram",
        "decontaminate.humaneval",
        "decontaminate.statement_min_overlap",
        "decontaminate.use_hub",
        "decontaminate.benchmarks",
    )
)

# Benchmarks on the hub, by name (shared by every run: a run chooses which with use_hub).
HUB_BENCHMARKS = config["filter"]["decontaminate"]["hub"]


def hub_benchmark_manifests(wildcards):
    decontaminate = RUN_CONFIG[wildcards.run]["filter"]["decontaminate"]
    if not decontaminate["enabled"]:
        return []
    unknown = sorted(set(decontaminate["use_hub"]) - set(HUB_BENCHMARKS))
    if unknown:
        raise WorkflowError(
            f"run '{wildcards.run}': filter.decontaminate.use_hub names {unknown}, not in filter.decontaminate.hub"
        )
    return [
        f"results/data/benchmarks/{name}@{HUB_BENCHMARKS[name]['revision'][:12]}/manifest.json"
        for name in decontaminate["use_hub"]
    ]


def code_contests_files(run, key, path, splits):
    """The .jsonl/.parquet files at a local path in code_contests' schema (a file, or a folder's
    files) whose split, by file name, is one of splits; an error names the setting when none is.
    """
    if path is None:
        raise WorkflowError(
            f"run '{run}': {key}.source is local but {key}.path is not set"
        )
    path = Path(path)
    files = (
        sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet"))
        if path.is_dir()
        else [path] if path.exists() else []
    )
    files = [p for p in files if (file_split(p) or "train") in splits]
    if not files:
        raise WorkflowError(
            f"run '{run}': {key}.path {path} holds no .jsonl or .parquet file of the splits {splits} "
            "(deepmind/code_contests' schema; a file's split comes from its name: train-*.parquet, valid.jsonl)"
        )
    return [str(p) for p in files]


def tests_files(wildcards):
    """The run's tests source (data.tests): its files, the fetched tests' manifest, or none."""
    tests = RUN_CONFIG[wildcards.run]["data"]["tests"]
    if tests["source"] == "hub":
        return [f"results/data/{tests_key(wildcards.run)}/manifest.json"]
    if tests["source"] == "none":
        return []
    return code_contests_files(
        wildcards.run, "data.tests", tests["path"], tests["splits"]
    )


def tests_flag(wildcards):
    hub = RUN_CONFIG[wildcards.run]["data"]["tests"]["source"] == "hub"
    return "--tests-manifest" if hub else "--tests"


def contest_files(wildcards):
    """The contest eval's problems (eval.contests): the fetched benchmark's manifest, its files, or none."""
    contests = RUN_CONFIG[wildcards.run]["eval"]["contests"]
    if contests["source"] == "none":
        return []
    if contests["source"] == "local":
        return code_contests_files(
            wildcards.run, "eval.contests", contests["path"], contests["splits"]
        )
    name = contests["benchmark"]
    if HUB_BENCHMARKS.get(name, {}).get("layout") != "code_contests":
        raise WorkflowError(
            f"run '{wildcards.run}': eval.contests.benchmark {name!r} is not a benchmark of "
            "filter.decontaminate.hub in the code_contests layout"
        )
    return [
        f"results/data/benchmarks/{name}@{HUB_BENCHMARKS[name]['revision'][:12]}/manifest.json"
    ]


def contests_flag(wildcards):
    source = RUN_CONFIG[wildcards.run]["eval"]["contests"]["source"]
    return {"hub": "--contest-manifest", "local": "--contest-files", "none": ""}[source]


def execution_shards(run, suffix):
    """The execution check's shard outputs of a run (none when filter.verify is off)."""
    verify = RUN_CONFIG[run]["filter"]["verify"]
    if not verify["enabled"]:
        return []
    n = verify["shards"]
    return [f"results/{run}/filter/executions/{i}-of-{n}.{suffix}" for i in range(n)]


def raw_files(wildcards):
    """The run's raw BEE files (a directory expanded, so that editing one file is noticed), or with
    data.source: hub, the manifest of the fetched files."""
    data = RUN_CONFIG[wildcards.run]["data"]
    if data["source"] == "hub":
        return [f"results/data/{dataset_key(wildcards.run)}/manifest.json"]
    raw = Path(data["raw"])
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
            f"runs.{wildcards.run}.data.raw) in config/config.yaml at your BEE JSONL/Parquet data, "
            "or set data.source: hub to fetch it"
        )
    return [str(raw)]


def raw_flag(wildcards):
    """How filter_rows is given its input: the raw files, or the fetched data's manifest."""
    hub = RUN_CONFIG[wildcards.run]["data"]["source"] == "hub"
    return "--source-manifest" if hub else "--raw"


def settings(*keys):
    """A rule's settings param: the run's config cut down to these dotted keys, nested as in the
    config (pipeline/common/settings.py); the rule's script reads them in that shape."""
    return lambda wildcards: as_json(projected(RUN_CONFIG[wildcards.run], *keys))


def split_settings(wildcards):
    """Under over_length: truncate the split keeps every row whatever max_length is, so only the
    other policies make it a setting of the split (a max_length change then reruns the audit only).
    """
    keys = ["split", "audit.over_length", "train.data.train_batch_size"]
    if RUN_CONFIG[wildcards.run]["audit"]["over_length"] != "truncate":
        keys.append("train.data.max_length")
    return settings(*keys)(wildcards)


# The settings the step arithmetic needs (and no others, so that e.g. an lr change does not rerun
# the length audit).
PLAN_KEYS = (
    "audit.over_length",
    "split.val_ratio",
    "train.gpus",
    "train.data.train_batch_size",
    "train.data.max_length",
    "train.optim.lr_warmup_steps_ratio",
    "train.trainer.total_epochs",
    "train.trainer.total_training_steps",
    "train.trainer.save_freq",
    "train.trainer.max_ckpt_to_keep",
)


def verl_check_settings():
    """The verl check's probe: the top-level train settings with config verl_check.train merged on
    top, validated as any run's train settings are."""
    base = {k: v for k, v in config.items() if k not in ("runs", "run")}
    probe = merged(base["train"], config["verl_check"]["train"])
    _validated(merged(base, {"train": probe}), "verl_check.train (merged onto train)")
    return as_json({"verl_check": {"train": probe}})


def rule_code(script):
    """The rule script workflow/scripts/<script>.py and every project module it reaches
    (pipeline/common/code_inputs.py). Declared as inputs, so an edit reruns the job and a touch does
    not (inputs under 1 MB are compared by checksum). Relative to the working directory, so a moved
    or cloned project reruns nothing."""
    return [os.path.relpath(f) for f in closure(SCRIPTS / f"{script}.py")]


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


def provenance_records(wildcards):
    """Every job's provenance record behind a run's results, in data order."""
    run = wildcards.run
    stages = (
        "filter_rows",
        "near_duplicates",
        "gather_filter",
        "count_tokens",
        "audit_lengths",
        "split_by_problem",
        "train_sft",
        "export",
        "smoke_eval",
    )
    shards = [
        f"results/{run}/provenance/execute_solutions/{Path(p).stem}.json"
        for p in execution_shards(run, "parquet")
    ]
    return (
        [
            f"results/models/{model_key(run)}/provenance.json",
            "results/provenance/verl_check.json",
        ]
        + [f"results/{run}/provenance/{stage}.json" for stage in stages]
        + shards
    )


def nodes(wildcards):
    return RUN_CONFIG[wildcards.run]["train"]["nodes"]


def on_cpu(wildcards):
    """Whether the run trains on CPU ranks whatever the machine has (train.device: cpu)."""
    return RUN_CONFIG[wildcards.run]["train"]["device"] == "cpu"


def gpus_per_node(wildcards, resources):
    """On one node, the GPUs Snakemake granted (it scales `gpu` down to --resources gpu=M); on
    several, or when training on the CPU, train.gpus on each."""
    return (
        resources.gpu
        if nodes(wildcards) == 1 and not on_cpu(wildcards)
        else RUN_CONFIG[wildcards.run]["train"]["gpus"]
    )
