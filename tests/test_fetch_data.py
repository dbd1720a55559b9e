"""Rule fetch_data through the hub client's own offline path: a Hugging Face cache laid out as
huggingface_hub lays it out (blobs, snapshots/<commit> links, refs, the tree listing written by its
own write_tree_cache), read with HF_HUB_OFFLINE=1 — no mock of the pipeline's code."""

import hashlib
import json
import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from bee_layouts import KEPT_NAMES, write_code_contests, write_prompt_response, write_solutions
from benchmark_layouts import HUB_BENCHMARKS, hub_files
from conftest import ROOT, copy_workflow, planned_rules, snakemake, write_config_override
from huggingface_hub._tree_cache import TreeCacheEntry, write_tree_cache

REPO = "BEE-spoke-data/code_contests_instruct"
COMMIT = "1e43bfcd46c4e8d2f4cc416f0edbcf4c37afbbc8"
SCRIPT = ROOT / "workflow" / "scripts" / "fetch_data.py"


def hub_cache(cache, sources, commit=COMMIT, listed_only=(), repo=REPO):
    """Lay the repository files (repo path -> local file) into `cache` as the hub client does, with
    the commit's tree listing; `listed_only`: repo paths in the listing but never downloaded."""
    storage = cache / f"datasets--{repo.replace('/', '--')}"
    entries = {}
    for repo_path, source in sources.items():
        data = source.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        blob = storage / "blobs" / sha
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        link = storage / "snapshots" / commit / repo_path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
        entries[repo_path] = TreeCacheEntry(size=len(data), blob_id=sha[:40], lfs_sha256=sha, lfs_size=len(data))
    for repo_path in listed_only:
        entries[repo_path] = TreeCacheEntry(size=1, blob_id="0" * 40)
    (storage / "refs").mkdir(parents=True, exist_ok=True)
    (storage / "refs" / "main").write_text(commit)
    write_tree_cache(str(storage), commit, entries)
    return cache


def bee_repo(tmp_path):
    """The repository's data/ and hq-python-deduped/ folders, train/valid/test each."""
    sources = {}
    for folder, write in (("data", write_solutions), ("hq-python-deduped", write_prompt_response)):
        for path in write(tmp_path / "src" / folder).iterdir():
            sources[f"{folder}/{path.name}"] = path
    sources["README.md"] = tmp_path / "src" / "README.md"
    sources["README.md"].write_text("# code_contests_instruct\n")
    return sources


def fetch(tmp_path, cache, folder="data", splits=("train",), held_out=("valid", "test"), revision=COMMIT):
    settings = {"data": {"hub": {"id": REPO, "revision": revision, "folder": folder}, "splits": list(splits),
                         "held_out_splits": list(held_out)}}
    manifest = tmp_path / "out" / "manifest.json"
    env = dict(os.environ, HF_HUB_CACHE=str(cache), HF_HUB_OFFLINE="1")
    proc = subprocess.run([sys.executable, str(SCRIPT), "--settings", json.dumps(settings), "--manifest",
                           str(manifest), "--log", str(tmp_path / "fetch.log")], env=env, capture_output=True,
                          text=True, timeout=120)
    return proc, manifest


def test_fetch_lists_exactly_the_splits_files_of_the_folder_with_their_hashes(tmp_path):
    sources = bee_repo(tmp_path)
    cache = hub_cache(tmp_path / "cache", sources)
    proc, manifest = fetch(tmp_path, cache, splits=["train"], held_out=["valid"])
    assert proc.returncode == 0, proc.stderr
    m = json.loads(manifest.read_text())
    assert m["resolved_revision"] == COMMIT and m["id"] == REPO and m["folder"] == "data"
    assert m["allow_patterns"] == ["data/train-*.parquet", "data/train.jsonl", "data/train/*",
                                   "data/valid-*.parquet", "data/valid.jsonl", "data/valid/*"]
    repo_paths = sorted(f["repo_path"] for f in m["files"])
    assert repo_paths == sorted(p for p in sources if p.startswith(("data/train-", "data/valid-")))
    for f in m["files"]:
        assert f["sha256"] == hashlib.sha256(sources[f["repo_path"]].read_bytes()).hexdigest()
        assert f["bytes"] == sources[f["repo_path"]].stat().st_size
        assert f["split"] == f["repo_path"].split("/")[1].split("-")[0]
        assert pq.read_metadata(f["path"]).num_rows > 0  # the path opens the cached file


def test_a_revision_not_in_the_cache_offline_is_a_clear_error(tmp_path):
    cache = hub_cache(tmp_path / "cache", bee_repo(tmp_path))
    proc, manifest = fetch(tmp_path, cache, revision="0" * 40)
    assert proc.returncode == 1 and not manifest.exists()
    assert f"cannot fetch dataset {REPO}@{'0' * 40} (OfflineModeIsEnabled" in proc.stderr
    assert "set data.source: local" in proc.stderr


def test_an_incomplete_cached_snapshot_is_refused(tmp_path):
    """The tree listing names a train shard the cache lacks (an interrupted download): the hub client
    looks each listed file up in the cache and fails on that one."""
    cache = hub_cache(tmp_path / "cache", bee_repo(tmp_path), listed_only=["data/train-00009-of-00010-ff.parquet"])
    proc, manifest = fetch(tmp_path, cache)
    assert proc.returncode == 1 and not manifest.exists()
    assert f"cannot fetch dataset {REPO}@{COMMIT} (LocalEntryNotFoundError" in proc.stderr


def test_a_folder_without_the_split_says_what_it_has(tmp_path):
    cache = hub_cache(tmp_path / "cache", bee_repo(tmp_path))
    proc, _ = fetch(tmp_path, cache, splits=["train2"], held_out=[])
    assert proc.returncode == 1
    assert "has no files of split(s) ['train2'] in data/" in proc.stderr and "Check data.hub.folder" in proc.stderr


def benchmark_caches(cache, root):
    """Every hub benchmark of the config in `cache` at its pinned revision, in its published layout;
    deepmind/code_contests' snapshot also holds the train shard the execution check takes tests from."""
    for name, benchmark in HUB_BENCHMARKS.items():
        sources = hub_files(name, root / name)
        if name == "code_contests":
            tests = next(write_code_contests(root / "tests").glob("train-*.parquet"))
            sources[f"data/{tests.name}"] = tests
        hub_cache(cache, sources, commit=benchmark["revision"], repo=benchmark["id"])
    return cache


@pytest.mark.workflow
def test_hub_data_flows_from_the_cache_to_the_split_and_a_rerun_fetches_nothing(tmp_path):
    """The data, its tests (deepmind/code_contests) and every benchmark fetched from one offline cache
    at their pinned revisions, as a user's machine would fetch them from the hub."""
    workdir = copy_workflow(tmp_path / "w")
    cache = benchmark_caches(hub_cache(tmp_path / "cache", bee_repo(tmp_path)), tmp_path / "benchmarks")
    hub = {"id": REPO, "revision": COMMIT, "folder": "hq-python-deduped"}
    override = write_config_override(workdir, {"runs": {"smoke": {
        "data": {"source": "hub", "hub": hub, "tests": {"source": "hub"}}, "train": {"data": {"train_batch_size": 1}},
        "filter": {"decontaminate": {"use_hub": sorted(HUB_BENCHMARKS)}}, "split": {"val_ratio": 0.3}}}})
    env = {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    assert planned_rules(workdir, "results/smoke/data/split_report.json", "--configfile", override, env=env) == {
        "fetch_data": 2, "fetch_benchmark": len(HUB_BENCHMARKS), "filter_rows": 1, "near_duplicates": 1,
        "execute_solutions": 2, "gather_filter": 1, "tiny_model": 1, "count_tokens": 1, "split_by_problem": 1}
    snakemake(workdir, "results/smoke/data/split_report.json", "--configfile", override, env=env)
    key = f"hub/BEE-spoke-data--code_contests_instruct@{COMMIT[:12]}/hq-python-deduped/test+train+valid"
    manifest = json.loads((workdir / "results/data" / key / "manifest.json").read_text())
    report = json.loads((workdir / "results/smoke/data/filter_report.json").read_text())
    assert sorted(report["files"]) == sorted(f["path"] for f in manifest["files"])
    assert {i["layout"] for i in report["files"].values()} == {"prompt_response"}
    provenance = json.loads((workdir / "results/smoke/provenance/filter_rows.json").read_text())
    assert any(p.endswith(f"{key}/manifest.json") for p in provenance["inputs"])  # rows -> manifest -> commit
    assert report["contaminated_by"] == {"humaneval": 0} | {name: 0 for name in HUB_BENCHMARKS}
    for name, benchmark in HUB_BENCHMARKS.items():
        fetched = json.loads((workdir / f"results/data/benchmarks/{name}@{benchmark['revision'][:12]}/manifest.json")
                             .read_text())
        assert sorted(f["repo_path"] for f in fetched["files"]) == sorted(
            p for p in hub_files(name, tmp_path / "check" / name) if p.endswith((".parquet", ".jsonl")))
    verification = report["verification"]  # the kept rows' tests came from deepmind/code_contests' train shard
    assert verification["verdicts"]["accepted"] == verification["executed"] == len(KEPT_NAMES)
    assert verification["calibration"]["incorrect_executed"] == len(KEPT_NAMES)
    assert verification["calibration"]["incorrect_fail_rate"] == 1.0
    names = set(pq.read_table(workdir / "results/smoke/data/sft_train.parquet")["name"].to_pylist())
    assert names and names.isdisjoint({"2B. Valid max", "3C. Test sum", "1A. Mirror"})
    assert planned_rules(workdir, "results/smoke/data/split_report.json", "--configfile", override, env=env) == {}
