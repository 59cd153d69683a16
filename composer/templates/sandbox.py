"""What a template may not do, checked before it ever runs.

Jinja's `SandboxedEnvironment` refuses unsafe attribute access at render time, but not always with
a security error: `{{ range.__self__ }}` is merely undefined, `{{ lipsum }}` prints a function and
`{{ config }}` (a Flask idiom) is just an unknown name. A note template only needs its answers, so
we refuse statically, with the template's own line: any attribute, item or filter attribute whose
name starts with `_`, and the names that lead to Python internals (`self`, `lipsum`, `cycler`,
`joiner`, `config`, `request`, ...). `templates check` reports these; rendering raises them as a
`SandboxError` (exit 2), so `draft` refuses the template too.

At render time every render gets a `Budget`: loop iterations, calls and filter applications are
counted and timed (`MAX_STEPS`, `MAX_SECONDS`), and whatever a step builds (a string, a list, an
integer) is size-checked, before it is built where one step could build something huge (`'x' * n`,
`'x'|center(n)`, `'%999999999d' % 1`, `sep.join(...)`, `s.replace(...)`) and after it otherwise
(`~` and `+` in a loop can only double). See SECURITY.md for what this does and does not promise.
"""

from __future__ import annotations

import math
import re
import string
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache, wraps
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.meta import TrackingCodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

#: Names a template must not use unless it declares a question with that name (then it is just text).
#: Jinja's own helpers lead to Python functions and classes; the rest are server-side template idioms
#: that template-injection payloads probe for.
REFUSED_NAMES = frozenset(
    {"self", "lipsum", "cycler", "joiner", "config", "request", "session", "url_for", "get_flashed_messages"}
)

#: Names a question may not take: Jinja binds them itself (`self` is the template, `loop` the loop,
#: `caller` a macro's caller...), so an answer by that name would be shadowed by an internal object.
RESERVED_NAMES = REFUSED_NAMES | frozenset(
    {
        "loop",
        "caller",
        "varargs",
        "kwargs",
        "super",
        "range",
        "dict",
        "namespace",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
    }
)

#: Filters whose first argument names an attribute to read (`attribute=` is checked on every filter).
_ATTRIBUTE_FILTERS = frozenset({"attr", "selectattr", "rejectattr", "groupby"})

#: Caps on the few operations that could exhaust memory even inside the sandbox.
MAX_POWER = 100
MAX_REPEAT = 10_000
MAX_OUTPUT = 100_000
#: The largest string, list or mapping any single step of a render may produce.
MAX_SIZE = MAX_OUTPUT
#: The largest integer (in bits) arithmetic may produce; about 1,200 decimal digits.
MAX_INT_BITS = 4096
#: The largest width, count or precision a filter or string method may be given (`center(n)`, `%*d`).
MAX_WIDTH = 1_000
#: Loop iterations + calls + filter applications in one render, and its wall-clock budget.
MAX_STEPS = 100_000
MAX_SECONDS = 2.0

#: Filters and str methods whose integer arguments are widths or counts (capped at MAX_WIDTH).
_WIDTH_FILTERS = frozenset({"center", "indent", "truncate", "wordwrap", "slice", "batch", "round", "filesizeformat"})
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})

#: Names of the guards `instrument` wires into a parsed template (unreachable to authors: they start with `_`).
LOOP_GUARD = "_invite_loop"
SIZE_GUARD = "_invite_sized"

HINT = "templates may only use their answers, not Python internals"
TOO_DEEP = "the template nests too deeply (expressions, macros or calls)"


def _private(name: str) -> bool:
    return any(part.startswith("_") for part in name.split("."))


def _const_str(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def unsafe_uses(ast: nodes.Template, allowed_names: Iterable[str] = ()) -> list[tuple[int, str]]:
    """(line within the body, message) for every construct that reaches for Python internals."""
    allowed = set(allowed_names)
    found: list[tuple[int, str]] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name, nodes.Filter, nodes.Test, nodes.For)):
        message = _problem(node, allowed)
        if message:
            found.append((node.lineno, f"refused by the sandbox: {message}; {HINT}"))
    return sorted(set(found))


def _problem(node: Any, allowed: set[str]) -> str | None:
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
        named = [arg for arg in node.args[:1] if node.name in _ATTRIBUTE_FILTERS]
        if node.name == "map" and len(node.args) >= 2 and _const_str(node.args[0]) == "attr":
            named.append(node.args[1])
        named += [keyword.value for keyword in node.kwargs if keyword.key == "attribute"]
        for arg in named:
            name = _const_str(arg)
            if name is None and not (isinstance(arg, nodes.Const) and isinstance(arg.value, int)):
                return f"the {node.name!r} filter needs a literal attribute name"
            if name is not None and _private(name):
                return f"access to attribute {name!r} is not allowed"
    if isinstance(node, nodes.For) and node.recursive:
        return "recursive loops are not allowed"
    return None


def check_binop(operator: str, left: Any, right: Any) -> str | None:
    """A message if `left operator right` would build something huge (`'a' * 10**9`, `9**9**9`)."""
    if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
        return f"exponent {right} is larger than the sandbox allows ({MAX_POWER})"
    if operator == "**" and _is_int(left) and _is_int(right) and left.bit_length() * abs(right) > MAX_INT_BITS:
        return "the power is a larger number than the sandbox allows"
    if operator == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                return f"repeating a {type(seq).__name__} to {len(seq) * count} items is larger than the sandbox allows"
        if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            return "the product is a larger number than the sandbox allows"
    if operator == "%" and isinstance(left, str):
        return check_printf(left)
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d+)?(?:\.(\*|\d+))?")
_FORMAT_NUMBER = re.compile(r"\d+")


def check_printf(fmt: str) -> str | None:
    """A message if a `%` format would pad to a huge width (`'%999999999d' % 1`) or take it from data (`%*d`)."""
    for match in _PRINTF_SPEC.finditer(fmt.replace("%%", "")):
        for number in match.groups():
            if number == "*":
                return "a '*' width or precision in a % format is not allowed"
            if number is not None and int(number) > MAX_WIDTH:
                return f"a % format width of {number} is larger than the sandbox allows ({MAX_WIDTH})"
    return None


def check_format_spec(fmt: str) -> str | None:
    """A message if `str.format`'s specs pad to a huge width (`'{:>999999999}'`) or are nested."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return None  # str.format itself reports the malformed string
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            return "nested format specs are not allowed"
        if any(int(number) > MAX_WIDTH for number in _FORMAT_NUMBER.findall(spec)):
            return f"a format width in {spec!r} is larger than the sandbox allows ({MAX_WIDTH})"
    return None


def check_size(value: Any) -> str | None:
    """A message if one step of a render produced something larger than any note needs."""
    if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) and len(value) > MAX_SIZE:
        unit = "characters" if isinstance(value, str | bytes) else "items"
        return f"the template built a {type(value).__name__} of {len(value)} {unit}, more than the sandbox allows ({MAX_SIZE})"
    if _is_int(value) and value.bit_length() > MAX_INT_BITS:
        return "the template built a larger number than the sandbox allows"
    return None


def check_widths(name: str, args: Iterable[Any]) -> str | None:
    """A message if a width/count argument (`center(n)`, `indent(n)`, `slice(n)`) is huge or not a number at all (NaN)."""
    for arg in args:
        if isinstance(arg, float) and not math.isfinite(arg):
            return f"{name}({arg}) needs a finite number"
        if (_is_int(arg) or isinstance(arg, float)) and abs(arg) > MAX_WIDTH:
            return f"{name}({arg}) is larger than the sandbox allows ({MAX_WIDTH})"
    return None


def check_join(separator: Any, items: list[Any]) -> str | None:
    """A message if joining items would build a huge string (`range(100000)|join('x' * 10000)`)."""
    size = len(str(separator)) * max(len(items) - 1, 0) + sum(len(str(item)) for item in items[: MAX_SIZE + 1])
    if size > MAX_SIZE:
        return f"joining {len(items)} items builds {size} characters, more than the sandbox allows ({MAX_SIZE})"
    return None


def check_replace(text: Any, old: Any, new: Any, count: Any = -1) -> str | None:
    """A message if a replace would build a huge string (`('x' * 10000)|replace('x', 'y' * 10000)`)."""
    text, old, new = str(text), str(old), str(new)
    hits = len(text) + 1 if old == "" else text.count(old)
    if _is_int(count) and count >= 0:
        hits = min(hits, count)
    size = len(text) + hits * (len(new) - len(old))
    if size > MAX_SIZE:
        return f"the replacement builds {size} characters, more than the sandbox allows ({MAX_SIZE})"
    return None


# --------------------------------------------------------------------------- the render budget


class Budget:
    """Steps and time one render may take; `step()` raises a SecurityError once either runs out."""

    def __init__(self, max_steps: int = MAX_STEPS, max_seconds: float = MAX_SECONDS) -> None:
        self.steps = 0
        self.max_steps = max_steps
        self.max_seconds = max_seconds
        self.deadline = time.monotonic() + max_seconds

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise SecurityError(f"the template ran more than {self.max_steps} loop steps and calls")
        if time.monotonic() > self.deadline:
            raise SecurityError(f"the template ran for more than {self.max_seconds:g} seconds")


_BUDGET: ContextVar[Budget | None] = ContextVar("invite_render_budget", default=None)


@contextmanager
def budget(max_steps: int = MAX_STEPS, max_seconds: float = MAX_SECONDS) -> Iterator[Budget]:
    """Give the renders inside the block a fresh budget."""
    current = Budget(max_steps, max_seconds)
    token = _BUDGET.set(current)
    try:
        yield current
    finally:
        _BUDGET.reset(token)


def step() -> None:
    """Count one step against the current render's budget (a no-op outside `budget()`)."""
    current = _BUDGET.get()
    if current is not None:
        current.step()


def guarded_loop(iterable: Any) -> Iterator[Any]:
    """What `instrument` puts around every `{% for %}`'s iterable: each iteration is a step."""
    for item in iterable:
        step()
        yield item


def sized(value: Any) -> Any:
    """What `instrument` puts around every `~`: the environment's `call` size-checks the result."""
    return value


def instrument(ast: nodes.Template, environment: Any) -> nodes.Template:
    """Wrap every loop's iterable in `LOOP_GUARD(...)` and every `~` in `SIZE_GUARD(...)`, in place."""

    def guard(name: str, node: nodes.Node) -> nodes.Expr:
        call = nodes.Call(nodes.Name(name, "load"), [node], [], None, None, lineno=node.lineno)
        call.set_environment(environment)
        return call

    class Instrument(NodeTransformer):
        def visit_For(self, node: nodes.For) -> nodes.Node:
            self.generic_visit(node)
            node.iter = guard(LOOP_GUARD, node.iter)
            return node

        def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
            self.generic_visit(node)
            return guard(SIZE_GUARD, node)

    return Instrument().visit(ast)


def guard_filter(name: str, func: Any) -> Any:
    """A filter that counts as a step, refuses huge widths and joins, and size-checks its result."""
    skip = 2 if getattr(func, "jinja_pass_arg", None) is not None else 1  # (context,) value, *args

    @wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        step()
        problem = None
        if name in _WIDTH_FILTERS:
            problem = check_widths(name, [*args[skip:], *kwargs.values()])
        elif name == "format" and len(args) >= skip:
            problem = check_printf(str(args[skip - 1]))
        elif name == "join" and len(args) >= skip:
            items = list(args[skip - 1])  # iterated once here, so the check sees what the filter joins
            args = (*args[: skip - 1], items, *args[skip:])
            problem = check_join(args[skip] if len(args) > skip else kwargs.get("d", ""), items)
        elif name == "replace" and len(args) >= skip + 2:
            problem = check_replace(*args[skip - 1 : skip + 3])
        if problem is None:
            result = func(*args, **kwargs)
            problem = check_size(result)
        if problem:
            raise SecurityError(problem)
        return result

    return guarded


def check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """A message if calling a str method would build something huge before the call builds it."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return None
    if name in _WIDTH_METHODS:
        return check_widths(name, [*args, *kwargs.values()])
    if name == "join" and args and isinstance(args[0], list):
        return check_join(owner, args[0])
    if name == "replace" and len(args) >= 2:
        return check_replace(owner, *args[:3])
    return None


# --------------------------------------------------------------------------- the environment


def _refuse(problem: str | None) -> None:
    if problem:
        raise SecurityError(problem)


class NoteSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (lists and dicts immutable), plus the step/time budget and size caps on every step."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _refuse(check_binop(operator, left, right))
        result = super().call_binop(context, operator, left, right)
        _refuse(check_size(result))
        return result

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        step()
        if getattr(obj, "__name__", "") == "join" and args and not isinstance(args[0], list):
            args = (list(args[0]), *args[1:])  # so the size check sees what str.join will join
        _refuse(check_call(obj, args, kwargs))
        result = super().call(context, obj, *args, **kwargs)
        _refuse(check_size(result))
        return result

    def wrap_str_format(self, value: Any) -> Any:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _refuse(check_format_spec(value.__self__))
        return wrapped


@cache
def environment() -> NoteSandbox:
    """One sandboxed environment per process: StrictUndefined, no autoescape (plain text), guarded filters."""
    # optimized=False: Jinja's optimizer folds constant expressions while compiling, which would run
    # template code (`'x'|wordwrap('nan'|float)` never ends) during mere analysis, before any budget.
    env = NoteSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, optimized=False)
    for helper in ("lipsum", "cycler", "joiner"):  # Python objects a note never needs
        env.globals.pop(helper, None)
    env.globals[LOOP_GUARD] = guarded_loop
    env.globals[SIZE_GUARD] = sized
    env.filters = {name: guard_filter(name, func) for name, func in env.filters.items()}
    return env


def undeclared_variables(ast: nodes.Template) -> set[str]:
    """The names a template reads from its context, found without running any of its code.

    `jinja2.meta.find_undeclared_variables` compiles with Jinja's optimizer, which folds constant
    expressions by calling them (`'x'|wordwrap('nan'|float)` never returns); this is the same walk
    with the optimizer off.
    """
    codegen = TrackingCodeGenerator(ast.environment)  # type: ignore[arg-type]
    codegen.optimizer = None
    codegen.visit(ast)
    return set(codegen.undeclared_identifiers)
