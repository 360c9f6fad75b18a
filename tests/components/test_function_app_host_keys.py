"""The function key is read from the host after the host can start: its storage role and its code are in place."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from preview.plan import Plan
from stack.files import read_stack_config
from stack.paths import PROJECT_DIR
from tests.conftest import one

SECRET = "azure-native:keyvault:Secret"
ROLE = "azure-native:authorization:RoleAssignment"


def test_function_key_waits_for_the_host_storage_role(dev: Plan) -> None:
    key = one(dev, SECRET, "generator-function-key")
    assert one(dev, ROLE, "host-storage-blob-owner").urn in key.depends_on


def test_function_key_waits_for_the_code_deployment(plan_with: Callable[..., Plan], tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("host.json", "{}")
    values, _ = read_stack_config(PROJECT_DIR, "dev")
    function_app = {**json.loads(values.get("data-platform:functionApp", "{}")), "packagePath": str(package)}
    plan = plan_with("dev", **{"data-platform:functionApp": function_app})
    (deployment,) = [reg for reg in plan.resources if reg.name.endswith("generator-package")]
    key = one(plan, SECRET, "generator-function-key")
    assert deployment.urn in key.depends_on
    assert one(plan, ROLE, "host-storage-blob-owner").urn in deployment.depends_on
