"""Rule fetch_data: the hub dataset (data.hub: id, pinned revision, folder) as files in the Hugging
Face cache, and a manifest.json that names each one (path, split, bytes, sha256) with the revision
the hub resolved, so that every training row's provenance reaches the hub commit.

Only the files of the splits used (data.splits and data.held_out_splits) are fetched:
`{folder}/{split}-*.parquet` (the hub's shards), `{folder}/{split}.jsonl` and `{folder}/{split}/*`.
They go to the hub client's own cache (HF_HOME / HF_HUB_CACHE), shared with every other tool that
reads it: a rerun at the same revision downloads nothing, and with HF_HUB_OFFLINE=1 the cached
snapshot is used as it is. The manifest is the rule's only output, so a failed download deletes
nothing already fetched."""

import json
import logging
from pathlib import Path

from huggingface_hub.utils import filter_repo_objects

from pipeline.common import cli
from pipeline.common.model_files import sha256_file
from pipeline.data.layouts import file_split

log = logging.getLogger("pipeline")


def allow_patterns(folder, splits):
    return [pattern for split in splits
            for pattern in (f"{folder}/{split}-*.parquet", f"{folder}/{split}.jsonl", f"{folder}/{split}/*")]


def download(repo_id, revision, patterns):
    """The local snapshot folder of repo_id at revision holding the files that match patterns."""
    import httpx
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        return Path(snapshot_download(repo_id, repo_type="dataset", revision=revision, allow_patterns=patterns))
    except RepositoryNotFoundError:
        raise cli.PipelineError(
            f"data.hub.id {repo_id} (revision {revision}) is not a dataset on the hub or needs a token: log in "
            "(huggingface-cli login / HF_TOKEN) or fix data.hub.id / data.hub.revision"
        ) from None
    except (HfHubHTTPError, LocalEntryNotFoundError, httpx.HTTPError, OSError) as e:
        raise cli.PipelineError(
            f"cannot fetch dataset {repo_id}@{revision} ({type(e).__name__}: {e}). Without hub access, "
            "download it elsewhere (huggingface-cli download --repo-type dataset ...), then set data.source: local "
            "and data.raw to its folder, or copy the Hugging Face cache here and set HF_HUB_OFFLINE=1"
        ) from None


def main(args):
    data = json.loads(args.settings)["data"]
    hub = data["hub"]
    splits = sorted(set(data["splits"]) | set(data["held_out_splits"]))
    patterns = allow_patterns(hub["folder"], splits)
    snapshot = download(hub["id"], hub["revision"], patterns)
    resolved = snapshot.name  # the cache names each snapshot by its commit
    if resolved != hub["revision"]:
        raise cli.PipelineError(f"the hub resolved {hub['id']}@{hub['revision']} to {resolved}: pin the full sha")
    # The snapshot may hold more (other folders or splits fetched before): list what the patterns select,
    # with the hub client's own pattern matching.
    cached = [str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if p.is_file()]
    paths = sorted(snapshot / p for p in filter_repo_objects(cached, allow_patterns=patterns)
                   if p.endswith((".parquet", ".jsonl")))
    missing = sorted(set(data["splits"]) - {file_split(p) for p in paths})
    if missing:
        raise cli.PipelineError(
            f"{hub['id']}@{resolved} has no files of split(s) {missing} in {hub['folder']}/ (patterns {patterns}); "
            f"it has {[str(p.relative_to(snapshot)) for p in paths] or 'none'}. Check data.hub.folder and data.splits"
        )
    files = [{"path": str(p), "repo_path": str(p.relative_to(snapshot)), "split": file_split(p),
              "bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in paths]
    cli.write_json(args.manifest, {
        "source": "hub", "id": hub["id"], "revision": hub["revision"], "resolved_revision": resolved,
        "folder": hub["folder"], "splits": splits, "allow_patterns": patterns, "snapshot": str(snapshot),
        "files": files,
    })
    log.info("%s@%s %s/: %d files, %.2f GB (%s)", hub["id"], resolved[:12], hub["folder"], len(files),
             sum(f["bytes"] for f in files) / 1e9, ", ".join(splits))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--settings", required=True, help="JSON: {data: {hub, splits, held_out_splits}}")
    cli.outputs(p, "--manifest", required=True)
    cli.run(main, p)
