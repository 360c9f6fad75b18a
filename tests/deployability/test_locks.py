"""Locked children: the plan names what a CanNotDelete lock keeps from being deleted, as a warning."""

from __future__ import annotations

from deployability import locked_children
from ops.plan import checks_named, run_checks
from preview.plan import Plan
from preview.view import PlanView


def children(plan: Plan) -> dict[str, set[str]]:
    return {found.lock.name: {c.name for c in found.children} for found in locked_children(PlanView.of(plan))}


def test_prod_locks_name_their_children_and_extensions(prod: Plan) -> None:
    found = children(prod)
    assert {
        "platform-lake-archive-lifecycle",
        "platform-lake-diagnostics",
        "platform-lake-blob-diagnostics",
        "platform-adf-lake-blob-contributor",
        "platform-adf-content-trigger-TR_Events_BronzeCreated",
    } <= found["platform-lake-lock"]
    assert {
        "platform-key-vault-diagnostics",
        "platform-generator-generator-function-key",
        "platform-key-vault-deployer-secrets-officer",
    } <= found["platform-key-vault-lock"]
    assert "platform-lake-account" not in found["platform-lake-lock"]


def test_stacks_without_locks_have_no_locked_children(dev: Plan) -> None:
    assert children(dev) == {}


def test_locked_children_are_a_warning_not_a_failure(prod: Plan) -> None:
    lines: list[str] = []
    run_checks(PlanView.of(prod), checks_named(["deployability"]), warn=lines.append)
    assert len(lines) == 2
    assert all(line.startswith("warning: deployability: lock 'platform-") for line in lines)
    assert "removing one from the program fails with ScopeLocked until the lock is removed first" in lines[0]
