"""A small evaluator of ADF pipeline expressions: the functions the committed pipelines use, and no others.

Why hand-written: the maintained evaluator, data-factory-testing-framework, runs ADF's expression language on .NET
through pythonnet's coreclr runtime, which these machines cannot install (README, "Testing ADF expressions").

Supported, each checked against the expression reference
(https://learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions) by
tests/pipelines_json/test_expression_reference.py:

* literals: 'strings' (`''` is a quote), integers (negative too), true, false;
* the functions concat, split, join, skip, replace, createArray, formatDateTime and addHours;
* the run's scope: pipeline(), item(), dataset(), trigger(), triggerBody() and activity('<name>'), with `.property`
  access on what they return.

formatDateTime and addHours take .NET's custom date format specifiers yyyy, MM, dd, HH, mm, ss, f to fffffff and K,
and the standard format "o" (their default), other letters being copied as they are, as .NET copies any character
that is no specifier (https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings).
Anything else raises ValueError, so a test never passes on an expression it did not evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+)|(?P<name>[A-Za-z_]\w*)|(?P<punct>[(),.]))")
_FORMAT_PART = re.compile(r"yyyy|MM|dd|HH|mm|ss|f{1,7}|K|([A-Za-z])\1*|[^A-Za-z]+")
_SPECIFIER_LETTERS = frozenset("dfFghHKmMstyz")
"""The letters .NET reads as custom date format specifiers; any other letter is copied unchanged."""
ROUND_TRIP = "yyyy-MM-ddTHH:mm:ss.fffffffK"
"""The standard format "o", the default of the date functions (the reference's `["o"]` link)."""
SCOPE_FUNCTIONS = ("pipeline", "item", "dataset", "trigger", "triggerBody")
LITERALS = {"true": True, "false": False}


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read {text[position:]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def parse_timestamp(timestamp: str) -> datetime:
    """An ISO 8601 timestamp (up to 7 fraction digits, as ADF writes them), or `MM/dd/yyyy HH:mm:ss` (the
    reference's formatDateTime example); naive when it names no zone."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", timestamp.strip()).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.strptime(timestamp.strip(), "%m/%d/%Y %H:%M:%S")
    except ValueError:
        raise ValueError(f"{timestamp!r} is not a timestamp this evaluator reads") from None


def _zone(moment: datetime) -> str:
    """.NET's K: Z for UTC, +hh:mm for another offset, nothing for a time without a zone."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if offset == timedelta(0):
        return "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_moment(moment: datetime, dotnet_format: str = "o") -> str:
    """The moment in a .NET date format: the specifiers above, "o", and literal characters."""
    if dotnet_format == "o":
        dotnet_format = ROUND_TRIP
    elif len(dotnet_format) == 1:
        # One character is a standard format ("D", "s", ...); of those only "o" is supported.
        raise ValueError(f"standard format {dotnet_format!r} is not supported here")
    out = []
    for match in _FORMAT_PART.finditer(dotnet_format):
        part = match.group(0)
        fixed = {
            "yyyy": f"{moment.year:04d}",
            "MM": f"{moment.month:02d}",
            "dd": f"{moment.day:02d}",
            "HH": f"{moment.hour:02d}",
            "mm": f"{moment.minute:02d}",
            "ss": f"{moment.second:02d}",
            "K": _zone(moment),
        }
        if part in fixed:
            out.append(fixed[part])
        elif part.startswith("f") and set(part) == {"f"}:
            out.append(f"{moment.microsecond:06d}0"[: len(part)])
        elif part[0] in _SPECIFIER_LETTERS:
            raise ValueError(f"format token {part!r} is not supported here")
        else:
            out.append(part)
    return "".join(out)


def format_date_time(timestamp: str, dotnet_format: str = "o") -> str:
    """formatDateTime(timestamp, format?)."""
    return format_moment(parse_timestamp(timestamp), dotnet_format)


def add_hours(timestamp: str, hours: int, dotnet_format: str = "o") -> str:
    """addHours(timestamp, hours, format?)."""
    return format_moment(parse_timestamp(timestamp) + timedelta(hours=hours), dotnet_format)


def _join(items: list[Any], delimiter: str) -> str:
    return delimiter.join(_text(item) for item in items)


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _skip(items: list[Any], count: int) -> list[Any]:
    if not isinstance(items, list):
        raise ValueError(f"skip() takes an array, not {items!r}")
    return items[count:]


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "concat": lambda *texts: "".join(_text(text) for text in texts),
    "split": lambda text, delimiter: str(text).split(delimiter),
    "join": _join,
    "skip": _skip,
    "replace": lambda text, old, new: str(text).replace(old, new),
    "createArray": lambda *items: list(items),
    "formatDateTime": format_date_time,
    "addHours": add_hours,
}
"""The functions, by their name in the expression language."""
SUPPORTED = frozenset({*FUNCTIONS, *SCOPE_FUNCTIONS, "activity"})


class _Parser:
    def __init__(self, text: str, scope: Mapping[str, Any]) -> None:
        self.tokens = _tokens(text)
        self.scope = scope

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if not self.tokens:
            raise ValueError("the expression ends too early")
        token = self.tokens.pop(0)
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r}, found {token[1]!r}")
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return int(text)
        if kind == "name" and text in LITERALS and (not self.tokens or self.tokens[0][1] != "("):
            return LITERALS[text]
        if kind != "name":
            raise ValueError(f"unexpected {text!r}")
        self.take("(")
        arguments = []
        while self.tokens and self.tokens[0][1] != ")":
            arguments.append(self.value())
            if self.tokens and self.tokens[0][1] == ",":
                self.take(",")
        self.take(")")
        result = self.call(text, arguments)
        while self.tokens and self.tokens[0][1] == ".":
            self.take(".")
            result = result[self.take()[1]]
        return result

    def call(self, name: str, arguments: list[Any]) -> Any:
        if name in FUNCTIONS:
            return FUNCTIONS[name](*arguments)
        if name in SCOPE_FUNCTIONS and not arguments:
            return self.scope[name]
        if name == "activity" and len(arguments) == 1:
            return self.scope["activity"][arguments[0]]
        raise ValueError(f"function {name}() is not supported here")


def evaluate(value: Any, scope: Mapping[str, Any]) -> Any:
    """The value of a property: a literal as is, `@...` or `{"value": "@...", "type": "Expression"}` evaluated.

    `scope` holds what the run's scope functions return: {"pipeline": {...}, "item": ..., "dataset": {...},
    "trigger": {...}, "triggerBody": {...}, "activity": {"<name>": {...}}}.
    """
    if isinstance(value, dict) and value.get("type") == "Expression":
        value = value["value"]
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    parser = _Parser(value[1:], scope)
    result = parser.value()
    if parser.tokens:
        raise ValueError(f"unexpected {parser.tokens[0][1]!r} in {value!r}")
    return result


def call(expression: str) -> Any:
    """An expression without the leading `@` and without scope, as the reference writes its examples."""
    return evaluate(f"@{expression}", {})
