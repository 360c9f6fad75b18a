"""The function key is read from the host after the host can start: its storage role and its code are in place."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from preview.plan import Plan
from stack.files import read_stack_config
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR

SECRET = "azure-native:keyvault:Secret"
ROLE = "azure-native:authorization:RoleAssignment"
DYNAMIC = "pulumi-python:dynamic:Resource"


def test_function_key_is_read_by_a_resource_that_waits_for_the_host_storage_role(dev: Plan) -> None:
    keys = one(dev, DYNAMIC, "generator-host-keys")
    app = one(dev, "azure-native:web:WebApp", "generator-app")
    assert keys.inputs["kind"] == "function-host-keys"
    assert keys.inputs["app_id"].endswith(f"/providers/Microsoft.Web/sites/{app.inputs['name']}")
    assert keys.inputs["arm_endpoint"] == "https://management.azure.com"
    assert {app.urn, one(dev, ROLE, "host-storage-blob-owner").urn} <= set(keys.depends_on)
    secret = one(dev, SECRET, "generator-function-key")
    assert keys.urn in secret.depends_on
    assert secret.inputs["properties"]["value"] == "[secret]"


def test_function_key_waits_for_the_code_deployment(plan_with: Callable[..., Plan], tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("host.json", "{}")
    values, _ = read_stack_config(PROJECT_DIR, "dev")
    function_app = {**json.loads(values.get("data-platform:functionApp", "{}")), "packagePath": str(package)}
    plan = plan_with("dev", **{"data-platform:functionApp": function_app})
    (deployment,) = [reg for reg in plan.resources if reg.name.endswith("generator-package")]
    keys = one(plan, DYNAMIC, "generator-host-keys")
    assert deployment.urn in keys.depends_on
    assert one(plan, ROLE, "host-storage-blob-owner").urn in deployment.depends_on
