"""Checkpoints a resume can trust.

verl writes global_step_N/ and then points latest_checkpointed_iteration.txt (the tracker) at it;
it never reads a file back, so a checkpoint torn by a kill, a full disk or a bad copy is found only
when the resume fails, on every rerun alike. Here each checkpoint gets a manifest once every rank's
files are written (workers/checkpoint_manifest.py): each file's size and, with
train.checkpoint.verify: sha256 (the default), its SHA-256. A checkpoint is complete when its
manifest exists and every file it lists is there with that size (and digest). `size` catches
truncated and missing files; only `sha256` catches a changed byte of the same length.

Before a launch resumes, the tracker's checkpoint is checked; one that fails, and any newer
directory (a save that never finished), is moved aside into set_aside/ with the reason beside it,
never deleted, and the tracker is pointed at the newest complete checkpoint. Old checkpoints are
pruned here too, after the new one is complete, so that max_ckpt_to_keep never removes the last
complete checkpoint for a newer one that is not."""

import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

MANIFEST = "manifest.json"
TRACKER = "latest_checkpointed_iteration.txt"  # verl's name
PENDING_TRACKER = TRACKER + ".pending"  # where verl's save writes it until the manifest is written
SET_ASIDE = "set_aside"
STEP_DIR = re.compile(r"global_step_(\d+)$")
STRENGTHS = ("sha256", "size")
# A stop request to the workers (written by launch.launch on a signal) and their answer
# (workers/preemption.py), both in the checkpoint directory.
STOP_FILE = "stop.requested"
PREEMPTED_FILE = "preempted.json"


def step_dirs(ckpt_dir):
    """{step: directory} of the checkpoints in ckpt_dir."""
    found = {}
    for path in Path(ckpt_dir).glob("global_step_*"):
        match = STEP_DIR.match(path.name)
        if match and path.is_dir():
            found[int(match.group(1))] = path
    return found


def tracked_step(ckpt_dir):
    """The step verl's tracker names (0: none)."""
    tracker = Path(ckpt_dir) / TRACKER
    return int(tracker.read_text().strip()) if tracker.exists() else 0


def point_tracker(ckpt_dir, step):
    """Point verl's tracker at step (atomically, as verl writes it); step 0 removes it."""
    tracker = Path(ckpt_dir) / TRACKER
    if step == 0:
        tracker.unlink(missing_ok=True)
        return
    tmp = tracker.with_suffix(".tmp")
    tmp.write_text(str(step))
    os.replace(tmp, tracker)


def checkpoint_files(step_dir):
    """Every file of a checkpoint but its manifest, relative to it, largest first (for hashing in parallel)."""
    step_dir = Path(step_dir)
    files = [p for p in step_dir.rglob("*") if p.is_file() and p.name != MANIFEST]
    return [str(p.relative_to(step_dir)) for p in sorted(files, key=lambda p: (-p.stat().st_size, str(p)))]


def sha256_of(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def describe(step_dir, names, strength, threads=8):
    """{name: {bytes[, sha256]}} of the named files, hashed on threads (hashlib releases the GIL)."""
    step_dir = Path(step_dir)

    def one(name):
        entry = {"bytes": (step_dir / name).stat().st_size}
        if strength == "sha256":
            entry["sha256"] = sha256_of(step_dir / name)
        return name, entry

    with ThreadPoolExecutor(max(1, min(threads, len(names)))) as pool:
        return dict(pool.map(one, names))


def write_manifest(step_dir, step, strength, files):
    """Mark a checkpoint complete: its files as describe() gives them."""
    manifest = {"step": step, "verify": strength, "written": time.time(), "files": dict(sorted(files.items()))}
    path = Path(step_dir) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, path)


def problem(step_dir, threads=8):
    """Why the checkpoint cannot be trusted (a sentence naming the file), or None when it is complete."""
    step_dir = Path(step_dir)
    if not step_dir.is_dir():
        return f"{step_dir} does not exist"
    path = step_dir / MANIFEST
    if not path.exists():
        return f"{path} is missing: the save did not finish"
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        return f"{path} is unreadable ({e})"
    for name, want in files.items():
        f = step_dir / name
        if not f.is_file():
            return f"{f} is missing"
        if f.stat().st_size != want["bytes"]:
            return f"{f} has {f.stat().st_size} bytes, the manifest says {want['bytes']}"
    hashed = [name for name, want in files.items() if "sha256" in want]
    if hashed:
        for name, got in describe(step_dir, hashed, "sha256", threads).items():
            if got["sha256"] != files[name]["sha256"]:
                return f"{step_dir / name}: SHA-256 {got['sha256'][:12]}..., the manifest says {files[name]['sha256'][:12]}..."
    return None


def set_aside(ckpt_dir, step_dir, reason):
    """Move a checkpoint out of verl's sight into set_aside/, with the reason beside it; return where."""
    dest_root = Path(ckpt_dir) / SET_ASIDE
    dest_root.mkdir(exist_ok=True)
    dest = dest_root / f"{Path(step_dir).name}-{time.strftime('%Y%m%d-%H%M%S')}"
    while dest.exists():
        dest = dest.with_name(dest.name + "+")
    os.replace(step_dir, dest)
    (dest_root / f"{dest.name}.reason.txt").write_text(reason + "\n")
    return dest


def resume_point(ckpt_dir, log, threads=8):
    """The step a launch may resume from: the newest complete checkpoint, with every newer one that
    fails the check moved aside and the tracker pointed at the step found (removed when there is
    none). Logs each decision."""
    ckpt_dir = Path(ckpt_dir)
    tracked = tracked_step(ckpt_dir)
    found = step_dirs(ckpt_dir)
    if tracked and tracked not in found:
        log.warning("the tracker names step %d, which has no checkpoint directory: looking for an older one", tracked)
    chosen = 0
    for step in sorted(found, reverse=True):
        reason = problem(found[step], threads)
        if reason is None:
            chosen = step
            break
        dest = set_aside(ckpt_dir, found[step], reason)
        log.warning("checkpoint step %d cannot be trusted (%s): moved to %s", step, reason, dest)
    (ckpt_dir / PENDING_TRACKER).unlink(missing_ok=True)
    if chosen != tracked:
        point_tracker(ckpt_dir, chosen)
        log.warning("resuming from step %d%s", chosen, "" if chosen else " (no complete checkpoint: from the start)")
    return chosen


def prune(ckpt_dir, keep):
    """Remove all but the newest `keep` complete checkpoints (None or 0: keep all). Checkpoints
    without a manifest are never counted nor removed here: resume_point moves them aside."""
    if not keep:
        return []
    complete = sorted(s for s, d in step_dirs(ckpt_dir).items() if (d / MANIFEST).exists())
    removed = complete[:-keep]
    for step in removed:
        shutil.rmtree(Path(ckpt_dir) / f"global_step_{step}")
    return removed
