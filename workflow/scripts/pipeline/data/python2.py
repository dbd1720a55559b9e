"""Python 2 programs that also parse as Python 3: found by what only Python 2 has.

A label is the first witness (code_contests' `PYTHON` is Python 2); without one, a program that
parses as Python 3 but calls a Python-2-only builtin it does not define itself (`raw_input`,
`xrange`, ...), or a method only Python 2's types have (`d.iteritems()`, `d.has_key(k)`), is
Python 2: run as Python 3 it fails with NameError or AttributeError. A program that does not parse
as Python 3 because of a print or exec statement is Python 2 too."""

import ast
import builtins
import re

# Builtins of Python 2 that Python 3 removed (a program that defines one itself is left alone).
PY2_BUILTINS = frozenset({
    "raw_input", "xrange", "unicode", "basestring", "long", "unichr", "execfile", "reduce", "cmp", "file",
    "reload", "intern", "apply", "buffer", "coerce",
}) - set(dir(builtins))
# Methods only Python 2's dict / str / sys have.
PY2_ATTRIBUTES = frozenset({"iteritems", "iterkeys", "itervalues", "has_key", "maxint"})
# What CPython 3 says when it meets Python 2's print and exec statements.
PY2_SYNTAX = ("Missing parentheses in call to 'print'", "Missing parentheses in call to 'exec'")
# Whole words only: "file" or "long" inside "filename" or "longest" say nothing.
_WORDS = re.compile(r"\b(?:" + "|".join(sorted(PY2_BUILTINS | PY2_ATTRIBUTES)) + r")\b")
_ATTRIBUTE = re.compile(r"\.(" + "|".join(sorted(PY2_ATTRIBUTES)) + r")\b")


def free_names(table):
    """Names a program reads that no scope of it binds (assigns, imports, defines, takes as a
    parameter): the builtins it relies on. From its symtable, which the syntax check already built."""
    read, bound, todo = set(), set(), [table]
    while todo:
        t = todo.pop()
        todo.extend(t.get_children())
        for sym in t.get_symbols():
            if sym.is_assigned() or sym.is_imported() or sym.is_parameter() or sym.is_namespace():
                bound.add(sym.get_name())
            elif sym.is_referenced():
                read.add(sym.get_name())
    return read - bound


def python2_evidence(code, table=None, syntax_error=None):
    """Why `code` is Python 2 (a short text), or None. `table`: its symtable where the syntax
    check built one; `syntax_error`: what ast.parse said of it as Python 3, when it did not parse."""
    if syntax_error is not None:
        return next((f"Python 2 syntax ({message})" for message in PY2_SYNTAX if message in syntax_error), None)
    if not _WORDS.search(code):  # most programs: nothing to look at
        return None
    if table is not None:
        names = sorted(free_names(table) & PY2_BUILTINS)
        attributes = sorted(set(_ATTRIBUTE.findall(code)))
    else:
        names, attributes = _from_ast(code)
    if names:
        return f"uses {', '.join(names)}, Python 2 only"
    if attributes:
        return f"calls .{', .'.join(attributes)}, Python 2 only"
    return None


def _from_ast(code):
    """(free Python 2 builtins, Python 2 methods) of code that parses but that symtable refused."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [], []
    bound, loaded, attributes = set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Attribute) and node.attr in PY2_ATTRIBUTES:
            attributes.add(node.attr)
    return sorted((loaded - bound) & PY2_BUILTINS), sorted(attributes)
