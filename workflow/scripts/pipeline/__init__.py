"""The pipeline's shared code, imported by the rule scripts in workflow/scripts/ (one per rule).

- common/: what every rule script shares: arguments, logs and errors (cli), provenance records,
  installed versions, model files, and the code inputs of each rule (code_inputs).
- data/: reading raw BEE files and the decontamination index.
- evaluation/: HumanEval problems and the sandbox generated programs run in.
- trainer/: everything that drives or extends verl's SFT trainer: which trainer the installed verl
  has (select), its Hydra overrides, the torchrun launch, step arithmetic and metrics; under
  trainer/workers/ the modules loaded into verl's worker processes by dotted name.
"""
