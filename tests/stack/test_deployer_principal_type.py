"""The deployer's role assignment names its principal type: ARM refuses "User" for a service principal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from preview.mocks import MOCK_DEPLOYER_OBJECT_ID
from preview.plan import Plan
from stack.config import SERVICE_PRINCIPAL_ENVIRONMENT, detect_deployer_principal_type

ROLE = "azure-native:authorization:RoleAssignment"


def deployer_type(plan: Plan) -> str:
    (officer,) = [reg for reg in plan.by_type(ROLE) if reg.inputs["principalId"] == MOCK_DEPLOYER_OBJECT_ID]
    return str(officer.inputs["principalType"])


@pytest.mark.parametrize("variable", SERVICE_PRINCIPAL_ENVIRONMENT)
def test_service_principal_credentials_in_the_environment_mean_a_service_principal(variable: str) -> None:
    assert detect_deployer_principal_type({variable: "x"}) == "ServicePrincipal"


def test_without_service_principal_credentials_the_deployer_is_a_user() -> None:
    assert detect_deployer_principal_type({"PATH": "/usr/bin", "ARM_CLIENT_ID": ""}) == "User"


def test_the_pipeline_deployer_is_assigned_as_a_service_principal(
    plan_with: Callable[..., Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in SERVICE_PRINCIPAL_ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ARM_USE_OIDC", "true")
    assert deployer_type(plan_with("dev")) == "ServicePrincipal"


def test_configured_principal_type_wins_over_detection(
    plan_with: Callable[..., Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARM_CLIENT_ID", "00000000-0000-0000-0000-000000000009")
    assert deployer_type(plan_with("dev", **{"data-platform:deployerPrincipalType": "Group"})) == "Group"
