"""Deploys the Function package through the app's Kudu publish endpoint, authenticated with Entra ID.

azure-native's `storage.Blob` cannot upload to an account with shared-key access
disabled (pulumi/pulumi-azure-native#2015), and Flex Consumption apps take code only
through the publish ("one deploy") API, which stores the package in the app's
deployment container itself. The package's SHA-256 is an input, so a new build, and
only a new build, redeploys.

Pulumi pickles dynamic providers with dill; classes from this module are pickled by
reference, so the provider process imports `components` from the project directory,
where Pulumi starts it. Keep the module path stable: a delete runs the provider stored in the
stack state, which names it.
"""

from __future__ import annotations

import hashlib
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic

_ATTEMPTS = 4


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def publish_zip(app_name: str, package_path: str) -> None:
    """POST the zip to https://<app>.scm.azurewebsites.net/api/publish, retrying transient failures."""
    from azure.identity import DefaultAzureCredential

    body = Path(package_path).read_bytes()
    url = f"https://{app_name}.scm.azurewebsites.net/api/publish?type=zip&RemoteBuild=false"
    for attempt in range(1, _ATTEMPTS + 1):
        token = DefaultAzureCredential().get_token("https://management.azure.com/.default").token
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"},
        )
        try:
            with urllib.request.urlopen(request, timeout=600):
                return
        except urllib.error.HTTPError as exc:
            if (exc.code < 500 and exc.code != 429) or attempt == _ATTEMPTS:
                raise RuntimeError(
                    f"publishing {package_path} to {app_name} failed: HTTP {exc.code} {exc.read()[:500]!r}"
                ) from exc
        time.sleep(10 * attempt)


class _ZipDeployProvider(pulumi.dynamic.ResourceProvider):
    def create(self, props: dict[str, Any]) -> pulumi.dynamic.CreateResult:
        publish_zip(props["app_name"], props["package_path"])
        return pulumi.dynamic.CreateResult(id_=f"{props['app_name']}@{props['package_sha256']}", outs=props)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.DiffResult:
        changed = [k for k in ("app_name", "package_sha256") if olds.get(k) != news.get(k)]
        return pulumi.dynamic.DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> pulumi.dynamic.UpdateResult:
        publish_zip(news["app_name"], news["package_path"])
        return pulumi.dynamic.UpdateResult(outs=news)


class ZipDeploy(pulumi.dynamic.Resource):
    """One deployment of a package file to a Function app."""

    def __init__(
        self,
        name: str,
        *,
        app_name: pulumi.Input[str],
        package_path: str,
        package_sha256: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            _ZipDeployProvider(),
            name,
            {"app_name": app_name, "package_path": package_path, "package_sha256": package_sha256},
            opts,
        )
