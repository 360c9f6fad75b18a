"""The Data Factory that `ops triggers` and `ops run` act on: its coordinates, a client bound to it, Azure's errors.

The factory's coordinates come from flags or, for whatever the flags leave out, from the
stack's outputs (`pulumi stack output --json --stack <name>`), so an operator who has the
Pulumi CLI only names the stack. Authentication is azure-identity's DefaultAzureCredential
(environment, workload identity, managed identity, `az login`, ...). For a sovereign cloud
pass `--endpoint` (the token scope follows it) and set AZURE_AUTHORITY_HOST; behind a
TLS-inspecting proxy set REQUESTS_CA_BUNDLE to the proxy's CA bundle.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError, ServiceRequestError

from ops.stack_outputs import StackOutputsError, stack_outputs
from stack.paths import PROJECT_DIR

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.mgmt.datafactory import DataFactoryManagementClient

DEFAULT_ENDPOINT = "https://management.azure.com"
API_VERSION = "2018-06-01"

# Stack output -> the flag that replaces it.
STACK_OUTPUTS = {
    "subscription_id": "--subscription",
    "resource_group_name": "--resource-group",
    "factory_name": "--factory",
}


class CoordinatesError(LookupError):
    """The factory cannot be located: neither the flags nor the stack outputs name it."""


class NotDeployedError(CoordinatesError):
    """The stack has no outputs at all: it was never deployed, so there is no factory yet."""


@dataclass(frozen=True)
class FactoryCoordinates:
    """Where the factory lives; everything an ARM call needs besides a credential."""

    subscription_id: str
    resource_group: str
    factory_name: str

    @property
    def resource_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.DataFactory/factories/{self.factory_name}"
        )


@dataclass
class Factory:
    """A Data Factory management client bound to one factory, so callers pass one object around."""

    client: DataFactoryManagementClient
    coordinates: FactoryCoordinates

    @property
    def resource_group(self) -> str:
        return self.coordinates.resource_group

    @property
    def name(self) -> str:
        return self.coordinates.factory_name

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Factory:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def seconds(text: str) -> float:
    """argparse type for a non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def add_factory_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags every command that talks to the factory takes."""
    parser.add_argument("--stack", required=True, help="stack name, e.g. dev, test or prod")
    where = parser.add_argument_group(
        "factory", "default: the stack's outputs, read with `pulumi stack output --json --stack <name>`"
    )
    where.add_argument("--subscription", help="subscription id (default: output subscription_id)")
    where.add_argument("--resource-group", help="resource group (default: output resource_group_name)")
    where.add_argument("--factory", help="Data Factory name (default: output factory_name)")
    where.add_argument(
        "--endpoint",
        default=DEFAULT_ENDPOINT,
        help=f"Azure Resource Manager endpoint, for sovereign clouds (default: {DEFAULT_ENDPOINT})",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=PROJECT_DIR,
        help="the Pulumi project: where `pulumi stack output` runs (default: this repo)",
    )


def resolve_coordinates(
    stack: str,
    project_dir: Path,
    subscription: str | None = None,
    resource_group: str | None = None,
    factory: str | None = None,
    *,
    outputs: Mapping[str, Any] | None = None,
) -> FactoryCoordinates:
    """Flags first; the stack outputs fill in only what the flags leave out.

    Pulumi is not run when the flags name the factory, nor when the caller passes the
    `outputs` it has already read.
    """
    given = {"subscription_id": subscription, "resource_group_name": resource_group, "factory_name": factory}
    if not all(given.values()):
        if outputs is None:
            missing_flags = [STACK_OUTPUTS[key] for key, value in given.items() if not value]
            try:
                outputs = stack_outputs(stack, project_dir)
            except StackOutputsError as exc:
                raise CoordinatesError(f"{exc}; to name the factory, pass {', '.join(missing_flags)}") from exc
        if not outputs:
            raise NotDeployedError(
                f"stack '{stack}' has no outputs: it has not been deployed, so it has no factory yet"
            )
        for key in given:
            if not given[key] and isinstance(outputs.get(key), str) and outputs[key]:
                given[key] = outputs[key]
        still_missing = [key for key, value in given.items() if not value]
        if still_missing:
            raise CoordinatesError(
                f"stack '{stack}' has no output {', '.join(still_missing)} (is it deployed?); "
                f"pass {', '.join(STACK_OUTPUTS[key] for key in still_missing)}"
            )
    return FactoryCoordinates(
        subscription_id=str(given["subscription_id"]),
        resource_group=str(given["resource_group_name"]),
        factory_name=str(given["factory_name"]),
    )


def make_credential() -> TokenCredential:
    """DefaultAzureCredential: the same code signs in on a laptop (`az login`), in CI (OIDC) and in Azure (MI)."""
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()


def connect(
    coordinates: FactoryCoordinates,
    *,
    credential: TokenCredential | None = None,
    endpoint: str = DEFAULT_ENDPOINT,
    polling_interval: float = 5,
    **client_kwargs: Any,
) -> Factory:
    """A client for the factory. `client_kwargs` go to azure-core (e.g. `connection_verify`, `retry_total`)."""
    from azure.mgmt.datafactory import DataFactoryManagementClient

    base_url = endpoint.rstrip("/")
    client = DataFactoryManagementClient(
        credential if credential is not None else make_credential(),
        coordinates.subscription_id,
        base_url=base_url,
        credential_scopes=[f"{base_url}/.default"],
        polling_interval=polling_interval,
        **client_kwargs,
    )
    return Factory(client=client, coordinates=coordinates)


def connect_from_args(args: argparse.Namespace, polling_interval: float) -> Factory:
    """The CLI's factory: coordinates from flags or stack outputs; raises CoordinatesError."""
    coordinates = resolve_coordinates(
        args.stack, args.project_dir, args.subscription, args.resource_group, args.factory
    )
    return connect(coordinates, endpoint=args.endpoint, polling_interval=polling_interval)


def describe_error(exc: BaseException) -> str:
    """Azure's own words: `<code>: <message>` from an ARM error body, else the exception's text."""
    if isinstance(exc, ClientAuthenticationError) and exc.response is None:
        # Raised by the credential, before any request: nobody is signed in.
        return f"sign-in failed: {exc.message}; sign in with `az login` or set the AZURE_* environment variables"
    if isinstance(exc, HttpResponseError):
        error = getattr(exc, "error", None)
        code = getattr(error, "code", None)
        message = getattr(error, "message", None)
        if message:
            return f"{code}: {message}" if code else str(message)
        status = f"HTTP {exc.status_code}: " if exc.status_code else ""
        return f"{status}{exc.reason or exc.message}"
    if isinstance(exc, ServiceRequestError):
        return f"could not reach Azure Resource Manager: {exc.message}"
    if isinstance(exc, AzureError):
        return str(exc.message)
    return str(exc)
