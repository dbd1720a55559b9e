"""The provenance record every job writes beside its outputs: what went in (sha256 of each input
file and of the code that ran), the exact settings (the job's command line), what came out, the
package versions, the project's git commit and whether the tree was dirty, the base model's id
and revision, the host's device, and when it ran.

Fields that legitimately differ between two identical runs are listed in NOT_REPRODUCIBLE; a
rerun from scratch reproduces everything else (tests/test_reproducibility.py)."""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from pipeline.common.model_files import sha256_file
from pipeline.common.versions import installed_versions

PACKAGES = ("snakemake", "verl", "torch", "transformers", "tokenizers", "flash_attn", "pyarrow", "numpy")
NOT_REPRODUCIBLE = ("started", "finished", "seconds", "host")
# workflow/scripts: the rule scripts and, under pipeline/, the code they share.
SCRIPTS_DIR = Path(__file__).resolve().parents[2]


def file_hashes(paths):
    """{path: sha256} for files; a directory contributes each file in it."""
    hashes = {}
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            hashes[str(f)] = sha256_file(f)
    return hashes


def code_hashes():
    """sha256 of the rule's script and of every project module it imported, by path under
    workflow/scripts."""
    files = {Path(sys.argv[0]).resolve()}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and Path(path).resolve().is_relative_to(SCRIPTS_DIR):
            files.add(Path(path).resolve())
    return {str(f.relative_to(SCRIPTS_DIR)): sha256_file(f) for f in sorted(files)}


def git_state():
    def git(*args):
        out = subprocess.run(["git", "-C", str(SCRIPTS_DIR), *args], capture_output=True, text=True)
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if commit is None else bool(dirty)}


def device():
    try:
        gpus = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=10)
        names = [line.split(":", 1)[1].split("(")[0].strip() for line in gpus.stdout.splitlines() if ":" in line]
        if gpus.returncode == 0 and names:
            return f"{len(names)} x {names[0]}"
    except (OSError, subprocess.TimeoutExpired):
        pass
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return f"CPU: {cpu} x {os.cpu_count()}"


def model_identity(inputs):
    """The base model behind any model manifest among the inputs."""
    for path in inputs:
        if Path(path).name == "manifest.json" and Path(path).is_file():
            m = json.loads(Path(path).read_text())
            if "parameters" not in m:  # a data manifest (fetch_data)
                continue
            return {k: m.get(k) for k in ("source", "hub_id", "revision", "resolved_revision", "path", "parameters")}
    return None


def record(argv, inputs, outputs, started, finished):
    script = Path(argv[0]).resolve()
    command = [str(script.relative_to(SCRIPTS_DIR.parents[1])) if script.is_relative_to(SCRIPTS_DIR.parents[1])
               else argv[0], *argv[1:]]
    return {
        "command": command,
        "settings": _settings(argv),
        "inputs": file_hashes(inputs),
        "code": code_hashes(),
        "outputs": file_hashes(outputs),
        "model": model_identity(inputs),
        "packages": installed_versions(PACKAGES),
        "git": git_state(),
        "host": {"device": device(), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(finished)),
        "seconds": round(finished - started, 1),
        "not_reproducible": list(NOT_REPRODUCIBLE),
    }


def _settings(argv):
    """The job's --settings JSON, parsed, when it has one (the rest of its settings are in `command`)."""
    if "--settings" in argv:
        return json.loads(argv[argv.index("--settings") + 1])
    return None
