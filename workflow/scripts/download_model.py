"""Rule download_model: the hub model at its pinned revision as a local directory of HF files and
a manifest.json beside it (source, id, requested and resolved revision, each file's size and
sha256, parameter count), which is what the other rules take as input.

A hub model is downloaded once, with huggingface_hub, into the directory the manifest names; the
download resumes where it stopped. The manifest is the rule's only output, so a failed download
never deletes the files already fetched."""

import json
import logging
from pathlib import Path

from pipeline.common import cli
from pipeline.common.models import check_model_dir, manifest

log = logging.getLogger("pipeline")

# What a causal LM needs: config, weights, tokenizer, chat template, generation config.
HUB_FILES = ["*.json", "*.safetensors", "*.txt", "*.jinja", "*.model", "*.py"]


def download(hub_id, revision, out_dir):
    """Fetch hub_id at revision into out_dir; return the commit sha the hub resolved."""
    import httpx
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        resolved = HfApi().model_info(hub_id, revision=revision).sha
        snapshot_download(hub_id, revision=resolved, local_dir=out_dir, allow_patterns=HUB_FILES)
    except RepositoryNotFoundError:
        raise cli.PipelineError(
            f"model.hub_id {hub_id} (revision {revision}) is not on the hub or needs a token: log in "
            "(huggingface-cli login / HF_TOKEN) or fix model.hub_id / model.revision"
        ) from None
    except (HfHubHTTPError, LocalEntryNotFoundError, httpx.HTTPError, OSError) as e:
        raise cli.PipelineError(
            f"cannot download {hub_id}@{revision} from the Hugging Face hub ({type(e).__name__}: {e}). "
            "Without hub access, download it elsewhere and set model.source: local and model.local_path"
        ) from None
    return resolved


def main(args):
    model = json.loads(args.settings)["model"]
    hub_id, revision = model["hub_id"], model["revision"]
    out_dir = Path(args.manifest).parent / "hf"
    resolved = download(hub_id, revision, out_dir)
    check_model_dir(out_dir)
    if resolved != revision:
        raise cli.PipelineError(f"the hub resolved {hub_id}@{revision} to {resolved}: pin the full sha")
    info = manifest(out_dir, source="hub", hub_id=hub_id, revision=revision, resolved_revision=resolved)
    cli.write_json(args.manifest, info)
    log.info("%s: %.2fB parameters, %d files", info["path"], info["parameters"] / 1e9, len(info["files"]))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--settings", required=True, help="JSON: {model: {hub_id, revision (a commit sha)}}")
    cli.outputs(p, "--manifest", required=True)
    cli.run(main, p)
