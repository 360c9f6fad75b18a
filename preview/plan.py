"""The offline plan: run the real program against a stack's config under Pulumi's mock engine.

Pulumi's CLI and the Azure provider cannot preview without Azure credentials, so this
runs `__main__.py` exactly as `pulumi preview` would, with `Pulumi.<stack>.yaml` as
its config, and records what the program registers. Encrypted (`secure:`) config
values cannot be decrypted offline; they reach the program as secret placeholders.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import runpy
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulumi import Output
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings
from pulumi.runtime.stack import get_root_resource, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preview.mocks import PlatformMocks, RecordingMonitor, Registration, display_value, offline_program
from stack.config import PlatformConfig, parse_config
from stack.errors import InputError
from stack.files import read_stack_file
from stack.foundation import foundation_dir, is_foundation, platform_dir_of, reads_foundation, require_foundation
from stack.packages import top_level_packages


@dataclass
class Plan:
    """What the program registered, in registration order."""

    project: str
    stack: str
    resources: list[Registration]
    stack_urn: str | None
    config: PlatformConfig
    """The stack's config, parsed once from its stack file (the platform's, for a foundation stack)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The stack's exports (secrets as "[secret]"): what a stack reference to it reads."""
    upstream: tuple[Plan, ...] = ()
    """The plans of the stacks this one reads through stack references, which are deployed before it."""
    project_dir: Path | None = None
    """The project the program ran in (None for a hand-made plan): its pipeline says how the stack deploys."""
    warnings: tuple[str, ...] = ()
    """What the checks found that does not fail the plan and is listed with it (the ADF content rules' warnings)."""

    @property
    def all_resources(self) -> list[Registration]:
        """What exists once this stack is deployed: the upstream stacks' resources, then its own.

        The checks that judge the running environment (reachability, deployability) read these; `resources`
        and `--json` stay this stack's own.
        """
        return [reg for plan in self.upstream for reg in plan.all_resources] + self.resources

    def document(self) -> dict[str, Any]:
        """The `--json` document; resources sorted by URN, since registration order varies between runs.

        `aliases` lists the old URNs each resource answers to (empty when none; preview.mocks.RecordingMonitor).
        """

        def parent(reg: Registration) -> str | None:
            return None if reg.parent == self.stack_urn else reg.parent

        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [
                {
                    "urn": reg.urn,
                    "type": reg.type,
                    "name": reg.name,
                    "parent": parent(reg),
                    "dependsOn": reg.depends_on,
                    "protect": reg.protect,
                    "inputs": reg.inputs,
                    "aliases": reg.aliases,
                }
                for reg in sorted(self.resources, key=lambda r: r.urn)
            ],
        }

    def by_type(self, type_token: str) -> list[Registration]:
        return [reg for reg in self.resources if reg.type == type_token]


@contextlib.contextmanager
def _program_context(project_dir: Path) -> Iterator[None]:
    previous_cwd = os.getcwd()
    sys.path.insert(0, str(project_dir))
    os.chdir(project_dir)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path.remove(str(project_dir))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the program runs; the collector resumes afterwards.

    A plan allocates hundreds of thousands of short-lived objects (outputs, futures, tasks)
    on top of the large, long-lived azure-native modules, so the collector kept walking the
    modules' objects: a third of the plan's CPU time. Reference counting still frees almost
    everything at once; the cycles left over cost a few MB until the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


PROGRAM_FILES = ("pipelines_json", "sql", "__main__.py", "Pulumi.yaml")
"""What running the program and `python -m ops plan` need from the repository besides its packages."""

FOUNDATION_PROGRAM_FILES = ("__main__.py", "Pulumi.yaml", "Pulumi.*.yaml")
"""The foundation's Pulumi project inside its package folder: what a private stack's plan runs first."""


def copy_program(target: Path, source: Path, stacks: tuple[str, ...] = ("dev",), packages: bool = False) -> Path:
    """A copy of the program in `source` and the given stack files: tests and benchmarks change one thing in it.

    By default the project files only: PROGRAM_FILES, the stack files, and the foundation's project
    (FOUNDATION_PROGRAM_FILES, every stack of it), so that a private stack plans too. That is all a plan run in
    this process reads (its code is the one already imported), and what `--project-dir` names for code imported
    from elsewhere. `packages=True` adds the packages the build installs (stack/packages.py), so that the copy
    holds what an install of the project does, for a fresh interpreter started in it."""
    names = (*top_level_packages(source), *PROGRAM_FILES) if packages else PROGRAM_FILES
    for name in names:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source / name, target / name)
    if not packages:
        foundation = foundation_dir(target)
        foundation.mkdir()
        for pattern in FOUNDATION_PROGRAM_FILES:
            for path in sorted(foundation_dir(source).glob(pattern)):
                shutil.copy(path, foundation / path.name)
    for stack in stacks:
        shutil.copy(source / f"Pulumi.{stack}.yaml", target / f"Pulumi.{stack}.yaml")
    return target


ORGANIZATION = "organization"
"""The organization the offline plan runs in: what a self-managed backend calls its one organization."""


def _run_program(project_dir: Path) -> None:
    runpy.run_path(str(project_dir / "__main__.py"), run_name="__main__")


def _exports() -> dict[str, Any]:
    """The root stack's exports, resolved, as plain JSON (`pulumi.export` fills the root's `outputs`)."""
    root = get_root_resource()
    exported = dict(getattr(root, "outputs", {}) or {})
    return {str(key): display_value(_sync_await(Output.from_input(value).future())) for key, value in exported.items()}


def run_program(
    stack: str,
    project_dir: Path,
    config_overrides: Mapping[str, Any] | None = None,
) -> Plan:
    """Run the program for `stack` under the mocks and return what it registered, with the parsed config.

    `config_overrides` replaces config keys (full `namespace:key` names) after the
    stack file is read; a value of None removes the key. Tests use it to break config.
    The stack file is read and validated once, here; the checks over the plan take `Plan.config`. What the read
    could not see (ESC environments not opened) is warned about on stderr first.
    A platform stack with a foundation stack (stack/foundation.py) is run after its foundation, whose exports
    answer the platform's stack reference; the foundation's plan is the platform plan's `upstream`. A foundation
    project has no config of its own: its `Plan.config` is the platform's.
    """
    project_dir = project_dir.resolve()  # the program runs with the project as its working directory
    stack_file = read_stack_file(project_dir, stack)
    project, values, secret_keys = stack_file.project, dict(stack_file.values), list(stack_file.secret_keys)
    for warning in stack_file.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for key, value in (config_overrides or {}).items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    upstream: tuple[Plan, ...] = ()
    if not is_foundation(project_dir) and reads_foundation(values):
        require_foundation(project_dir, stack)
        upstream = (run_program(stack, foundation_dir(project_dir)),)
    stack_outputs = {f"{plan.project}/{plan.stack}": plan.outputs for plan in upstream}

    settings.reset_options(project=project, stack=stack, preview=True)
    runtime_config.set_all_config(values, secret_keys)
    monitor = RecordingMonitor(PlatformMocks(stack, stack_outputs))
    pulumi_mocks.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=True, monitor=monitor, organization=ORGANIZATION
    )
    try:
        with _program_context(project_dir), collector_paused():
            _sync_await(run_pulumi_func(offline_program(lambda: _run_program(project_dir))))
            outputs = _exports()
    except InputError as exc:
        # Input errors must stop the program before it registers anything; callers can tell.
        exc.registered_before_failure = len(monitor.registrations)
        explained = stack_file.explain(exc)
        if explained is exc:
            raise
        raise explained from exc
    finally:
        settings.reset_options()
        runtime_config.set_all_config({}, [])
    # Parsed after the run, so that the program's own config check is the one that refuses bad input.
    config_dir = platform_dir_of(project_dir)
    if config_dir == project_dir:
        config = parse_config(values, set(secret_keys), stack_file.name, project)
    else:
        platform = read_stack_file(config_dir, stack)
        config = parse_config(dict(platform.values), set(platform.secret_keys), platform.name, platform.project)
    return Plan(
        project=project,
        stack=stack,
        resources=monitor.registrations,
        stack_urn=monitor.stack_urn,
        config=config,
        outputs=outputs,
        upstream=upstream,
        project_dir=project_dir,
    )


CONTENT_COMPONENT = "data-platform:integration:DataFactoryContent"
"""The component type that owns the ADF content's resources (components/data_factory_content.py)."""


def azure_names(plan: Plan) -> dict[str, str]:
    """Logical name -> Azure name of every named azure-native resource.

    A change here in prod means Azure would replace the resource (a new storage account,
    vault or database), so the prod names are kept as a reviewed snapshot. ADF content
    (named by its files) is left out: it is not stateful and changes with every pipeline.
    The names of the stacks the plan reads (its foundation) are listed too: they are the same environment's.
    """
    from preview.mocks import own_name_input

    names = {}
    for reg in plan.all_resources:
        # Content is what the factory's content component creates; the platform's own runtime and
        # managed private endpoints share its resource types but are named here.
        if f"::{CONTENT_COMPONENT}$" in reg.urn:
            continue
        own = own_name_input(reg.type) if reg.custom else None
        if own and isinstance(reg.inputs.get(own), str):
            names[reg.name] = reg.inputs[own]
    return dict(sorted(names.items()))


_KEY_PROPERTIES = ("location", "kind", "sku", "scope", "type")


def _summary(reg: Registration) -> str:
    from preview.mocks import own_name_input

    parts = []
    if reg.type.startswith("azure-native:"):
        own = own_name_input(reg.type)
        if own and own in reg.inputs:
            parts.append(f"{own}={reg.inputs[own]}")
    for key in _KEY_PROPERTIES:
        value = reg.inputs.get(key)
        if isinstance(value, dict):
            value = value.get("name", None)
        if isinstance(value, (str, int, float)):
            parts.append(f"{key}={value}")
    return " ".join(parts)


def render_tree(plan: Plan) -> str:
    """A preview-like tree: indented by parent, protected resources marked."""
    children: dict[str | None, list[Registration]] = {}
    for reg in sorted(plan.resources, key=lambda r: r.urn):
        parent = None if reg.parent == plan.stack_urn else reg.parent
        children.setdefault(parent, []).append(reg)
    lines = [
        f"Previewing {plan.project}/{plan.stack} (offline, mock engine)",
        "",
        f"+ pulumi:pulumi:Stack {plan.project}-{plan.stack}",
    ]

    def walk(parent: str | None, depth: int) -> None:
        for reg in children.get(parent, []):
            marker = " [protected]" if reg.protect else ""
            summary = _summary(reg)
            lines.append(f"{'    ' * depth}+ {reg.type} {reg.name}{marker}" + (f"  {summary}" if summary else ""))
            walk(reg.urn, depth + 1)

    walk(None, 1)
    protected = sum(1 for reg in plan.resources if reg.protect)
    lines += ["", f"Resources: {len(plan.resources)} to create ({protected} protected)"]
    return "\n".join(lines)


__all__ = ["Plan", "copy_program", "render_tree", "run_program"]
