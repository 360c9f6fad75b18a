"""The committed pictures in docs/ are the program's: their DOT is what the plan draws today, and each SVG was
rendered from that DOT, stands alone and is small enough to read at a normal screen width."""

from __future__ import annotations

import re

import pytest

from ops.diagram import default_output
from preview.diagram import VIEWS, source_digest
from preview.plan import Plan
from tests.support.checkout import PROJECT_DIR

STACKS = ("dev", "test", "prod")
MAX_WIDTH_PT = 1500
"""At most this wide, an 11-point label is still 11.7 pixels tall when the picture is shown 1600 pixels wide."""


def regenerate(stack: str) -> str:
    return f"run `python -m ops diagram --stack {stack}` and commit docs/*-{stack}.dot and .svg"


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("stack", STACKS)
def test_committed_dot_is_what_the_plan_draws(plans: dict[str, Plan], stack: str, view: str) -> None:
    committed = default_output(PROJECT_DIR, view, stack).with_suffix(".dot")
    assert committed.is_file(), f"docs/{committed.name} is missing; {regenerate(stack)}"
    assert committed.read_text(encoding="utf-8") == VIEWS[view](plans[stack]), (
        f"docs/{committed.name} no longer matches the program's {stack} plan; {regenerate(stack)}"
    )


@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("stack", STACKS)
def test_committed_svg_was_rendered_from_the_committed_dot_and_stands_alone(stack: str, view: str) -> None:
    output = default_output(PROJECT_DIR, view, stack)
    dot, svg = output.with_suffix(".dot"), output.with_suffix(".svg")
    assert svg.is_file(), f"docs/{svg.name} is missing; {regenerate(stack)}"
    text = svg.read_text(encoding="utf-8")
    digest = source_digest(dot.read_text(encoding="utf-8"))
    assert f"<!-- DOT source sha256: {digest} -->" in text, (
        f"docs/{svg.name} is older than its .dot; {regenerate(stack)}"
    )
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert all(href.startswith("data:image/png;base64,") for href in hrefs), "an icon is referenced, not inlined"
    assert len(hrefs) == dot.read_text(encoding="utf-8").count("<IMG SRC="), "every icon of the DOT is drawn"
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text)
    assert size is not None
    assert float(size.group(1)) <= MAX_WIDTH_PT, f"docs/{svg.name} is {size.group(1)} points wide"
