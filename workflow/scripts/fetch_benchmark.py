"""Rule fetch_benchmark: a benchmark to decontaminate against (filter.decontaminate.hub.<name>: id,
pinned revision, allow_patterns, layout) fetched as the data is (pipeline/data/hub.py): the files of
its allow_patterns in the hub client's cache, and a manifest naming each with its sha256 and the
layout filter_rows reads it by."""

import json
import logging

from pipeline.common import cli
from pipeline.data.hub import described, download, snapshot_files

log = logging.getLogger("pipeline")


def main(args):
    name = args.benchmark
    benchmark = json.loads(args.settings)["filter"]["decontaminate"]["hub"][name]
    snapshot = download(benchmark["id"], benchmark["revision"], benchmark["allow_patterns"])
    if snapshot.name != benchmark["revision"]:
        raise cli.PipelineError(f"the hub resolved {benchmark['id']}@{benchmark['revision']} to {snapshot.name}")
    paths = snapshot_files(snapshot, benchmark["allow_patterns"])
    if not paths:
        raise cli.PipelineError(
            f"filter.decontaminate.hub.{name}: {benchmark['id']}@{snapshot.name} has no .parquet/.jsonl files "
            f"matching {benchmark['allow_patterns']}")
    cli.write_json(args.manifest, {"source": "hub", "benchmark": name, **benchmark, "resolved_revision": snapshot.name,
                                   "snapshot": str(snapshot), "files": described(paths, snapshot)})
    log.info("benchmark %s: %s@%s, %d files", name, benchmark["id"], snapshot.name[:12], len(paths))


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--benchmark", required=True, help="its name in filter.decontaminate.hub")
    p.add_argument("--settings", required=True, help="JSON: {filter: {decontaminate: {hub: {<name>: ...}}}}")
    cli.outputs(p, "--manifest", required=True)
    cli.run(main, p)
