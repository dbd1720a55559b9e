# Base models. Every model is a directory of HF files described by a manifest.json, which is what
# the other rules take as input; the manifest's "path" names the directory.


# The embedded tiny model: random init, real Qwen tokenizer, built in seconds on a CPU.
rule tiny_model:
    input:
        chat_template="resources/chat_template.jinja",
        code=scripts("build_tiny_model.py", "cli.py", "model_files.py"),
    output:
        manifest="results/models/tiny/manifest.json",
    log:
        "results/models/logs/tiny_model.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=json.dumps(config["tiny_model"], sort_keys=True),
    message:
        "building the embedded tiny model"
    shell:
        "python {input.code[0]} --settings {params.settings:q}"
        " --chat-template {input.chat_template} --manifest {output.manifest} --log {log}"
