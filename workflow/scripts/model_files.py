"""What a model directory holds, for its manifest: each file's size and sha256."""

import hashlib
from pathlib import Path


def sha256_file(path, block=1 << 24):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()


def describe_files(model_dir):
    root = Path(model_dir)
    return {
        str(p.relative_to(root)): {"bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }
