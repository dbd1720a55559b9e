"""What every rule script shares: arguments, logs and errors, provenance, versions, model files."""
