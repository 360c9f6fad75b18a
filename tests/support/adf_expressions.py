"""A tiny evaluator for the few ADF expression functions the committed pipelines use.

Supported: string literals, `concat(...)`, `formatDateTime(timestamp, format)` with the .NET
format tokens yyyy, MM, dd, HH, mm and ss, and property access on `pipeline()`, `item()` and
`dataset()`. Anything else raises, so a test never passes on an expression it did not evaluate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<name>[A-Za-z_]\w*)|(?P<punct>[(),.]))")
_FORMAT_TOKENS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}


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


def format_date_time(timestamp: str, dotnet_format: str) -> str:
    """ADF's formatDateTime for the date and time tokens above; other letters are refused."""
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    parts = re.findall(r"yyyy|MM|dd|HH|mm|ss|[A-Za-z]+|[^A-Za-z]+", dotnet_format)
    out = []
    for part in parts:
        if part[0].isalpha() and part not in _FORMAT_TOKENS:
            raise ValueError(f"format token {part!r} is not supported here")
        out.append(moment.strftime(_FORMAT_TOKENS[part]) if part in _FORMAT_TOKENS else part)
    return "".join(out)


class _Parser:
    def __init__(self, text: str, scope: Mapping[str, Any]) -> None:
        self.tokens = _tokens(text)
        self.scope = scope

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens.pop(0)
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r}, found {token[1]!r}")
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind != "name":
            raise ValueError(f"unexpected {text!r}")
        self.take("(")
        arguments = []
        while self.tokens[0][1] != ")":
            arguments.append(self.value())
            if self.tokens[0][1] == ",":
                self.take(",")
        self.take(")")
        result = self.call(text, arguments)
        while self.tokens and self.tokens[0][1] == ".":
            self.take(".")
            result = result[self.take()[1]]
        return result

    def call(self, name: str, arguments: list[Any]) -> Any:
        if name == "concat":
            return "".join(str(argument) for argument in arguments)
        if name == "formatDateTime":
            return format_date_time(*arguments)
        if name in ("pipeline", "item", "dataset") and not arguments:
            return self.scope[name]
        raise ValueError(f"function {name}() is not supported here")


def evaluate(value: Any, scope: Mapping[str, Any]) -> Any:
    """The value of a property: a literal as is, `@...` or `{"value": "@...", "type": "Expression"}` evaluated."""
    if isinstance(value, dict) and value.get("type") == "Expression":
        value = value["value"]
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    parser = _Parser(value[1:], scope)
    result = parser.value()
    if parser.tokens:
        raise ValueError(f"unexpected {parser.tokens[0][1]!r} in {value!r}")
    return result
