"""Fetching from the Hugging Face hub, shared by the fetch rules: a pinned snapshot of a dataset
repository (only the files its allow_patterns select) in the hub client's own cache, and the
manifest entries that name each file."""

from pathlib import Path

from huggingface_hub.utils import filter_repo_objects

from pipeline.common import cli
from pipeline.common.model_files import sha256_file
from pipeline.data.layouts import file_split


def download(repo_id, revision, patterns):
    """The local snapshot folder of repo_id at revision holding the files that match patterns."""
    import httpx
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        return Path(snapshot_download(repo_id, repo_type="dataset", revision=revision, allow_patterns=patterns))
    except RepositoryNotFoundError:
        raise cli.PipelineError(
            f"{repo_id} (revision {revision}) is not a dataset on the hub or needs a token: log in "
            "(huggingface-cli login / HF_TOKEN) or fix its id / revision in the config"
        ) from None
    except (HfHubHTTPError, LocalEntryNotFoundError, httpx.HTTPError, OSError) as e:
        raise cli.PipelineError(
            f"cannot fetch dataset {repo_id}@{revision} ({type(e).__name__}: {e}). Without hub access, "
            "download it elsewhere (huggingface-cli download --repo-type dataset ...), then set data.source: local "
            "and data.raw to its folder, or copy the Hugging Face cache here and set HF_HUB_OFFLINE=1"
        ) from None


def snapshot_files(snapshot, patterns):
    """The snapshot's .parquet/.jsonl files that patterns select (the snapshot may hold more: other
    folders or splits fetched before), with the hub client's own pattern matching."""
    cached = [str(p.relative_to(snapshot)) for p in snapshot.rglob("*") if p.is_file()]
    return sorted(snapshot / p for p in filter_repo_objects(cached, allow_patterns=patterns)
                  if p.endswith((".parquet", ".jsonl")))


def described(paths, snapshot):
    return [{"path": str(p), "repo_path": str(p.relative_to(snapshot)), "split": file_split(p),
             "bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in paths]
