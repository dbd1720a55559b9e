"""Installed versions of the packages a run's results depend on (read from package metadata,
without importing the packages, so the Snakefile can afford it at parse time)."""

import importlib.metadata

PACKAGES = ("verl", "torch", "transformers", "tokenizers", "flash_attn")


def installed_versions(packages=PACKAGES):
    versions = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions
