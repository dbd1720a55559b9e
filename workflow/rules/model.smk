# Base models. Every model is a directory of HF files described by a manifest.json, which is what
# the other rules take as input; the manifest's "path" names the directory.


# The embedded tiny model: random init, real Qwen tokenizer, built in seconds on a CPU.
rule tiny_model:
    input:
        chat_template="resources/chat_template.jinja",
        code=rule_code("tiny_model"),
    output:
        manifest="results/models/tiny/manifest.json",
        provenance="results/models/tiny/provenance.json",
    log:
        "results/models/logs/tiny_model.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=as_json(projected(config, "tiny_model")),
    message:
        "building the embedded tiny model"
    shell:
        "python {input.code[0]} --settings {params.settings:q}"
        " --chat-template {input.chat_template} --manifest {output.manifest} --provenance {output.provenance} --log {log}"


# The hub model at its pinned revision, downloaded once (resumable; a failure deletes nothing).
rule download_model:
    input:
        code=rule_code("download_model"),
    output:
        manifest="results/models/hub/{model}/manifest.json",
        provenance="results/models/hub/{model}/provenance.json",
    log:
        "results/models/logs/download_{model}.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=lambda w: as_json(
            projected(
                {"model": MODELS[f"hub/{w.model}"]}, "model.hub_id", "model.revision"
            )
        ),
    message:
        "downloading {wildcards.model} from the Hugging Face hub"
    shell:
        "python {input.code[0]} --settings {params.settings:q}"
        " --manifest {output.manifest} --provenance {output.provenance} --log {log}"


# A model already on disk (model.source: local), described in place.
rule describe_local_model:
    input:
        code=rule_code("describe_local_model"),
    output:
        manifest="results/models/local/{model}/manifest.json",
        provenance="results/models/local/{model}/provenance.json",
    log:
        "results/models/logs/local_{model}.log",
    conda:
        "../../envs/pipeline.yaml"
    params:
        settings=lambda w: as_json(
            projected({"model": MODELS[f"local/{w.model}"]}, "model.local_path")
        ),
    message:
        "describing the local model {wildcards.model}"
    shell:
        "python {input.code[0]} --settings {params.settings:q}"
        " --manifest {output.manifest} --provenance {output.provenance} --log {log}"
