"""What the pipeline must be: its stages in order, their dependencies, and the conditions the checks look for.

The pipeline is compiled by the product's own compiler (`delivery.pipeline`), as Azure DevOps compiles it.
"""

from __future__ import annotations

from delivery.pipeline import PIPELINE, TEMPLATE_DIR
from tests.support.checkout import PROJECT_DIR

ROOT = PROJECT_DIR
PRIVATE_STACKS = ("test", "prod")
"""Stacks whose data planes are private: a foundation deploys first, and their stages run on the stack's pool."""
STAGES = [
    "validate",
    "build",
    "preview",
    "preview_dev",
    "deploy_dev",
    *[
        f"{kind}_{env}"
        for env in PRIVATE_STACKS
        for kind in ("preview_foundation", "deploy_foundation", "preview", "deploy")
    ],
]
DEPLOYS = {"deploy_dev": "preview_dev", "deploy_test": "preview_test", "deploy_prod": "preview_prod"}
PREVIEWS = {"preview_dev": "build", "preview_test": "deploy_foundation_test", "preview_prod": "deploy_foundation_prod"}
FOUNDATION_STAGES = {
    "preview_foundation_test": "deploy_dev",
    "deploy_foundation_test": "preview_foundation_test",
    "preview_foundation_prod": "deploy_test",
    "deploy_foundation_prod": "preview_foundation_prod",
}
STACKS = sorted(path.name.split(".")[1] for path in ROOT.glob("Pulumi.*.yaml"))
FOUNDATION_STACKS = sorted(path.name.split(".")[1] for path in (ROOT / "foundation").glob("Pulumi.*.yaml"))
MAIN_ONLY = "eq(variables['Build.SourceBranch'], 'refs/heads/main')"
NOT_PULL_REQUEST = "ne(variables['Build.Reason'], 'PullRequest')"
PULL_REQUEST = "eq(variables['Build.Reason'], 'PullRequest')"
PACKAGE = "dist/function.zip"

Problems = list[str]

__all__ = [
    "DEPLOYS",
    "FOUNDATION_STACKS",
    "FOUNDATION_STAGES",
    "MAIN_ONLY",
    "NOT_PULL_REQUEST",
    "PACKAGE",
    "PIPELINE",
    "PREVIEWS",
    "PRIVATE_STACKS",
    "PULL_REQUEST",
    "ROOT",
    "STACKS",
    "STAGES",
    "TEMPLATE_DIR",
    "Problems",
]
