"""The Data Factory that `ops triggers` and `ops run` act on: its coordinates, a client bound to it, Azure's errors.

The factory's coordinates come from flags or, for whatever the flags leave out, from the
stack's outputs (`pulumi stack output --json --stack <name>`), so an operator who has the
Pulumi CLI only names the stack. Authentication is azure-identity's DefaultAzureCredential
(environment, workload identity, managed identity, `az login`, ...). For a sovereign cloud
pass `--endpoint` (the token scope follows it) and set AZURE_AUTHORITY_HOST; behind a
TLS-inspecting proxy set REQUESTS_CA_BUNDLE to the proxy's CA bundle.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError, ServiceRequestError

from stack.errors import AzureRefusedError, InputError

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


OutputsSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
"""A stack's outputs, or a function that reads them (`ops.stack_outputs.stack_outputs`), called only when needed."""


class CoordinatesError(InputError):
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


def resolve_coordinates(
    stack: str,
    outputs: OutputsSource,
    subscription: str | None = None,
    resource_group: str | None = None,
    factory: str | None = None,
) -> FactoryCoordinates:
    """Flags first; the stack outputs fill in only what the flags leave out.

    When `outputs` is a function, it is called only if the flags leave something out, so Pulumi is not
    run when the flags name the factory. A failure to read the outputs becomes a CoordinatesError that
    names the flags to pass instead.
    """
    given = {"subscription_id": subscription, "resource_group_name": resource_group, "factory_name": factory}
    if not all(given.values()):
        if callable(outputs):
            missing_flags = [STACK_OUTPUTS[key] for key, value in given.items() if not value]
            try:
                outputs = outputs()
            except InputError as exc:
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
    """The process's one credential (components.azure_credential): AzurePipelinesCredential in a pipeline step with
    a federated service connection, which fetches a fresh federated token whenever it needs one, else
    DefaultAzureCredential (`az login` on a laptop, managed identity in Azure). Built once, so its token cache
    serves every later call of the command."""
    from components.azure_credential import credential

    return credential()


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


@contextlib.contextmanager
def azure_refusals(where: str = "") -> Iterator[None]:
    """Turn what azure-core raises into an AzureRefusedError in Azure's own words, prefixed with `where`."""
    try:
        yield
    except AzureError as exc:
        prefix = f"{where}: " if where else ""
        raise AzureRefusedError(f"{prefix}{describe_error(exc)}") from exc
