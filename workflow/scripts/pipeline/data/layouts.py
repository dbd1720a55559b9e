"""The public layouts of BEE / code_contests data, and the split a file or row belongs to.

- solutions: one row per solution (BEE's `data` folder): name, description, solution, language,
  difficulty, source (column names mappable by data.columns).
- prompt_response: rows already rendered as text (BEE's `hq-python`, `hq-python-deduped`,
  `min-cols` folders): `text` is "### Prompt\\n\\nIn Python3, your task is to solve ...\\n\\n
  ### Response\\n\\n```python3\\n...\\n```", parsed back into statement, language and code.
- code_contests: deepmind/code_contests, one row per problem with `solutions` and
  `incorrect_solutions` as {language: [int], solution: [str]} and its tests and limits; exploded to
  one row per correct solution.
- messages: rows that are already chat (a list of {role, content}).

Every layout becomes the same record, {name, description, solution, language, difficulty, source,
tests}, which the filter converts to chat with the pipeline's own template (messages rows excepted),
so every layout trains on the same prompt."""

import json
import re
from pathlib import Path

LAYOUTS = ("solutions", "prompt_response", "code_contests", "messages")

# deepmind/code_contests' integer language labels, as BEE spells them.
CODE_CONTESTS_LANGUAGES = {0: "UNKNOWN_LANGUAGE", 1: "PYTHON", 2: "CPP", 3: "PYTHON3", 4: "JAVA"}
TEST_KINDS = ("public_tests", "private_tests", "generated_tests")

# `{split}-00000-of-00026-<hash>.parquet` (the hub's shard naming), `{split}.jsonl`, or a `{split}/` folder.
_SHARD = re.compile(r"^(?P<split>[A-Za-z]+)(?:-\d{5}-of-\d{5}(?:-[0-9a-f]+)?)?$")
KNOWN_SPLITS = ("train", "valid", "validation", "test", "dev")


def required_columns(layout, columns):
    """The columns a file must have for a layout (names after data.columns' mapping)."""
    return {
        "solutions": [columns[r] for r in ("name", "description", "solution", "language")],
        "prompt_response": [columns["text"]],
        "code_contests": ["name", "description", "solutions"],
        "messages": [columns["messages"]],
    }[layout]


def used_columns(layout, columns):
    """Every column a layout reads (required or not)."""
    roles = {"solutions": ("name", "description", "solution", "language", "difficulty", "source", "split"),
             "prompt_response": ("text", "name", "language", "difficulty", "source", "split"),
             "messages": ("messages", "name", "split")}
    if layout == "code_contests":
        return ["name", "description", "solutions", "difficulty", "source", "time_limit", "memory_limit_bytes",
                *TEST_KINDS, columns["split"]]
    return [columns[role] for role in roles[layout]]


def detect(present, columns):
    """The layout whose columns a file has, most specific first; None when none fits."""
    for layout in ("messages", "code_contests", "solutions", "prompt_response"):
        if all(c in present for c in required_columns(layout, columns)):
            return layout
    return None


def prompt_messages(chat, description):
    """The chat turns that ask for a problem's solution (data.chat): the system prompt, if any, and
    the instruction around the statement. Training rows and the contest eval ask the same way."""
    messages = [{"role": "system", "content": chat["system_prompt"]}] if chat["system_prompt"] else []
    return messages + [{"role": "user", "content": chat["instruction"].replace("{description}", description.strip())}]


def file_split(path):
    """The split a file's name gives (train-00000-of-00026-ab12.parquet, valid.jsonl, test/x.parquet),
    or None when its name says nothing (a split column, or train, then decides)."""
    path = Path(path)
    match = _SHARD.match(path.stem)
    if match and match["split"].lower() in KNOWN_SPLITS:
        return _canonical_split(match["split"])
    for folder in reversed(path.parent.parts):
        if folder.lower() in KNOWN_SPLITS:
            return _canonical_split(folder)
    return None


def _canonical_split(split):
    return {"validation": "valid", "dev": "valid"}.get(split.lower(), split.lower())


def row_split(fields, columns, split_of_file):
    """A row's split: its file's, else its split column's, else train."""
    if split_of_file is not None:
        return split_of_file
    value = fields.get(columns["split"])
    return _canonical_split(value) if isinstance(value, str) and value.strip() else "train"


# ---- prompt_response: the inverse of BEE's rendering ----

_RENDERED = re.compile(
    r"\A### Prompt\n\n(?P<prompt>.*?)\n\n### Response\n\n```(?P<fence>[^\n`]*)\n(?P<code>.*?)\n?```\s*\Z", re.DOTALL
)
_LEAD_IN = re.compile(r"\AIn (?P<language>[^,\n]+), your task is to solve the following problem:?[ \t]*\n+")
# A fence tag or lead-in language, as the solutions layout labels it.
_LANGUAGE_LABELS = {"python3": "PYTHON3", "python": "PYTHON", "python2": "PYTHON", "py": "PYTHON3",
                    "cpp": "CPP", "c++": "CPP", "java": "JAVA"}


class UnparsedText(ValueError):
    """A prompt_response row whose text is not in the rendered form."""


def parse_rendered(text):
    """(statement, language label, code) of a rendered text row; UnparsedText when it is not one."""
    if not isinstance(text, str):
        raise UnparsedText(f"text is {type(text).__name__}, not text")
    match = _RENDERED.match(text.replace("\r\n", "\n"))
    if not match:
        raise UnparsedText("no '### Prompt' ... '### Response' ... fenced code block")
    prompt, fence = match["prompt"], match["fence"].strip().lower()
    lead = _LEAD_IN.match(prompt)
    if not lead:
        raise UnparsedText("the prompt has no 'In <language>, your task is to solve ...' lead-in")
    said = lead["language"].strip().lower().replace(" ", "")
    label = _LANGUAGE_LABELS.get(fence) or _LANGUAGE_LABELS.get(said) or lead["language"].strip()
    return prompt[lead.end():], label, match["code"]


def render(statement, language, code):
    """BEE's rendering of a row as text (what parse_rendered inverts): for fixtures and tests."""
    fence = {"PYTHON3": "python3", "PYTHON": "python", "CPP": "cpp", "JAVA": "java"}.get(language, "")
    said = {"PYTHON3": "Python3", "PYTHON": "Python2", "CPP": "C++", "JAVA": "Java"}.get(language, language)
    return (f"### Prompt\n\nIn {said}, your task is to solve the following problem:\n\n{statement}\n\n"
            f"### Response\n\n```{fence}\n{code}\n```")


# ---- one canonical record per layout row ----


def record(layout, fields, columns):
    """The canonical record of one row of a layout (a code_contests row is one solution already:
    see explode_code_contests). UnparsedText for a text row that does not parse."""
    if layout == "solutions":
        return {role: fields.get(columns[role]) for role in
                ("name", "description", "solution", "language", "difficulty", "source")} | {"tests": None}
    if layout == "prompt_response":
        statement, language, code = parse_rendered(fields.get(columns["text"]))
        if columns["language"] in fields and isinstance(fields[columns["language"]], str):
            language = fields[columns["language"]]  # the row's own label, where it has one
        return {"name": fields.get(columns["name"]), "description": statement, "solution": code,
                "language": language, "difficulty": fields.get(columns["difficulty"]),
                "source": fields.get(columns["source"]), "tests": None}
    if layout == "code_contests":
        return {k: fields.get(k) for k in ("name", "description", "solution", "language", "difficulty", "source",
                                           "tests")}
    raise ValueError(f"layout {layout} has no solution record")


def problem(layout, fields, columns):
    """{name, description} of the problem a row of any layout belongs to (a chat row: its user turns)."""
    if layout != "messages":
        return record(layout, fields, columns)
    messages = fields.get(columns["messages"])
    turns = [m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"] \
        if isinstance(messages, list) else []
    return {"name": fields.get(columns["name"]), "description": "\n".join(t for t in turns if isinstance(t, str))}


def explode_code_contests(problem):
    """One dict per correct solution of a code_contests problem row, with the problem's tests and
    limits as JSON; incorrect_solutions never become rows."""
    solutions = problem.get("solutions") or {}
    labels, codes = solutions.get("language") or [], solutions.get("solution") or []
    tests = {kind: problem.get(kind) for kind in TEST_KINDS if problem.get(kind) is not None}
    tests.update(time_limit=problem.get("time_limit"), memory_limit_bytes=problem.get("memory_limit_bytes"))
    tests_json = json.dumps(tests, sort_keys=True, default=str)
    for label, code in zip(labels, codes):
        yield {"name": problem.get("name"), "description": problem.get("description"), "solution": code,
               "language": CODE_CONTESTS_LANGUAGES.get(label, str(label)), "difficulty": problem.get("difficulty"),
               "source": problem.get("source"), "tests": tests_json}
