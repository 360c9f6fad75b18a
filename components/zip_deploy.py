"""Deploys the Function package through the app's Kudu publish endpoint, authenticated with Entra ID.

azure-native's `storage.Blob` cannot upload to an account with shared-key access
disabled (pulumi/pulumi-azure-native#2015), and Flex Consumption apps take code only
through the publish ("one deploy") API, which stores the package in the app's
deployment container itself. The package's SHA-256 is an input, so a new build, and
only a new build, redeploys.

The publish is asynchronous: it answers 202 with a deployment id, and the deployment
is polled until it succeeds or fails (azure-core's `LROPoller`, with a polling method
that reads Kudu's deployment status). The calls go through azure-core's pipeline and its
bounded retries (components/azure_http.py). The SCM base URL is an input read from the site,
and the package path is resolved when the program runs, so the provider host finds
both wherever it runs.

The provider runs in Pulumi's provider host (see `components/dynamic_provider.py`). Keep
this module path and the class name stable: a delete runs the provider stored in the
stack state, which names them.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard
from urllib.parse import urlsplit

import pulumi
import pulumi.dynamic
from azure.core.exceptions import AzureError
from azure.core.polling import LROPoller, PollingMethod
from pulumi.runtime import rpc

from components.azure_http import AzureHttp, BoundedRetryPolicy, Clock
from components.dynamic_provider import ProjectProvider
from stack.errors import InputError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential
    from azure.core.pipeline.transport import HttpTransport

# Kudu takes an Entra ID token for Azure Resource Manager, as `az webapp deploy` and the Teams
# toolkit send it (Azure/azure-cli#26982, OfficeDev/microsoft-365-agents-toolkit#8574).
TOKEN_SCOPE = "https://management.azure.com/.default"

# The Flex Consumption publish contract, as the Functions team specified it for client tools
# (Azure/azure-dev#3658): POST <scm>/api/publish answers with the deployment id as its body;
# GET <scm>/api/deployments/<id> reports `status`, and tools should poll no more often than every
# ~2 s. Kudu's classic DeployStatus enum is the same for 0-4
# (https://github.com/projectkudu/kudu/wiki/REST-API, "Deployment").
SUCCESS = 4
STATUS_NAMES = {
    -1: "was cancelled",
    0: "is pending",
    1: "is building",
    2: "is deploying",
    3: "failed",
    4: "succeeded",
    5: "met a conflicting deployment",
    6: "succeeded only partly",
}
FINAL_FAILURES = frozenset({-1, 3, 5, 6})

# A fresh Storage Blob Data Owner assignment of the app's identity is not yet effective when the
# platform writes the package to the deployment container, which fails with storage's 403
# (Azure/azure-dev#4439, Azure/azure-functions-core-tools#4346); publish answers 400 with a
# BlobUploadFailed error wrapping it, as handled by Publish-FlexConsumptionFunctionApp in
# https://www.powershellgallery.com/packages/ZeroFailed.Deploy.Azure/1.8.4/Content/functions%5CPublish-FlexConsumptionFunctionApp.ps1
BLOB_UPLOAD_FAILED = "BlobUploadFailed"
# Storage's 403 to a request its network rules refuse (a firewall, or public access disabled) carries
# ErrorCode AuthorizationFailure; a missing data role is AuthorizationPermissionMismatch. Both are seen in
# community logs only (e.g. pulumi/pulumi#21878 for the second); no Microsoft page maps them.
STORAGE_NETWORK_REFUSAL = "AuthorizationFailure"
SITES_ZONE = "privatelink.azurewebsites.net"


@dataclass(frozen=True)
class PublishTiming:
    """How long and how often to retry and poll; inputs, so a test can make them short."""

    poll_interval_seconds: float = 2.0
    deploy_timeout_seconds: float = 900.0
    retry_seconds: float = 600.0
    """How long a fresh role (BlobUploadFailed), throttling or a server error is retried."""
    retry_interval_seconds: float = 10.0

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> PublishTiming:
        defaults = cls()
        return cls(**{key: float(props.get(key) or getattr(defaults, key)) for key in asdict(defaults)})


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class MissingScmHostError(InputError):
    """The site the package goes to names no SCM (Kudu) host to publish to."""


def scm_base_url(host_name_ssl_states: Sequence[Any] | None, enabled_host_names: Sequence[str] | None) -> str:
    """The app's SCM (Kudu) base URL, read from the site the way the Azure CLI reads it.

    New apps get hashed, regional host names (`<app>-<hash>.scm.<region>.azurewebsites.net`,
    Azure/azure-functions-host#10090), so `<app>.scm.azurewebsites.net` cannot be assumed. The CLI
    takes the `hostNameSslStates` entry of type Repository (`_get_scm_url` in
    https://github.com/Azure/azure-cli/blob/dev/src/azure-cli/azure/cli/command_modules/appservice/custom.py).
    """
    for state in host_name_ssl_states or ():
        host_type = _field(state, "host_type", "hostType")
        name = _field(state, "name", "name")
        if host_type == "Repository" and name:
            return f"https://{name}"
    for host in enabled_host_names or ():
        if ".scm." in host:
            return f"https://{host}"
    raise MissingScmHostError(
        "the Function app's site has no SCM host: hostNameSslStates has no entry of hostType Repository and "
        "enabledHostNames no `.scm.` name; the publish needs one of them (Kudu is what takes the package)"
    )


def _field(value: Any, attribute: str, key: str) -> Any:
    found = getattr(value, attribute, None)
    if found is None and isinstance(value, Mapping):
        found = value.get(key)
    return found


def _blob_upload_failed(answer: Any) -> bool:
    """The publish's "not yet": the platform could not write the package to the host storage yet."""
    return bool(answer.status_code == 400 and BLOB_UPLOAD_FAILED in answer.text())


def _no_private_path(scm_host: str) -> str:
    return (
        f"the deploying agent needs the site's private endpoint (group sites, which also serves the SCM host) with "
        f"its DNS records in {SITES_ZONE}, and must run in a VNet linked to that zone (the stack's agent pool), so "
        f"that {scm_host} resolves to it"
    )


def _deployment_id(text: str) -> str | None:
    """The publish answer's deployment id: a JSON string (or an object with `id`), or the bare id."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = text.strip()
    if isinstance(parsed, dict):
        parsed = parsed.get("id")
    return parsed if isinstance(parsed, str) and parsed and " " not in parsed else None


def publish_zip(
    scm_url: str,
    package_path: str,
    package_sha256: str,
    timing: PublishTiming | None = None,
    *,
    credential: TokenCredential | None = None,
    transport: HttpTransport[Any, Any] | None = None,
    clock: Clock = time.monotonic,
) -> str:
    """POST the package to `<scm_url>/api/publish`, then poll the deployment until it completes; return its id.

    The POST is retried for `timing.retry_seconds`: connection and DNS errors (in a private stack the SCM host
    resolves to the site's private endpoint only once its DNS record exists), throttling, server errors, and a
    fresh role's BlobUploadFailed. A 403 fails at once: Kudu refuses a caller that reaches a site with public
    access disabled over no private path. Every wait reads `clock` and pauses through the transport
    (components/azure_http.py).
    """
    timing = timing or PublishTiming()
    scm_url = scm_url.rstrip("/")
    scm_host = urlsplit(scm_url).hostname or scm_url
    body = Path(package_path).read_bytes()
    actual = hashlib.sha256(body).hexdigest()
    if actual != package_sha256:
        raise RuntimeError(
            f"{package_path} changed after the program hashed it (SHA-256 {actual}, expected {package_sha256}); "
            "run pulumi up again"
        )

    url = f"{scm_url}/api/publish?type=zip&RemoteBuild=false"
    retry = BoundedRetryPolicy(
        timing.retry_seconds, (timing.retry_interval_seconds,), retry_when=_blob_upload_failed, clock=clock
    )
    http = AzureHttp(TOKEN_SCOPE, retry, credential=credential, transport=transport)
    try:
        answer = http.send("POST", url, content=body, headers={"Content-Type": "application/zip"}, read_timeout=600)
    except AzureError as error:
        raise RuntimeError(
            f"publishing {package_path}: the SCM host {scm_host} could not be reached within "
            f"{timing.retry_seconds:g} s ({http.attempts} attempts; last: {error}). If the deploy runs inside the "
            f"VNet, {_no_private_path(scm_host)}; from outside it, the site must allow public network access"
        ) from None
    status, text = answer.status_code, answer.text()
    if status not in (200, 202):
        raise RuntimeError(_publish_failure(package_path, scm_url, scm_host, status, text, http.attempts, timing))

    deployment_id = _deployment_id(text)
    location = answer.headers.get("Location")
    status_url = f"{scm_url}/api/deployments/{deployment_id}" if deployment_id else location
    if not status_url:
        raise RuntimeError(f"{url} answered HTTP {status} without a deployment id to follow: {text[:300]}")
    polling = KuduDeploymentPolling(status_url, timing, credential=credential, transport=transport, clock=clock)
    LROPoller(http, answer, lambda _answer: None, polling).result()
    return deployment_id or status_url


def _publish_failure(
    package_path: str, scm_url: str, scm_host: str, status: int, text: str, attempts: int, timing: PublishTiming
) -> str:
    """What a publish that did not take the package means, and what to do."""
    if status == 403:
        # Kudu's 403 to a caller the site's network rules refuse, "Ip Forbidden", is seen in deploy tools' output
        # only (MicrosoftDocs/azure-docs#85717, Azure/webapps-deploy#244); with public access disabled every
        # caller that comes over no private endpoint gets it.
        return (
            f"publishing {package_path} to {scm_url} was refused: HTTP 403 {text[:200]}. A 403 from the SCM host "
            "that names no role means the site's public network access is disabled and the agent came over no "
            f"private path yet: {_no_private_path(scm_host)}"
        )
    fresh_role = status == 400 and BLOB_UPLOAD_FAILED in text
    if not (fresh_role or status == 429 or status >= 500):
        return f"publishing {package_path} to {scm_url} failed: HTTP {status} {text[:500]}"
    if fresh_role and STORAGE_NETWORK_REFUSAL in text:
        hint = (
            "the host storage refused the app's write for network reasons (AuthorizationFailure): its public access "
            "is disabled, so the app reaches it only through the host storage's blob private endpoint, from its "
            "integration subnet"
        )
    elif fresh_role:
        hint = (
            "the app's identity still cannot write its deployment container: check its Storage Blob Data Owner "
            "assignment on the host storage account and that account's network rules"
        )
    else:
        hint = "the publish endpoint kept failing"
    return (
        f"publishing {package_path} to {scm_url} failed after {timing.retry_seconds:g} s "
        f"({attempts} attempts, last HTTP {status} {text[:300]}): {hint}"
    )


class KuduDeploymentPolling(PollingMethod[None]):
    """Follows one Flex Consumption deployment until Kudu reports it final, as azure-core's poller drives it.

    Every `poll_interval_seconds` it reads `GET <scm>/api/deployments/<id>`, for at most
    `deploy_timeout_seconds`; a 404 (not visible yet), throttling, a server error (the SCM site restarting,
    Azure/azure-dev#4439) or a connection error is read again within that bound. The bound is read on `clock`, and
    the pause between reads goes through the transport, as the retries' pauses do.
    """

    def __init__(
        self,
        status_url: str,
        timing: PublishTiming,
        *,
        credential: TokenCredential | None = None,
        transport: HttpTransport[Any, Any] | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self._status_url = status_url
        self._timing = timing
        self._credential = credential
        self._transport = transport
        self._clock = clock
        self._status = "InProgress"

    def initialize(self, client: Any, initial_response: Any, deserialization_callback: Any) -> None:
        self._status = "InProgress"

    def status(self) -> str:
        return self._status

    def finished(self) -> bool:
        return self._status != "InProgress"

    def resource(self) -> None:
        return None

    def run(self) -> None:
        timing = self._timing
        clock = self._clock
        pause = self._transport.sleep if self._transport is not None else time.sleep
        deadline = clock() + timing.deploy_timeout_seconds
        last = "gave no answer"
        while True:
            remaining = max(deadline - clock(), 0.0)
            retry = BoundedRetryPolicy(
                remaining,
                (timing.poll_interval_seconds,),
                retry_when=lambda answer: answer.status_code == 404,
                clock=clock,
            )
            http = AzureHttp(TOKEN_SCOPE, retry, credential=self._credential, transport=self._transport)
            try:
                answer = http.send("GET", self._status_url)
            except AzureError as error:
                last = f"could not be read: {error}"
            else:
                if answer.status_code == 200:
                    code = int(answer.json().get("status", 0))
                    if code == SUCCESS:
                        self._status = "Succeeded"
                        return
                    last = STATUS_NAMES.get(code, f"has status {code}")
                    if code in FINAL_FAILURES:
                        self._status = "Failed"
                        info = answer.json()
                        detail = info.get("status_text") or info.get("message") or ""
                        raise RuntimeError(
                            f"the deployment {self._status_url} {last}: {detail} (log: {info.get('log_url')})"
                        )
                elif answer.status_code in (404, 429) or answer.status_code >= 500:
                    last = f"answered HTTP {answer.status_code}"
                else:
                    self._status = "Failed"
                    raise RuntimeError(
                        f"reading the deployment status {self._status_url} failed: HTTP {answer.status_code} "
                        f"{answer.text()[:300]}"
                    )
            if clock() + timing.poll_interval_seconds > deadline:
                self._status = "Failed"
                raise RuntimeError(
                    f"the deployment {self._status_url} did not complete within "
                    f"{timing.deploy_timeout_seconds:g} s (it {last})"
                )
            pause(timing.poll_interval_seconds)


def _known(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value != rpc.UNKNOWN


class _ZipDeployProvider(ProjectProvider):
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.CheckResult:
        failures = []
        path = news.get("package_path")
        if _known(path) and not os.path.isabs(path):
            failures.append(
                pulumi.dynamic.CheckFailure(
                    "package_path",
                    f"{path!r} is relative, but the provider host may run in another directory than the program "
                    f"(here {os.getcwd()}); pass the path resolved when the program runs",
                )
            )
        elif _known(path) and not os.path.isfile(path):
            failures.append(
                pulumi.dynamic.CheckFailure("package_path", f"{path} not found; build it with make package")
            )
        scm_url = news.get("scm_url")
        if _known(scm_url) and not scm_url.startswith(("https://", "http://")):
            failures.append(pulumi.dynamic.CheckFailure("scm_url", f"{scm_url!r} is not an http(s) URL"))
        return pulumi.dynamic.CheckResult(news, failures)

    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        return pulumi.dynamic.CreateResult(id_=props["app_name"], outs=self._publish(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        replaces = [key for key in ("app_name",) if olds.get(key) != news.get(key)]
        republish = olds.get("package_sha256") != news.get("package_sha256") or (
            # States written before the SCM URL was an input have none; that alone is no reason to redeploy.
            olds.get("scm_url") is not None and olds.get("scm_url") != news.get("scm_url")
        )
        return pulumi.dynamic.DiffResult(
            changes=bool(replaces) or republish, replaces=replaces, delete_before_replace=False
        )

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        return pulumi.dynamic.UpdateResult(outs=self._publish(news))

    @staticmethod
    def _publish(props: dict[str, Any]) -> dict[str, Any]:
        deployment_id = publish_zip(
            props["scm_url"], props["package_path"], props["package_sha256"], PublishTiming.from_props(props)
        )
        return {**props, "deployment_id": deployment_id}


class ZipDeploy(pulumi.dynamic.Resource):
    """One deployment of a package file to a Function app."""

    def __init__(
        self,
        name: str,
        *,
        app_name: pulumi.Input[str],
        scm_url: pulumi.Input[str],
        package_path: str,
        package_sha256: str,
        timing: PublishTiming | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _ZipDeployProvider(),
            name,
            {
                "app_name": app_name,
                "scm_url": scm_url,
                # Resolved here, where the program runs: the provider host may run elsewhere.
                "package_path": str(Path(package_path).resolve()),
                "package_sha256": package_sha256,
                **asdict(timing or PublishTiming()),
                "deployment_id": None,
            },
            opts,
        )
