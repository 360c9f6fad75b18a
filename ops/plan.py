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

from preview.plan import Plan, run_program
from stack.paths import PROJECT_DIR


def check_sql(project_dir: Path) -> None:
    """The SQL scripts parse and define every table and procedure the ADF content names."""
    from migrations.catalog import SqlScriptError, project_problems

    if (project_dir / "sql").is_dir():
        problems = project_problems(project_dir / "sql", project_dir / "pipelines_json")
        if problems:
            raise SqlScriptError(f"{len(problems)} problem(s) in sql/:\n  " + "\n  ".join(problems))


def run_plan(
    stack: str,
    project_dir: Path = PROJECT_DIR,
    config_overrides: Mapping[str, Any] | None = None,
    check_schema: bool = True,
    check_sql_scripts: bool = True,
    check_policy: bool = True,
    check_deployability: bool = True,
    check_reachability: bool = True,
) -> Plan:
    """Plan `stack` offline and run the checks; raise the first check's `InputError`."""
    if check_sql_scripts:
        check_sql(project_dir)
    plan = run_program(stack, project_dir, config_overrides)
    if check_schema:
        from preview.schema import assert_valid

        assert_valid(
            (reg.urn, reg.type, reg.inputs)
            for reg in plan.resources
            if reg.custom and reg.type.startswith(("azure-native:", "random:"))
        )
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
