"""The code a rule runs: its script and every project module that script reaches, found by
reading imports (nothing is imported). Declared as the rule's inputs, so that an edit of any of
them reruns the rule and nothing else does.

Modules loaded by name rather than imported (verl loads the worker modules named in
VERL_USE_EXTERNAL_MODULES; torchrun runs an entry module with -m) are reached through the
string constants that name them: any string that is the dotted name of a project module counts
as an import of it."""

import ast
from functools import cache
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parents[2]
PACKAGE = "pipeline"


def module_file(name, root=SCRIPTS_DIR):
    """The file of project module `name` ("pipeline.data.raw_bee"), or None if it is not one."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    path = root.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _packages(name):
    """A module's enclosing packages, whose __init__ runs before it: a.b.c -> a, a.b."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@cache
def _named_modules(path, root=SCRIPTS_DIR):
    """Project modules that file `path` imports or names, with their enclosing packages."""
    names = set()
    for node in ast.walk(ast.parse(Path(path).read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # submodules
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(PACKAGE + "."):
            names.add(node.value)
    found = set()
    for name in names:
        for module in (*_packages(name), name):
            if module_file(module, root):
                found.add(module)
    return frozenset(found)


def closure(script, root=SCRIPTS_DIR):
    """The script and every project file it reaches, transitively, in a stable order."""
    files, todo = {Path(script).resolve()}, [Path(script).resolve()]
    while todo:
        for module in _named_modules(todo.pop(), root):
            f = module_file(module, root).resolve()
            if f not in files:
                files.add(f)
                todo.append(f)
    script = Path(script).resolve()
    return [script] + sorted(files - {script})
