"""Which verl SFT trainer the pipeline drives: decided here, from the installed verl release, and
nowhere else."""

import importlib.metadata

from pipeline.common.cli import PipelineError
from pipeline.trainer import current, legacy

# verl release prefix -> the trainer the pipeline drives for it.
TRAINERS = {"0.6.": legacy.TRAINER, "0.9.": current.TRAINER}


def installed_verl():
    try:
        return importlib.metadata.version("verl")
    except importlib.metadata.PackageNotFoundError:
        return None


def for_release(verl_version):
    """The Trainer for a verl release; None when the pipeline supports none."""
    return next((t for prefix, t in TRAINERS.items() if (verl_version or "").startswith(prefix)), None)


def installed():
    """The Trainer for the installed verl, or an error that lists what is supported."""
    version = installed_verl()
    trainer = for_release(version)
    if trainer is None:
        supported = ", ".join(f"{v}x ({t.module})" for v, t in TRAINERS.items())
        raise PipelineError(
            f"verl {version} is installed; the pipeline supports verl {supported}. Install the pinned "
            "environment: pip install -r requirements.txt (or requirements-legacy.txt for the legacy trainer)"
        )
    return trainer
