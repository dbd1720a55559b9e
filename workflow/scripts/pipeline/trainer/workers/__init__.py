"""Modules that run inside verl's torchrun workers, loaded by dotted name through verl's
VERL_USE_EXTERNAL_MODULES (or run as the torchrun entry with -m). They change verl at run time,
without editing or copying it."""
