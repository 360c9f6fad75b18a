"""The platform's security baseline as a Pulumi CrossGuard policy pack.

One set of rules (`policy.rules`), evaluated two ways:

* in a real `pulumi preview --policy-pack policy`, where Pulumi runs `policy/__main__.py`,
  which is the only module that constructs the `PolicyPack` (that starts a gRPC server);
* offline, inside `python -m ops plan`, through `policy.offline.check`, which calls the same rule
  functions with the rules' `Resource` view built from the plan's view (`preview.view.PlanView`).

Importing this package, `policy.rules`, `policy.settings` or `policy.offline` never starts a pack.
"""
