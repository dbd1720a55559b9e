"""Rule describe_local_model: a model already on disk (model.source: local), checked and described
in place by a manifest.json (path, parameter count, each file's size and sha256), which is what
the other rules take as input."""

import json
import logging
from pathlib import Path

from pipeline.common import cli
from pipeline.common.models import check_model_dir, manifest

log = logging.getLogger("pipeline")


def main(args):
    local_path = json.loads(args.settings)["model"]["local_path"]
    check_model_dir(local_path)
    info = manifest(Path(local_path), source="local")
    cli.write_json(args.manifest, info)
    log.info("%s: %.2fB parameters, %d files", info["path"], info["parameters"] / 1e9, len(info["files"]))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--settings", required=True, help="JSON: {model: {local_path}}")
    cli.outputs(p, "--manifest", required=True)
    cli.run(main, p)
