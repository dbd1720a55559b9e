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

from pipeline.common import cli
from pipeline.data.hub import described, download, snapshot_files
from pipeline.data.layouts import file_split

log = logging.getLogger("pipeline")


def allow_patterns(folder, splits):
    return [pattern for split in splits
            for pattern in (f"{folder}/{split}-*.parquet", f"{folder}/{split}.jsonl", f"{folder}/{split}/*")]


def main(args):
    data = json.loads(args.settings)["data"]
    hub = data["hub"]
    splits = sorted(set(data["splits"]) | set(data["held_out_splits"]))
    patterns = allow_patterns(hub["folder"], splits)
    snapshot = download(hub["id"], hub["revision"], patterns)
    resolved = snapshot.name  # the cache names each snapshot by its commit
    if resolved != hub["revision"]:
        raise cli.PipelineError(f"the hub resolved {hub['id']}@{hub['revision']} to {resolved}: pin the full sha")
    paths = snapshot_files(snapshot, patterns)
    missing = sorted(set(data["splits"]) - {file_split(p) for p in paths})
    if missing:
        raise cli.PipelineError(
            f"{hub['id']}@{resolved} has no files of split(s) {missing} in {hub['folder']}/ (patterns {patterns}); "
            f"it has {[str(p.relative_to(snapshot)) for p in paths] or 'none'}. Check data.hub.folder and data.splits"
        )
    files = described(paths, snapshot)
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
