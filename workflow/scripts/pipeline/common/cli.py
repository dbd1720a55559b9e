"""The frame every rule script shares: arguments, a log written to the rule's log file and to
stderr, and errors that name the file, row or setting at fault without a traceback."""

import argparse
import contextlib
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from pipeline.common import provenance

log = logging.getLogger("pipeline")


class PipelineError(Exception):
    """A problem the user can fix (bad data, bad setting); reported without a traceback."""


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--log", help="the rule's log file")
    p.add_argument("--provenance", help="write the job's provenance record (pipeline/common/provenance.py) here")
    p.files = {"inputs": [], "outputs": []}  # argument names that hold the job's files
    return p


def inputs(p, *flags, **kwargs):
    """Arguments naming files the job reads (hashed into its provenance record)."""
    for flag in flags:
        p.files["inputs"].append(p.add_argument(flag, **kwargs).dest)


def outputs(p, *flags, **kwargs):
    """Arguments naming files the job writes (hashed into its provenance record)."""
    for flag in flags:
        p.files["outputs"].append(p.add_argument(flag, **kwargs).dest)


def _paths(args, names):
    paths = []
    for name in names:
        value = getattr(args, name)
        paths += value if isinstance(value, list) else [value] if value else []
    return paths


def run(body, argparser, argv=None):
    started = time.time()
    args = argparser.parse_args(argv)
    handlers = [logging.StreamHandler(sys.stderr)]
    if args.log:
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        open(args.log, "w").close()
        # Append mode: a subprocess may write to the same log (O_APPEND keeps both intact).
        handlers.append(logging.FileHandler(args.log, mode="a"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        handlers=handlers,
        force=True,
    )
    try:
        body(args)
        if args.provenance:
            write_json(args.provenance, provenance.record(
                sys.argv if argv is None else [sys.argv[0], *argv], _paths(args, argparser.files["inputs"]),
                _paths(args, argparser.files["outputs"]), started, time.time(),
            ))
    except PipelineError as e:
        log.error("%s", e)
        sys.exit(1)
    except Exception:
        log.exception("unexpected failure")
        sys.exit(1)


def write_json(path, obj):
    """Write JSON atomically, so a reader never sees half a file (nor an empty one after a failed write)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(obj, f, indent=2, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:  # e.g. a full disk: no half file left behind either
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
