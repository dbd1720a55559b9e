"""The code's layout: one rule script per rule, named after it; shared code in workflow/scripts/
pipeline/; no import cycle; each rule's declared code inputs cover what its script really loads."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, snakemake

from pipeline.common import code_inputs
from pipeline.trainer import current, legacy

SCRIPTS = ROOT / "workflow" / "scripts"
RULE_SCRIPTS = sorted(p.stem for p in SCRIPTS.glob("*.py"))


def project_modules():
    """{dotted name: file} of every module under workflow/scripts/pipeline."""
    modules = {}
    for path in (SCRIPTS / "pipeline").rglob("*.py"):
        parts = path.relative_to(SCRIPTS).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def import_graph():
    """{file: files it imports or loads by name}, for the rule scripts and every project module."""
    files = [*SCRIPTS.glob("*.py"), *project_modules().values()]
    return {f: {code_inputs.module_file(m) for m in code_inputs._named_modules(f)} for f in files}


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return [str(p.relative_to(SCRIPTS)) for p in cycle]
    return None


def test_the_import_graph_of_workflow_has_no_cycle():
    graph = import_graph()
    assert sum(len(v) for v in graph.values()) > 50  # the graph was read (every script imports the frame)
    assert find_cycle(graph) is None


def test_cycle_detection_finds_a_cycle():
    a, b, c = (SCRIPTS / n for n in ("a.py", "b.py", "c.py"))
    assert find_cycle({a: {b}, b: {c}, c: {a}}) == ["a.py", "b.py", "c.py", "a.py"]
    assert find_cycle({a: {b}, b: {c}, c: set()}) is None


def test_every_rule_script_is_a_rule_of_that_name():
    rules = set(snakemake(ROOT, "--list-rules").stdout.split())
    assert set(RULE_SCRIPTS) <= rules, set(RULE_SCRIPTS) - rules
    # ...and each such rule runs its own script.
    for rule_file in (ROOT / "workflow" / "rules").glob("*.smk"):
        for name, code in [(n, c) for n, c in _rule_code_calls(rule_file.read_text())]:
            assert name == code, f"rule {name} in {rule_file.name} runs workflow/scripts/{code}.py"


def _rule_code_calls(text):
    rule = None
    for line in text.splitlines():
        if line.startswith("rule "):
            rule = line.split()[1].rstrip(":")
        if "rule_code(" in line and rule and not line.lstrip().startswith(("def ", "#")):
            yield rule, line.split('rule_code("')[1].split('"')[0]


def test_worker_modules_and_entry_modules_are_code_inputs_of_the_train_rule():
    """verl loads these by name, which no import shows: the train rule must still rerun when one changes."""
    closure = {str(p) for p in code_inputs.closure(SCRIPTS / "train_sft.py")}
    modules = project_modules()
    for trainer in (current.TRAINER, legacy.TRAINER):
        names = [trainer.entry_module]
        for device in ("cpu", "cuda"):
            names += trainer.workers(device, 1)[0]
        for name in names:
            assert str(modules[name].resolve()) in closure, name


LOADED = """
import importlib.util, json, sys
sys.path.insert(0, sys.argv[1])
spec = importlib.util.spec_from_file_location("rule_script", sys.argv[2])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps(sorted(m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None))))
"""


@pytest.mark.workflow
@pytest.mark.parametrize("script", RULE_SCRIPTS)
def test_the_code_inputs_of_each_rule_cover_what_its_script_imports(script):
    """The script is imported for real (in a fresh interpreter) and every project file it loaded
    must be among the code inputs the rule declares (pipeline/common/code_inputs.py)."""
    path = SCRIPTS / f"{script}.py"
    out = subprocess.run([sys.executable, "-c", LOADED, str(SCRIPTS), str(path)], capture_output=True, text=True,
                         check=True).stdout
    loaded = {p for p in json.loads(out.splitlines()[-1]) if p.startswith(str(SCRIPTS))}
    assert len(loaded) >= 3  # the script's frame, at least
    declared = {str(p) for p in code_inputs.closure(path)}
    assert loaded <= declared, loaded - declared


def test_closure_follows_from_imports_and_named_modules(tmp_path):
    root = tmp_path
    (root / "pipeline" / "x").mkdir(parents=True)
    for f in ("pipeline/__init__.py", "pipeline/x/__init__.py"):
        (root / f).write_text("")
    (root / "pipeline/x/a.py").write_text("from pipeline.x import b\n")
    (root / "pipeline/x/b.py").write_text("MODULES = ['pipeline.x.c']\n")
    (root / "pipeline/x/c.py").write_text("import json\n")
    (root / "pipeline/x/unused.py").write_text("")
    (root / "rule.py").write_text("def main():\n    import pipeline.x.a\n")
    names = [str(p.relative_to(root)) for p in code_inputs.closure(root / "rule.py", root=root)]
    assert names == ["rule.py", "pipeline/__init__.py", "pipeline/x/__init__.py", "pipeline/x/a.py",
                     "pipeline/x/b.py", "pipeline/x/c.py"]
