"""The offline plan with every check over it: what `ops plan` and `ops diagram` both run.

The engine (`preview`) runs the program under mocks; this module adds the checks that
need other packages, so the engine depends on none of them: the SQL scripts against
the ADF content (`migrations`), every resource against the provider schema
(`preview.schema`), the security baseline (`policy`), what Azure refuses (`deployability`) and whether every
caller has a network path to each data plane it talks to (`reachability`). Each check raises an
`InputError`, which the command line turns into exit code 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adf.load import Inspection, inspect_content
from adf.model import AdfItem, ContentError
from preview.plan import Plan, collector_paused, run_program
from preview.schema import SchemaCheckError, SchemaViolation
from stack.errors import InputError


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

    def __init__(self, violations: list[SchemaViolation], lines: list[str]) -> None:
        super().__init__(violations, shown=lines)


def _authoring_lines(violations: list[SchemaViolation], content: list[AdfItem]) -> list[str]:
    """Each violation as `<file>: <path in the file>: <reason>` where it is in an ADF content resource."""
    from adf.convert import authoring_path

    items = {(item.type_token, f"-{item.kind}-{item.name}"): item for item in content}
    lines = []
    for violation in violations:
        name = violation.resource.rsplit("::", 1)[-1]
        item = next(
            (i for (token, suffix), i in items.items() if token == violation.type_token and name.endswith(suffix)),
            None,
        )
        if item is None:
            lines.append(str(violation))
        else:
            where = authoring_path(item, violation.path) if violation.path else "(root)"
            lines.append(f"{item.file}: {where}: {violation.reason}")
    return lines


def run_plan(
    stack: str,
    project_dir: Path,
    config_overrides: Mapping[str, Any] | None = None,
    check_schema: bool = True,
    check_sql_scripts: bool = True,
    check_policy: bool = True,
    check_deployability: bool = True,
    check_reachability: bool = True,
) -> Plan:
    """Plan `stack` offline and run the checks; raise the first check's `InputError`.

    The checks read `pipelines_json/` once, through the ADF loader; the program reads it again for itself,
    as it does under `pulumi up`.
    """
    # The collector stays off for the whole plan and its checks (see preview.plan.collector_paused).
    with collector_paused():
        found, _ordered, _overrides = inspect_content(project_dir / "pipelines_json", with_overrides=False)
        if check_sql_scripts:
            check_sql(project_dir, found)
        plan = run_program(stack, project_dir, config_overrides)
        if check_schema:
            from preview.schema import assert_valid

            try:
                assert_valid(
                    (reg.urn, reg.type, reg.inputs)
                    for reg in plan.resources
                    if reg.custom and reg.type.startswith(("azure-native:", "random:"))
                )
            except SchemaCheckError as error:
                raise AuthoringSchemaError(error.violations, _authoring_lines(error.violations, found.items)) from None
        if check_policy:
            from policy.offline import check as check_security_baseline

            check_security_baseline(plan, plan.config)
        if check_deployability:
            from deployability import check as check_azure_rules

            check_azure_rules(plan)
        if check_reachability:
            from reachability.check import check as check_network_paths

            check_network_paths(plan)
        return plan
