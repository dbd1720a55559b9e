"""A base model as the rules take it: a directory of Hugging Face files, checked, and the
manifest.json that describes it (identity, path, parameter count, each file's size and sha256)."""

from pathlib import Path

from pipeline.common.cli import PipelineError
from pipeline.common.model_files import count_parameters, describe_files


def check_model_dir(model_dir):
    model_dir = Path(model_dir)
    if not (model_dir / "config.json").is_file():
        raise PipelineError(f"{model_dir} is not a Hugging Face model directory (no config.json)")
    if not list(model_dir.glob("*.safetensors")):
        raise PipelineError(f"{model_dir} has no .safetensors weights (the pipeline reads safetensors only)")


def manifest(model_dir, **identity):
    return dict(identity, path=str(model_dir), parameters=count_parameters(model_dir), files=describe_files(model_dir))
