"""Arithmetic on Values from a string such as "(a*b + c).tanh()": parsed with Python's `ast`, never evaluated.

Only these are accepted: numbers, names of the given variables (as written: Python's parser would read ℕ as N and
𝐚 as a, we keep them apart, comparing names in Unicode's NFC form), + - * / **, unary minus, and calls without arguments
of the engine's methods (`.relu()`, `.tanh()`, `.sigmoid()`, `.exp()`, `.log()`). Anything else — attributes,
subscripts, other calls, lambdas, strings... — is an ExpressionError, and so is an expression that is too long or
nested too deeply (more than MAX_DEPTH levels of parentheses, or of operators and calls), before Python's parser or
our evaluation could run out of stack.

>>> from micrograd import Value
>>> out = build("(a*b + c).tanh()", {"a": Value(2.0), "b": Value(-3.0), "c": Value(10.0)})
>>> round(out.data, 4)
0.9993
"""

import ast
import operator
import unicodedata
import warnings

from micrograd.autograd import Value

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100  # levels of nesting, counted twice: parentheses in the text, and operators and calls in the tree
TOO_DEEP = f"the expression is nested too deeply (at most {MAX_DEPTH} levels)"

METHODS = ("relu", "tanh", "sigmoid", "exp", "log")
BINARY_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


class ExpressionError(ValueError):
    """The expression is not one we build: the message says why, in one line."""


def build(text, variables):
    """The Value that the expression `text` computes from `variables` (a dict from name to Value)."""
    if not isinstance(text, str):
        raise TypeError(f"the expression must be a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text):,} characters long; at most {MAX_LENGTH:,} are allowed")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    _check_parentheses(text)
    source = text.strip()
    try:
        with warnings.catch_warnings():  # e.g. "1if a else 2" warns "invalid decimal literal"; we refuse it anyway
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:  # also Python's own "too many nested parentheses"
        raise ExpressionError(f"invalid syntax: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(TOO_DEEP) from None
    names = _check(tree.body, source)
    undefined = [name for name in names if name not in variables]
    if undefined:
        listed = ", ".join(undefined)
        raise ExpressionError(f"undefined name{'s' if len(undefined) > 1 else ''} {listed}: give values with --set")
    result = _evaluate(tree.body, variables)
    if not isinstance(result, Value):
        raise ExpressionError("the expression uses no variable, so it has no gradient to show")
    return result


def _check_parentheses(text):
    """Refuse more than MAX_DEPTH nested parentheses: they leave no trace in the tree that `_check` measures."""
    depth = 0
    for character in text:
        if character == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(TOO_DEEP)
        elif character == ")":
            depth -= 1


def _check(tree, source):
    """The names the expression uses, in order of first appearance, after checking that it uses only what we allow.
    Each name becomes the one written in `source` (see name_as_written).

    Iterative, with an explicit stack: the tree may be deep, and its depth is what we check.
    """
    names = []
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(TOO_DEEP)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):  # not bool, complex or str
            continue
        if isinstance(node, ast.Name):
            node.id = name_as_written(ast.get_source_segment(source, node))
            if node.id not in names:
                names.append(node.id)
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
            operands = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operands = [node.operand]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in METHODS:
            if node.args or node.keywords:
                raise ExpressionError(f".{node.func.attr}() takes no arguments")
            operands = [node.func.value]
        else:
            raise ExpressionError(f"{_describe(node)} is not allowed; {ALLOWED}")
        stack.extend((operand, depth + 1) for operand in reversed(operands))  # left first, as written
    return names


def name_as_written(name):
    """A variable's name as the user wrote it, in NFC form. Not Python's NFKC, which makes ℕ the same name as N: the
    user who writes `ℕ*2 --set ℕ=3` expects ℕ. NFC only joins spellings that look the same (é as one or two code
    points)."""
    return unicodedata.normalize("NFC", name)


def _evaluate(node, variables):
    """The Value (or number) that a checked expression computes: recursion is safe, as its depth is bounded."""
    if isinstance(node, ast.Constant):
        try:
            return float(node.value)
        except OverflowError:
            raise ExpressionError(f"the number {str(node.value)[:20]}... is too large for a float") from None
    if isinstance(node, ast.Name):
        return variables[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_evaluate(node.operand, variables)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, variables), _evaluate(node.right, variables)
        operation = BINARY_OPERATORS[type(node.op)]
        if isinstance(left, Value) or isinstance(right, Value):
            return operation(left, right)
        return operation(Value(left), right).data  # two numbers: the engine's arithmetic, so 1/0 is inf, as in torch
    method = node.func.attr  # a call of one of METHODS
    operand = _evaluate(node.func.value, variables)
    return getattr(operand, method)() if isinstance(operand, Value) else getattr(Value(operand), method)().data


ALLOWED = "allowed are numbers, variables, + - * / **, unary minus and .relu() .tanh() .sigmoid() .exp() .log()"
_SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
    ast.BitXor: "^", ast.BitAnd: "&", ast.UAdd: "unary +", ast.Not: "not", ast.Invert: "~", ast.And: "and",
    ast.Or: "or",
}  # fmt: skip


def _describe(node):
    """What the user wrote, in a few words, for the error message."""
    if isinstance(node, ast.Constant):
        return f"the constant {ast.unparse(node)[:40]}"
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return f"the call {node.func.id}()"
        if isinstance(node.func, ast.Attribute):
            return f"the call .{node.func.attr}()"
        return "a call"
    if isinstance(node, ast.Attribute):
        return f"the attribute .{node.attr}"
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp)):
        return f"the operator {_SYMBOLS.get(type(node.op), type(node.op).__name__)}"
    if isinstance(node, ast.Compare):
        return "a comparison"
    return f"{type(node).__name__.lower()} syntax"  # e.g. lambda, subscript, list, ifexp
