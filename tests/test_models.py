"""Base models: the tiny model is reproducible; hub downloads and local models get manifests."""

import json
import shutil
import types

import httpx
import pytest

import download_model
import tiny_model
from pipeline.common.cli import PipelineError
from pipeline.common.models import check_model_dir
from conftest import ROOT, planned_rules, write_config_override

REVISION = "c03e6d358207e414f1eca0bb1891e29f1db0e242"
TINY = {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
        "num_key_value_heads": 2, "seed": 0}


def test_tiny_model_is_byte_for_byte_reproducible(tmp_path):
    template = (ROOT / "resources/chat_template.jinja").read_text()
    for name in ("a", "b"):
        tiny_model.build(TINY, template, tmp_path / name)
    for f in ("model.safetensors", "config.json", "tokenizer.json", "chat_template.jinja"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def fake_hub(monkeypatch, source_dir, sha=REVISION):
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", lambda self, repo, revision: types.SimpleNamespace(sha=sha))

    def snapshot_download(repo, revision, local_dir, allow_patterns):
        shutil.copytree(source_dir, local_dir, dirs_exist_ok=True)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)


def test_hub_download_writes_a_manifest_with_revision_and_files(smoke_workdir, monkeypatch, tmp_path):
    fake_hub(monkeypatch, smoke_workdir / "results/models/tiny/hf")
    manifest = tmp_path / "hub/Qwen--X@c03e6d358207/manifest.json"
    p = download_model.cli.parser("x")
    p.add_argument("--settings")
    p.add_argument("--manifest")
    settings = json.dumps({"model": {"hub_id": "Qwen/X", "revision": REVISION}})
    download_model.cli.run(download_model.main, p, ["--settings", settings, "--manifest", str(manifest)])
    info = json.loads(manifest.read_text())
    assert info["source"] == "hub" and info["revision"] == info["resolved_revision"] == REVISION
    assert info["path"] == str(manifest.parent / "hf")
    assert info["parameters"] == 9798208
    assert info["files"]["model.safetensors"]["bytes"] == (manifest.parent / "hf/model.safetensors").stat().st_size


def test_hub_unreachable_is_a_clear_error(monkeypatch, tmp_path):
    import huggingface_hub

    def offline(self, repo, revision):
        raise httpx.ConnectError("[Errno -2] Name or service not known")

    monkeypatch.setattr(huggingface_hub.HfApi, "model_info", offline)
    with pytest.raises(PipelineError, match=r"cannot download Qwen/X@c03e.* set model.source: local and model.local_path"):
        download_model.download("Qwen/X", REVISION, tmp_path)


def test_local_model_must_be_a_safetensors_hf_directory(tmp_path):
    with pytest.raises(PipelineError, match="not a Hugging Face model directory"):
        check_model_dir(tmp_path)
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(PipelineError, match="no .safetensors weights"):
        check_model_dir(tmp_path)


def test_main_run_downloads_the_pinned_hub_model(smoke_workdir, tmp_path):
    raw = ROOT / "resources/sample/bee/problems.jsonl"
    override = write_config_override(tmp_path, {"runs": {"main": {"data": {"raw": str(raw)}}}})
    plan = planned_rules(smoke_workdir, "train", "--configfile", override)
    assert plan["download_model"] == 1 and plan["filter_rows"] == 1 and plan["train_sft"] == 1
