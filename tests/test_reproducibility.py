"""From scratch, the smoke run reproduces itself: a second run in a fresh copy of the workflow, every
rule a job on a real one-node Slurm cluster (tests/slurm_cluster.py, the project's profile), gives
byte-identical data files, token audit and exported weights, the same training curve step for step,
the same eval, and provenance records that differ only in the fields they declare not reproducible
(times, the host)."""

import json

import pytest
from conftest import SLURM_SMOKE_PROFILE, copy_workflow, snakemake
from smoke_training import BYTE_IDENTICAL, curve

from pipeline.common import provenance


@pytest.fixture(scope="module")
def slurm_run(cluster, smoke_workdir, tmp_path_factory):
    """(the second run's workdir, Snakemake's output)."""
    workdir = copy_workflow(tmp_path_factory.mktemp("rerun"))
    return workdir, snakemake(workdir, "smoke", *SLURM_SMOKE_PROFILE, env=cluster, timeout=1800).stdout


@pytest.fixture(scope="module")
def rerun(slurm_run):
    return slurm_run[0]


def test_the_second_run_was_every_rule_as_a_slurm_job(slurm_run):
    out = slurm_run[1]
    assert out.count("has been submitted with SLURM jobid") >= 10, out[-4000:]  # every rule, local rules aside
    assert "Invalid generic resource" not in out


@pytest.mark.parametrize("path", BYTE_IDENTICAL)
def test_outputs_are_byte_identical(smoke_workdir, rerun, path):
    assert (rerun / path).read_bytes() == (smoke_workdir / path).read_bytes()


def test_training_curve_is_identical_step_for_step(smoke_workdir, rerun):
    first, second = curve(smoke_workdir), curve(rerun)
    assert len(first) == 10 and first == second


def test_eval_is_identical_but_for_timings(smoke_workdir, rerun):
    def results(workdir):
        report = json.loads((workdir / "results/smoke/eval/smoke.json").read_text())
        for label in ("base", "finetuned"):
            report[label].pop("seconds")
        return report

    assert results(rerun) == results(smoke_workdir)
    samples = "results/smoke/eval/samples.jsonl"
    assert (rerun / samples).read_bytes() == (smoke_workdir / samples).read_bytes()


def test_provenance_differs_only_where_it_says_so(smoke_workdir, rerun):
    records = sorted(p.relative_to(smoke_workdir) for p in (smoke_workdir / "results").rglob("provenance*/*.json"))
    records += [p.relative_to(smoke_workdir) for p in (smoke_workdir / "results/models").rglob("provenance.json")]
    assert len(records) >= 9
    for path in records:
        a, b = (json.loads((w / path).read_text()) for w in (smoke_workdir, rerun))
        assert a["not_reproducible"] == list(provenance.NOT_REPRODUCIBLE)
        for field in set(a) - set(provenance.NOT_REPRODUCIBLE) - {"inputs", "outputs"}:
            assert a[field] == b[field], f"{path}: {field}"
        # Files that hold wall times (train/done.json, eval/smoke.json, summary.html) differ between the
        # runs, and so do their hashes; every other input and output is the same file.
        for files in ("inputs", "outputs"):
            assert a[files].keys() == b[files].keys(), f"{path}: {files}"
            for name, digest in a[files].items():
                if name in BYTE_IDENTICAL:
                    assert b[files][name] == digest, f"{path}: {name}"
        assert a["git"]["commit"] is None or len(a["git"]["commit"]) == 40
