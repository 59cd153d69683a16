"""What a template may not do, checked before it ever runs.

Jinja's `SandboxedEnvironment` refuses unsafe attribute access at render time, but not always with
a security error: `{{ range.__self__ }}` is merely undefined, `{{ lipsum }}` prints a function and
`{{ config }}` (a Flask idiom) is just an unknown name. A note template only needs its answers, so
we refuse statically, with the template's own line: any attribute, item or filter attribute whose
name starts with `_`, and the names that lead to Python internals (`self`, `lipsum`, `cycler`,
`joiner`, `config`, `request`, ...). `templates check` reports these; rendering raises them as a
`SandboxError` (exit 2), so `draft` refuses the template too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import nodes

#: Names a template must not use unless it declares a question with that name (then it is just text).
#: Jinja's own helpers lead to Python functions and classes; the rest are server-side template idioms
#: that template-injection payloads probe for.
REFUSED_NAMES = frozenset(
    {"self", "lipsum", "cycler", "joiner", "config", "request", "session", "url_for", "get_flashed_messages"}
)

#: Filters and tests whose `attribute=` (or, for `attr`, first argument) names an attribute to read.
_ATTRIBUTE_FILTERS = frozenset({"attr"})

#: Caps on the few operations that could exhaust memory even inside the sandbox.
MAX_POWER = 100
MAX_REPEAT = 10_000
MAX_OUTPUT = 100_000

HINT = "templates may only use their answers, not Python internals"


def _private(name: str) -> bool:
    return any(part.startswith("_") for part in name.split("."))


def _const_str(node: nodes.Node) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def unsafe_uses(ast: nodes.Template, allowed_names: Iterable[str] = ()) -> list[tuple[int, str]]:
    """(line within the body, message) for every construct that reaches for Python internals."""
    from jinja2 import nodes

    allowed = set(allowed_names)
    found: list[tuple[int, str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter, nodes.Test)):
        message = _problem(node, allowed, nodes)
        if message:
            found.append((node.lineno, f"refused by the sandbox: {message}; {HINT}"))
    return sorted(set(found))


def _problem(node: Any, allowed: set[str], nodes: Any) -> str | None:
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"access to attribute {node.attr!r} is not allowed"
    if isinstance(node, nodes.Getitem):
        key = _const_str(node.arg)
        if key is not None and key.startswith("_"):
            return f"access to item {key!r} is not allowed"
    refused_name = node.name in REFUSED_NAMES or node.name.startswith("_") if isinstance(node, nodes.Name) else False
    if refused_name and node.ctx == "load" and node.name not in allowed:
        return f"{node.name!r} is not available to templates"
    if isinstance(node, nodes.Filter | nodes.Test):
        if node.name in _ATTRIBUTE_FILTERS and node.args:
            name = _const_str(node.args[0])
            if name is None:
                return f"the {node.name!r} filter needs a literal attribute name"
            if _private(name):
                return f"access to attribute {name!r} is not allowed"
        for keyword in node.kwargs:
            name = _const_str(keyword.value)
            if keyword.key == "attribute" and name is not None and _private(name):
                return f"access to attribute {name!r} is not allowed"
    return None


def check_binop(operator: str, left: Any, right: Any) -> str | None:
    """A message if `left operator right` would build something huge (`'a' * 10**9`, `9**9**9`)."""
    if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
        return f"exponent {right} is larger than the sandbox allows ({MAX_POWER})"
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                return f"repeating a {type(seq).__name__} to {len(seq) * count} items is larger than the sandbox allows"
    return None
