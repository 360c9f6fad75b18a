"""Keep a pipeline step's federated token file fresh while the step runs: `python -m delivery.federated_token`.

Azure DevOps hands AzureCLI@2 one federated ID token (`idToken`), valid about ten minutes (a Microsoft engineer in
microsoft/azure-pipelines-tasks#19989; no Learn page states it). Entra ID refuses an expired one as a client
assertion (AADSTS700024), so a tool that needs a new Entra token after those minutes fails, and an Entra access
token itself lasts 60 to 90 minutes (https://learn.microsoft.com/entra/identity-platform/access-tokens#token-lifetime).
The pulumi-azure-native provider reads a static ARM_OIDC_TOKEN once and never refreshes it; its OIDC request-URL
flow speaks GitHub's protocol (an HTTP GET; pulumi/pulumi-azure-native provider/pkg/provider/auth_azidentity.go),
which Azure DevOps' token endpoint does not answer. Its default-credential mode
(`useDefaultAzureCredential`) uses the Azure SDK for Go's WorkloadIdentityCredential, which reads
AZURE_FEDERATED_TOKEN_FILE again whenever its cached copy is older than ten minutes (azure-sdk-for-go,
sdk/azidentity/workload_identity.go); the Pulumi CLI's azblob backend and Key Vault secrets provider use the same
chain. So this process writes a fresh token to that file every `--interval-seconds` (default 120), asking Azure
DevOps the way azure-identity's AzurePipelinesCredential does: POST `System.OidcRequestUri` with the service
connection id, the job's `System.AccessToken` as bearer ("Oidctoken - Create",
https://learn.microsoft.com/rest/api/azure/devops/distributedtask/oidctoken/create).

What is left: a credential that read the file up to ten minutes ago may offer a copy as old as one interval plus
ten minutes if it needs a new Entra token in that window; with a two-minute interval that copy is at most twelve
minutes old, against a ten-minute life. A credential asks Entra ID again only when its cached access token nears
expiry, so that window is rarely met; README "Deploying" states the bound.
Without the variables of a federated service connection (a secret-based one, a developer's machine) there is
nothing to refresh and it exits at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from azure.core import PipelineClient
from azure.core.exceptions import AzureError
from azure.core.pipeline.policies import RetryPolicy
from azure.core.rest import HttpRequest, HttpResponse

API_VERSION = "7.1"
"""The version azure-identity's AzurePipelinesCredential asks for."""

REQUIRED = ("SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN", "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID")
"""System.OidcRequestUri, System.AccessToken (mapped into the step's env) and the id AzureCLI@2 exports."""

DEFAULT_INTERVAL_SECONDS = 120.0


class TokenRequestError(Exception):
    """Azure DevOps gave no token."""


def token_request(request_uri: str, service_connection_id: str, access_token: str) -> HttpRequest:
    """The request for a new federated token of one service connection."""
    url = f"{request_uri.rstrip('/')}?api-version={API_VERSION}&serviceConnectionId={quote(service_connection_id)}"
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {access_token}",
        # Without it the service may answer with a sign-in redirect instead of an error.
        "X-TFS-FedAuthRedirect": "Suppress",
    }
    return HttpRequest("POST", url, headers=headers)


def fetcher(env: Mapping[str, str], retry_total: int = 3) -> Callable[[], str]:
    """A function that asks Azure DevOps for a new token each call, with azure-core's retries on transient errors."""
    request_uri = env["SYSTEM_OIDCREQUESTURI"]
    client: PipelineClient[HttpRequest, HttpResponse] = PipelineClient(
        base_url=request_uri, policies=[RetryPolicy(retry_total=retry_total, retry_backoff_factor=0.5)]
    )

    def fetch() -> str:
        request = token_request(request_uri, env["AZURESUBSCRIPTION_SERVICE_CONNECTION_ID"], env["SYSTEM_ACCESSTOKEN"])
        response = client.send_request(request)
        if response.status_code != 200:
            raise TokenRequestError(f"HTTP {response.status_code} from the OIDC request URI")
        payload = response.json()
        token = payload.get("oidcToken") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenRequestError("the OIDC request URI answered without an oidcToken")
        return token

    return fetch


def write_token(path: Path, token: str) -> None:
    """Replace the file in one step, readable by its owner only, so no reader ever sees half a token."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as file:
            file.write(token)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def keep_fresh(
    path: Path,
    fetch: Callable[[], str],
    interval_seconds: float,
    stop: threading.Event,
    warn: Callable[[str], None],
) -> int:
    """Write a new token every interval until `stop` is set; a failed request keeps the last token. Returns writes."""
    written = 0
    while not stop.wait(interval_seconds):
        try:
            write_token(path, fetch())
            written += 1
        except (AzureError, TokenRequestError, OSError, ValueError) as exc:
            warn(f"##vso[task.logissue type=warning]federated token not refreshed, the last one stays: {exc}")
    return written


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m delivery.federated_token", description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="the AZURE_FEDERATED_TOKEN_FILE to keep fresh")
    parser.add_argument("--interval-seconds", type=float, default=DEFAULT_INTERVAL_SECONDS)
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        print(f"federated token: nothing to refresh ({', '.join(missing)} not set)", file=sys.stderr)
        return 0
    keep_fresh(
        args.file,
        fetcher(env),
        args.interval_seconds,
        threading.Event(),
        lambda line: print(line, file=sys.stderr),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
