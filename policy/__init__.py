"""The platform's security baseline as a Pulumi CrossGuard policy pack.

One set of rules (`policy.rules`), evaluated two ways:

* in a real `pulumi preview --policy-pack policy`, where Pulumi runs `policy/__main__.py`,
  which is the only module that constructs the `PolicyPack` (that starts a gRPC server);
* offline, inside `python -m ops plan`, through `policy.offline.evaluate` / `policy.offline.check`,
  which call the same `validate` functions with argument objects built from the plan.

Importing this package, `policy.rules`, `policy.settings` or `policy.offline` never starts a pack.
"""
