"""Checkpoint manifests, the resume check and pruning (pipeline/trainer/checkpoints.py), on
checkpoint directories laid out as verl 0.9.1 writes them."""

import logging
import os

import pytest

from pipeline.trainer import checkpoints

log = logging.getLogger("test")
SHARD = "model_world_size_1_rank_0.pt"


def save(ckpt_dir, step, strength="sha256", complete=True):
    """A checkpoint of step as verl writes one, its manifest written as the workers write it, the tracker moved."""
    step_dir = ckpt_dir / f"global_step_{step}"
    (step_dir / "huggingface").mkdir(parents=True)
    (step_dir / SHARD).write_bytes(os.urandom(4096) + bytes([step]))
    (step_dir / "data_0.pt").write_bytes(b"loader state %d" % step)
    (step_dir / "huggingface" / "config.json").write_text("{}")
    checkpoints.point_tracker(ckpt_dir, step)
    if complete:
        names = checkpoints.checkpoint_files(step_dir)
        checkpoints.write_manifest(step_dir, step, strength, checkpoints.describe(step_dir, names, strength))
    return step_dir


def set_aside(ckpt_dir):
    """{checkpoint name: reason} of what was moved aside."""
    root = ckpt_dir / checkpoints.SET_ASIDE
    return {p.name.rsplit("-", 2)[0]: p.read_text().strip() for p in root.glob("*.reason.txt")} if root.exists() else {}


def test_a_complete_checkpoint_passes_and_its_manifest_lists_every_file(tmp_path):
    step_dir = save(tmp_path, 2)
    assert checkpoints.problem(step_dir) is None
    manifest = (step_dir / checkpoints.MANIFEST).read_text()
    for name in (SHARD, "data_0.pt", "huggingface/config.json"):
        assert name in manifest


@pytest.mark.parametrize("damage, says", [
    (lambda d: (d / SHARD).write_bytes((d / SHARD).read_bytes()[:1000]), "has 1000 bytes, the manifest says 4097"),
    (lambda d: (d / "data_0.pt").unlink(), "data_0.pt is missing"),
    (lambda d: (d / SHARD).write_bytes(b"\0" + (d / SHARD).read_bytes()[1:]), "SHA-256"),
    (lambda d: (d / checkpoints.MANIFEST).unlink(), "the save did not finish"),
    (lambda d: (d / checkpoints.MANIFEST).write_text("{\"files\": "), "is unreadable"),
])
def test_each_kind_of_damage_is_found_and_named(tmp_path, damage, says):
    step_dir = save(tmp_path, 2)
    damage(step_dir)
    assert says in checkpoints.problem(step_dir)


def test_size_only_manifests_catch_truncation_but_not_a_changed_byte(tmp_path):
    step_dir = save(tmp_path, 2, strength="size")
    (step_dir / SHARD).write_bytes(b"\0" + (step_dir / SHARD).read_bytes()[1:])
    assert checkpoints.problem(step_dir) is None  # the strength `size` claims, no more
    (step_dir / SHARD).write_bytes(b"short")
    assert "has 5 bytes" in checkpoints.problem(step_dir)


def test_resume_falls_back_to_the_newest_complete_checkpoint_and_moves_the_damaged_aside(tmp_path):
    for step in (2, 4, 6):
        save(tmp_path, step)
    (tmp_path / "global_step_6" / SHARD).write_bytes(b"torn")
    assert checkpoints.resume_point(tmp_path, log) == 4
    assert checkpoints.tracked_step(tmp_path) == 4
    assert sorted(checkpoints.step_dirs(tmp_path)) == [2, 4]
    assert "has 4 bytes" in set_aside(tmp_path)["global_step_6"]
    (moved,) = (tmp_path / checkpoints.SET_ASIDE).glob("global_step_6-*[0-9]")
    assert (moved / SHARD).read_bytes() == b"torn"  # kept, not deleted
    assert checkpoints.resume_point(tmp_path, log) == 4  # and nothing more to do


def test_a_tracker_past_the_last_checkpoint_falls_back(tmp_path):
    save(tmp_path, 2)
    save(tmp_path, 4)
    checkpoints.point_tracker(tmp_path, 8)
    assert checkpoints.resume_point(tmp_path, log) == 4
    assert checkpoints.tracked_step(tmp_path) == 4


def test_a_save_that_did_not_finish_is_moved_aside(tmp_path):
    save(tmp_path, 2)
    partial = save(tmp_path, 4, complete=False)
    checkpoints.point_tracker(tmp_path, 2)  # the tracker moves only after the manifest
    (partial / SHARD).write_bytes(b"half")
    assert checkpoints.resume_point(tmp_path, log) == 2
    assert "the save did not finish" in set_aside(tmp_path)["global_step_4"]


def test_a_complete_checkpoint_the_tracker_had_not_reached_yet_is_resumed(tmp_path):
    """Killed between the manifest and the tracker's move: nothing of step 4 is lost."""
    save(tmp_path, 2)
    save(tmp_path, 4)
    checkpoints.point_tracker(tmp_path, 2)
    (tmp_path / checkpoints.PENDING_TRACKER).write_text("4")
    assert checkpoints.resume_point(tmp_path, log) == 4
    assert checkpoints.tracked_step(tmp_path) == 4 and not (tmp_path / checkpoints.PENDING_TRACKER).exists()


def test_no_complete_checkpoint_means_from_the_start(tmp_path):
    save(tmp_path, 2, complete=False)
    assert checkpoints.resume_point(tmp_path, log) == 0
    assert not (tmp_path / checkpoints.TRACKER).exists()


def test_pruning_never_removes_the_last_complete_checkpoint_for_a_damaged_newer_one(tmp_path):
    for step in (2, 4):
        save(tmp_path, step)
    save(tmp_path, 6, complete=False)
    assert checkpoints.prune(tmp_path, keep=1) == [2]
    assert sorted(checkpoints.step_dirs(tmp_path)) == [4, 6]
    assert checkpoints.prune(tmp_path, keep=None) == []
