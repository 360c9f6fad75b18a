"""The policy pack for a real `pulumi preview --policy-pack policy` (and `pulumi up --policy-pack policy`).

Pulumi runs this file in the repository's virtualenv (see PulumiPolicy.yaml) with the stack's
config in the environment. It is the only module that constructs the `PolicyPack`, which
starts a gRPC server and blocks; nothing imports it.
"""

import sys
from pathlib import Path

_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    # Pulumi runs the pack with policy/ as its working directory; the rules import the repo's packages.
    sys.path.insert(0, _REPO_ROOT)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policy.rules import PACK_NAME, build_policies  # noqa: E402
from policy.settings import from_pulumi_runtime  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    policies=build_policies(from_pulumi_runtime()),
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Security baseline of the Azure data platform; rules and reasons in policy/rules/.",
)
