# Phase-1 SFT of Qwen2.5-Coder on BEE competitive-programming data, raw data to checkpoint.
# Stages in data order: filter -> token audit -> split -> (verl check, model) -> train -> export
# -> smoke eval.
# Settings: config/config.yaml (values) and workflow/schemas/config.schema.yaml (meaning).


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"


wildcard_constraints:
    run="|".join(RUNS),


include: "workflow/rules/data.smk"
include: "workflow/rules/model.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/eval.smk"


# The default target: the smoke run end to end on the embedded sample data and tiny model, which
# a fresh clone has (so `snakemake -c2` and `snakemake --dag` work offline).
rule smoke:
    default_target: True
    input:
        run_outputs("smoke"),


# The production run through the hf_model export.
rule train:
    input:
        run_outputs("main"),


# The data stages of one run (default main): snakemake data --config run=smoke
rule data:
    input:
        data_outputs(DATA_RUN),


# Every run, end to end.
rule all:
    input:
        [run_outputs(run) for run in RUNS],
