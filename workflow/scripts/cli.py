"""The frame every rule script shares: arguments, a log written to the rule's log file and to
stderr, and errors that name the file, row or setting at fault without a traceback."""

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("pipeline")


class PipelineError(Exception):
    """A problem the user can fix (bad data, bad setting); reported without a traceback."""


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--log", help="the rule's log file")
    return p


def run(body, argparser, argv=None):
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
    except PipelineError as e:
        log.error("%s", e)
        sys.exit(1)
    except Exception:
        log.exception("unexpected failure")
        sys.exit(1)


def write_json(path, obj):
    """Write JSON atomically, so a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(f.name, path)
