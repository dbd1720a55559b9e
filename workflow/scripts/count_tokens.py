"""Rule count_tokens: the token length of every filtered row, exactly as verl's
MultiTurnSFTDataset builds its input_ids: each turn rendered alone with the model's chat template
and tokenized, less the template's system-prompt prefix on turns after the first, concatenated
(verl checks that this equals the whole conversation's tokenization, and refuses rows where it
does not). Each distinct turn is tokenized once, batched through the fast tokenizer: all
solutions of a problem share their user turn."""

import json
import logging

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.common import cli

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


def _encodings(tokenizer, conversations):
    """Conversations rendered with the chat template and tokenized as verl does (no offsets)."""
    texts = tokenizer.apply_chat_template(conversations, tokenize=False)
    return tokenizer.backend_tokenizer.encode_batch_fast(texts, add_special_tokens=False)


def system_prefix_length(tokenizer):
    """The length of verl's system_prompt (extract_system_prompt_and_generation): what the template
    puts before a lone turn, which verl cuts from each later turn that is not a system turn.
    Found as verl does, from one and from two empty user turns."""
    empty = {"role": "user", "content": ""}
    one, two = (e.ids for e in _encodings(tokenizer, [[empty], [empty, empty]]))
    return len(one[: -(len(two) - len(one))])


def token_counts(tokenizer, conversations):
    """Token counts of conversations (lists of {role, content}), as len(input_ids) of verl's
    MultiTurnSFTDataset: the sum over turns of the turn rendered alone, less the system prefix
    on turns after the first that are not system turns."""
    prefix = system_prefix_length(tokenizer)
    turns = {}  # (role, content) -> position among the distinct turns
    for messages in conversations:
        for m in messages:
            turns.setdefault((m["role"], m["content"]), len(turns))
    alone = [[{"role": role, "content": content}] for role, content in turns]
    lengths = [len(e) for e in _encodings(tokenizer, alone)]
    return [
        sum(
            lengths[turns[m["role"], m["content"]]] - (prefix if i > 0 and m["role"] != "system" else 0)
            for i, m in enumerate(messages)
        )
        for messages in conversations
    ]


def main(args):
    model_dir = json.load(open(args.model_manifest))["path"]
    trust_remote_code = json.loads(args.settings)["model"]["trust_remote_code"]
    tokenizer = load_tokenizer(model_dir, trust_remote_code)
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
    cli.inputs(p, "--filtered", "--model-manifest", required=True)
    p.add_argument("--settings", required=True, help="JSON: {model: {trust_remote_code}}")
    cli.outputs(p, "--lengths", required=True)
    cli.run(main, p)
