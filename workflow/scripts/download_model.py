"""Rules download_model and describe_local_model: the base model as a local directory of HF files
and a manifest.json beside it (source, id, requested and resolved revision, each file's size and
sha256, parameter count), which is what the other rules take as input.

A hub model is downloaded once, with huggingface_hub, into the directory the manifest names; the
download resumes where it stopped. The manifest is the rule's only output, so a failed download
never deletes the files already fetched."""

import json
import logging
from pathlib import Path

import cli
from model_files import count_parameters, describe_files

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


def check_model_dir(model_dir):
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise cli.PipelineError(f"{model_dir} is not a Hugging Face model directory (no config.json)")
    if not list(model_dir.glob("*.safetensors")):
        raise cli.PipelineError(f"{model_dir} has no .safetensors weights (the pipeline reads safetensors only)")


def manifest(model_dir, **identity):
    return dict(identity, path=str(model_dir), parameters=count_parameters(model_dir), files=describe_files(model_dir))


def main(args):
    if args.hub_id:
        out_dir = Path(args.manifest).parent / "hf"
        resolved = download(args.hub_id, args.revision, out_dir)
        check_model_dir(out_dir)
        if resolved != args.revision:
            raise cli.PipelineError(f"the hub resolved {args.hub_id}@{args.revision} to {resolved}: pin the full sha")
        info = manifest(out_dir, source="hub", hub_id=args.hub_id, revision=args.revision, resolved_revision=resolved)
    else:
        check_model_dir(args.local_path)
        info = manifest(Path(args.local_path), source="local")
    cli.write_json(args.manifest, info)
    log.info("%s: %.2fB parameters, %d files", info["path"], info["parameters"] / 1e9, len(info["files"]))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--hub-id")
    source.add_argument("--local-path")
    p.add_argument("--revision", help="with --hub-id: the commit sha to fetch")
    cli.outputs(p, "--manifest", required=True)
    cli.run(main, p)
