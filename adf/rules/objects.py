"""Limits on any object: its size in bytes, and the length of each expression it holds."""

from __future__ import annotations

from adf.model import AdfItem, AdfKind
from adf.rules.rule import Rule
from adf.rules.sources import LIMITS

KB = 1024
"""The limits page gives sizes in KB; read as 1,024 bytes."""
MAX_BYTES = {AdfKind.PIPELINE: 200 * KB, AdfKind.DATASET: 100 * KB, AdfKind.LINKED_SERVICE: 100 * KB}
MAX_EXPRESSION = 8192

OBJECT_SIZE = Rule(
    "object-size",
    "pipeline, dataset, linked service",
    "pipeline 200 KB; dataset, linked service 100 KB",
    "A pipeline object is at most 200 KB; a dataset or linked service object at most 100 KB by default (2,000 KB "
    "on request).",
    (LIMITS,),
    "The largest objects ADF published are a 48 KB pipeline and a 12 KB dataset; docs only.",
)
EXPRESSION_LENGTH = Rule(
    "expression-length",
    "any expression",
    f"{MAX_EXPRESSION} characters",
    "An expression has at most 8,192 characters.",
    (LIMITS,),
    "No published object holds a longer expression; docs only.",
)


def check_object(item: AdfItem, problems: list[str]) -> None:
    limit = MAX_BYTES.get(item.kind)
    if limit is not None:
        size = len(item.compact_json.encode())
        if size > limit:
            what = f"the {item.kind} is {size:,} bytes as compact JSON, more than {limit // KB} KB"
            problems.append(OBJECT_SIZE.finding(item.file, "properties", what))
    for path, value in item.property_nodes():
        if isinstance(value, str) and len(value) > MAX_EXPRESSION and ("@" in value) and _is_expression(value):
            what = f"an expression of {len(value):,} characters"
            problems.append(EXPRESSION_LENGTH.finding(item.file, path, what))


def _is_expression(text: str) -> bool:
    """A whole-value expression ('@...') or a string with interpolations ('...@{...}...')."""
    return (text.startswith("@") and not text.startswith("@@")) or "@{" in text
