"""What a deploy does that needs a network path, and to where: read from the plan's registrations.

During `pulumi up` our dynamic resources run in the provider host on the stage's agent (components/dynamic_provider.py):
- the vault access probe (components/access_gate.py) GETs the vault's data plane: agent -> vault (`vault`);
- the code publish (components/zip_deploy.py) POSTs the package to the app's SCM host: agent -> site (`sites`); the
  platform then writes it to the deployment container with the app's identity: Function -> host storage (`blob`).
  Microsoft's pages do not say which network path that write takes; it is modelled as the app's own storage traffic,
  through its VNet integration;
- the host-key read (components/host_keys.py) asks ARM, which asks the Functions host; the host answers only once it
  runs, which needs its AzureWebJobsStorage: Function -> host storage (`blob`, `queue`, `table`);
- the endpoint approvals (components/endpoint_approval.py) call ARM only.
Everything else `pulumi up` does goes through ARM, which needs no path to a data plane (docs/networking.md).

After `pulumi up` the stage runs `ops sql apply` (agent -> SQL, `sqlServer`) and starts the triggers (ARM only);
then each pipeline's first run connects from the factory's runtimes (`reachability.factory`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from preview.view import PlanView, Registration, ResourceType, known_str
from reachability.model import APPROVAL_KIND, NodeKind
from stack.private_dns import GroupId

HOST_KEYS_KIND = "function-host-keys"
"""The `kind` input of components/host_keys.py's dynamic resource."""


@dataclass(frozen=True)
class Need:
    """A network path an operation needs: from the agent or the Function app to a data plane's sub-resource."""

    caller: NodeKind
    """AGENT (the stage's agent) or FUNCTION (the app, through its VNet integration)."""
    caller_reg: Registration | None
    """The Function app's registration; None for the agent, which the stage places."""
    target: Registration
    group_id: GroupId
    why: str


@dataclass(frozen=True)
class Operation:
    """One thing `pulumi up` does that may need a network path, done by a planned resource."""

    what: str
    reg: Registration
    needs: tuple[Need, ...]
    """Empty: it calls ARM only."""


def _host_storage(app: Registration, view: PlanView) -> Registration | None:
    settings = view.app_settings(app)
    return view.storage_account(settings.get("AzureWebJobsStorage__accountName"))


def _app_named(value: object, view: PlanView) -> Registration | None:
    return next(iter(view.named(ResourceType.WEB_APP, value)), None)


def _storage_needs(app: Registration, view: PlanView, groups: tuple[GroupId, ...], why: str) -> Iterator[Need]:
    host = _host_storage(app, view)
    for group in groups if host is not None else ():
        assert host is not None
        yield Need(NodeKind.FUNCTION, app, host, group, why)


def _operation(reg: Registration, view: PlanView) -> Operation | None:
    inputs = reg.inputs
    if "probe_url" in inputs:
        host = urlsplit(known_str(inputs["probe_url"]) or "").hostname or ""
        vault = next(iter(view.named(ResourceType.VAULT, host.split(".")[0])), None)
        if vault is None:
            return Operation("the vault access probe", reg, ())
        probe = Need(NodeKind.AGENT, None, vault, GroupId.VAULT, "GET secrets with the deployer's token")
        return Operation("the vault access probe", reg, (probe,))
    if "scm_url" in inputs and "package_sha256" in inputs:
        app = _app_named(inputs.get("app_name"), view)
        if app is None:
            return Operation("the code publish", reg, ())
        publish = Need(NodeKind.AGENT, None, app, GroupId.SITES, "POST the package to the SCM host")
        write = tuple(
            _storage_needs(app, view, (GroupId.BLOB,), "the platform writes the package to the deployment container")
        )
        return Operation("the code publish", reg, (publish, *write))
    if inputs.get("kind") == HOST_KEYS_KIND:
        app = view.resource(inputs.get("app_id"))
        groups = (GroupId.BLOB, GroupId.QUEUE, GroupId.TABLE)
        why = "the host answers ARM's listkeys only once it runs on its AzureWebJobsStorage"
        needs = tuple(_storage_needs(app, view, groups, why)) if app is not None else ()
        return Operation("the host-key read", reg, needs)
    if inputs.get("kind") == APPROVAL_KIND:
        return Operation("the managed endpoint approval", reg, ())
    return None


def deploy_operations(view: PlanView) -> dict[str, Operation]:
    """The operations of `pulumi up`, by the URN of the resource that does each."""
    found = {}
    for reg in view.of_type(ResourceType.DYNAMIC):
        operation = _operation(reg, view)
        if operation is not None:
            found[reg.urn] = operation
    return found
