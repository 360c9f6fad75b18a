"""The offline plan with every check over it: what `ops plan` and `ops diagram` both run.

The engine (`preview`) runs the program under mocks; this module adds the checks that need other
packages, so the engine depends on none of them. Before the program runs, the SQL scripts are checked
against the ADF content (`migrations`); after it, each check in `CHECKS` reads the plan's one view
(`preview.view.PlanView`) and returns its violations: every resource against the provider schema
(`preview.schema`), the security baseline (`policy`), what Azure refuses (`deployability`), whether
every caller has a network path to each data plane it talks to (`reachability`), and whether the deploy,
replayed in the engine's order, reaches each data plane when it calls it (`rehearsal`). Each check's failing
violations raise its own `ViolationsError`, which the command line turns into exit code 2; the others
are printed as warnings.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

import deployability
import reachability
import rehearsal
from adf.convert import authoring_place
from adf.load import Inspection, inspect_content
from adf.model import AdfItem, ContentError
from policy import offline as policy
from preview.plan import Plan, collector_paused, run_program
from preview.schema import SchemaCheckError, SchemaViolation
from preview.schema.plan_check import check as schema_check
from preview.view import PlanView
from stack.errors import InputError, ViolationsError
from stack.facts import stale_table_warnings

V = TypeVar("V")


class InputProblemsError(InputError):
    """Problems of several inputs found before planning (the ADF content and the SQL scripts), all at once."""

    def __init__(self, sections: list[str]) -> None:
        super().__init__("\n".join(sections))


def check_sql(project_dir: Path, found: Inspection) -> None:
    """The SQL scripts parse and define every table and procedure the ADF content names.

    When they do not, the ADF content's own problems are reported with them, so one run shows everything.
    """
    from migrations.catalog import SqlScriptError
    from migrations.references import project_problems

    if not (project_dir / "sql").is_dir():
        return
    problems = project_problems(found.items, project_dir / "sql")
    if not problems:
        return
    sql = f"{len(problems)} problem(s) in sql/:\n  " + "\n  ".join(problems)
    if found.problems:
        raise InputProblemsError([str(ContentError(found.problems)), sql])
    raise SqlScriptError(sql)


class AuthoringSchemaError(SchemaCheckError):
    """Schema violations, those of ADF content named by file and path in the authoring JSON."""

    def __init__(self, violations: list[SchemaViolation], content: Sequence[AdfItem]) -> None:
        super().__init__(violations, shown=[_authoring_line(violation, content) for violation in violations])


def _authoring_line(violation: SchemaViolation, content: Sequence[AdfItem]) -> str:
    name = violation.resource.rsplit("::", 1)[-1]
    place = authoring_place(content, violation.type_token, name, violation.path)
    return f"{place}: {violation.reason}" if place else str(violation)


def _fails(_violation: object) -> str | None:
    return None


@dataclass(frozen=True)
class Check(Generic[V]):
    """One check over the plan's view: its name, what it finds, and how what it finds is reported."""

    name: str
    """What callers choose it by, and what the line after a clean plan names."""
    find: Callable[[PlanView], Sequence[V]]
    """Every violation in the plan."""
    error: Callable[[list[V], Sequence[AdfItem]], ViolationsError]
    """The one error that lists the violations that fail the plan (ADF content's own are shown at their file)."""
    warning: Callable[[V], str | None] = _fails
    """The warning line for a violation that does not fail the plan; None: it fails it."""
    environment: bool = False
    """Judged on the environment as it runs (the stack with the stacks it reads, `PlanView.of_environment`);
    otherwise on each stack's own resources, the stacks it reads first, as they deploy first."""


SQL_SCRIPTS = "sql-scripts"
"""The check that runs before the program: the SQL scripts against the ADF content (`check_sql`)."""

CHECKS: tuple[Check[Any], ...] = (
    Check("schema", schema_check, AuthoringSchemaError),
    Check("policy", policy.check, lambda found, _content: policy.PolicyError(found), policy.warning),
    Check(
        "deployability",
        deployability.check,
        lambda found, _content: deployability.DeployabilityError(found),
        deployability.warning,
        environment=True,
    ),
    Check(
        "reachability",
        reachability.check,
        lambda found, _content: reachability.ReachabilityError(found),
        environment=True,
    ),
    Check(
        "rehearsal",
        rehearsal.check,
        lambda found, _content: rehearsal.RehearsalError(found),
        environment=True,
    ),
)
"""The checks over the plan's view, in the order they run; the first that fails stops the plan."""

CHECK_NAMES: tuple[str, ...] = (SQL_SCRIPTS, *(check.name for check in CHECKS))
"""Every check `run_plan` runs by default, in order."""


def all_checks_but(*names: str) -> tuple[str, ...]:
    """Every check's name except these (tests that judge one check on plans the others passed)."""
    _known(names)
    return tuple(name for name in CHECK_NAMES if name not in names)


def checks_named(names: Collection[str]) -> tuple[Check[Any], ...]:
    """The checks over the view among these names, in `CHECKS` order."""
    _known(names)
    return tuple(check for check in CHECKS if check.name in names)


def _known(names: Collection[str]) -> None:
    unknown = sorted(set(names) - set(CHECK_NAMES))
    if unknown:
        raise ValueError(f"no such check(s): {', '.join(unknown)}; checks: {', '.join(CHECK_NAMES)}")


def run_checks(
    view: PlanView,
    checks: Sequence[Check[Any]] = CHECKS,
    content: Sequence[AdfItem] = (),
    warn: Callable[[str], None] | None = None,
) -> None:
    """Run each check over the view in turn: warn about what does not fail the plan, raise the first error."""
    emit = warn or (lambda line: print(line, file=sys.stderr))
    for check in checks:
        failing = []
        for violation in check.find(view):
            line = check.warning(violation)
            if line is None:
                failing.append(violation)
            else:
                emit(line)
        if failing:
            raise check.error(failing, content)


def run_plan_checks(plan: Plan, checks: Sequence[Check[Any]] = CHECKS, content: Sequence[AdfItem] = ()) -> None:
    """Each check in turn over the views it judges: the environment's, or each stack's own (upstream first)."""
    own = [PlanView.of(each) for each in (*plan.upstream, plan)]
    environment = PlanView.of_environment(plan) if plan.upstream else own[-1]
    for check in checks:
        for view in [environment] if check.environment else own:
            run_checks(view, (check,), content)


def passed_line(names: Sequence[str] = CHECK_NAMES) -> str:
    """What `python -m ops plan` prints (stderr) after a clean plan: the checks it ran, all passed."""
    return f"checks passed: {', '.join(names)}"


def stale_fact_warnings(today: date | None = None) -> list[str]:
    """One warning line per dated table of Azure facts older than its stated age, naming its refresh command
    (stack/facts.py); a stale fact never fails the plan."""
    return [f"warning: facts: {line}" for line in stale_table_warnings(on=today)]


def run_plan(
    stack: str,
    project_dir: Path,
    config_overrides: Mapping[str, Any] | None = None,
    checks: Collection[str] = CHECK_NAMES,
) -> Plan:
    """Plan `stack` offline and run the chosen checks (by name, in `CHECK_NAMES` order); raise the first one's
    `InputError`.

    `project_dir` is the platform's project (the default) or the foundation's (`foundation/`). A platform stack
    with a foundation stack (a private one) is planned after its foundation, whose exports answer the platform's
    stack reference; the environment checks (deployability, reachability, rehearsal) then judge both plans together,
    as they will run (and deploy) together. The checks read `pipelines_json/` once, through the ADF loader; the
    program reads it again for itself, as it does under `pulumi up`.
    """
    _known(checks)
    # The collector stays off for the whole plan and its checks (see preview.plan.collector_paused).
    with collector_paused():
        content_dir = project_dir / "pipelines_json"
        found = inspect_content(content_dir, with_overrides=False)[0] if content_dir.is_dir() else None
        content = found.items if found is not None else []
        if SQL_SCRIPTS in checks and found is not None:
            check_sql(project_dir, found)
        plan = run_program(stack, project_dir, config_overrides)
        if found is not None:
            # The program logs them as it loads the content; the plan lists them for `--json`.
            plan.warnings = tuple(found.warnings)
        run_plan_checks(plan, checks_named(checks), content)
        for line in stale_fact_warnings():
            print(line, file=sys.stderr)
        return plan
