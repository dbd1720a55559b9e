"""Rule count_tokens: the token length of every filtered row, exactly as verl's
MultiTurnSFTDataset will see it: the model's chat template applied to the whole conversation,
tokenized without extra special tokens (verl checks that this equals its per-turn tokenization,
and refuses rows where it does not). Batched through the fast tokenizer, not a Python loop."""

import json
import logging

import pyarrow as pa
import pyarrow.parquet as pq

import cli

log = logging.getLogger("pipeline")

LENGTHS_SCHEMA = pa.schema([("row_id", pa.int64()), ("name", pa.string()), ("n_tokens", pa.int64())])


def load_tokenizer(model_dir, trust_remote_code):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, trust_remote_code=trust_remote_code)
    if not tokenizer.is_fast:
        raise cli.PipelineError(f"{model_dir}: the tokenizer has no fast (Rust) version")
    if tokenizer.chat_template is None:
        raise cli.PipelineError(f"{model_dir}: the tokenizer has no chat template")
    return tokenizer


def token_counts(tokenizer, conversations):
    """Token counts of conversations (lists of {role, content}) under the tokenizer's chat template."""
    texts = tokenizer.apply_chat_template(conversations, tokenize=False)
    encodings = tokenizer.backend_tokenizer.encode_batch(texts, add_special_tokens=False)
    return [len(e.ids) for e in encodings]


def main(args):
    model_dir = json.load(open(args.model_manifest))["path"]
    tokenizer = load_tokenizer(model_dir, args.trust_remote_code)
    rows = 0
    with pq.ParquetWriter(args.lengths, LENGTHS_SCHEMA) as writer:
        source = pq.ParquetFile(args.filtered)
        for batch in source.iter_batches(batch_size=1024, columns=["row_id", "name", "messages"]):
            counts = token_counts(tokenizer, batch.column("messages").to_pylist())
            writer.write_table(
                pa.table(
                    {"row_id": batch.column("row_id"), "name": batch.column("name"), "n_tokens": counts},
                    schema=LENGTHS_SCHEMA,
                )
            )
            rows += batch.num_rows
    log.info("counted tokens of %d rows with the tokenizer of %s", rows, model_dir)


if __name__ == "__main__":
    p = cli.parser(__doc__)
    p.add_argument("--filtered", required=True)
    p.add_argument("--model-manifest", required=True)
    p.add_argument("--trust-remote-code", action="store_true")
    p.add_argument("--lengths", required=True)
    cli.run(main, p)
