"""The offline plan of the dev stack against its import floor, measured side by side in one run.

Most of a plan's time is importing pulumi and the azure-native modules the program uses, and the
second depends on the program, so an absolute time says little. The floor is a fresh process that
imports exactly the resource classes the plan registers (read from the plan itself), plus pulumi
and pulumi-random, and nothing else. The plan's cost is reported as a ratio of CPU times
(user + system of the child), which other load on the machine disturbs far less than wall time.
The commands alternate, so a burst of load hits both.

Both sides run with the cyclic garbage collector paused from the start, as `python -m ops plan` runs
(ops/__main__.py). The plan also ends its process as soon as its output is flushed, skipping the
interpreter's teardown; the floor ends normally, as any program that only imports does. A second floor
that ends the same way as the plan shows how much of the ratio that difference accounts for.

Target: the plan, with every check it runs, at most 1.3x the floor (collector paused on both sides).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.measure import Measurement, Summary, bytecode_cached_env, measure

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 7
TARGET_RATIO = 1.3
TARGET_MB = 300.0
PLAN = [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--json"]


def registered_classes(plan: dict) -> dict[str, list[str]]:
    """Python module -> resource class names, for every provider resource type in a `--json` plan."""
    classes: dict[str, set[str]] = {}
    for resource in plan["resources"]:
        package, module, name = resource["type"].split(":")
        if package not in ("azure-native", "random"):
            continue  # components, the stack, dynamic providers: no provider SDK class
        python_module = "pulumi_" + package.replace("-", "_")
        module = module.split("/", 1)[0]
        if module != "index":
            python_module += "." + module
        classes.setdefault(python_module, set()).add(name)
    return {module: sorted(names) for module, names in sorted(classes.items())}


def floor_source(classes: dict[str, list[str]]) -> str:
    """A program that imports pulumi, pulumi-random and exactly the given classes."""
    lines = ["import pulumi", "import pulumi_random"]
    lines += [f"from {module} import {', '.join(names)}" for module, names in classes.items()]
    return "\n".join(lines)


def run() -> str:
    env = bytecode_cached_env()
    plan = json.loads(subprocess.run(PLAN, cwd=PROJECT, env=env, capture_output=True, check=True, text=True).stdout)
    classes = registered_classes(plan)
    source = floor_source(classes)
    floor = [sys.executable, "-c", "import gc\ngc.disable()\n" + source]
    quick_exit = [sys.executable, "-c", "import gc\ngc.disable()\n" + source + "\nimport os\nos._exit(0)"]
    collecting = [sys.executable, "-c", source]
    measure(floor, str(PROJECT), env)  # warm-up: the plan ran once above
    plans: list[Measurement] = []
    floors: list[Measurement] = []
    quick: list[Measurement] = []
    collected: list[Measurement] = []
    for _ in range(RUNS):
        plans.append(measure(PLAN, str(PROJECT), env))
        floors.append(measure(floor, str(PROJECT), env))
        quick.append(measure(quick_exit, str(PROJECT), env))
        collected.append(measure(collecting, str(PROJECT), env))
    p, f, q, c = Summary.of(plans), Summary.of(floors), Summary.of(quick), Summary.of(collected)
    ratio = p.cpu_median / f.cpu_median
    ok = ratio <= TARGET_RATIO and p.peak_mb < TARGET_MB
    count = sum(len(names) for names in classes.values())
    return "\n".join(
        [
            "## Offline plan of the dev stack against its import floor",
            "",
            f"`python -m ops plan --stack dev --json` (every check included) and the import floor, {RUNS} runs",
            "each, alternating, after a warm-up, each a fresh process. The floor imports pulumi, pulumi-random",
            f"and the {count} resource classes the plan registers, from {len(classes)} modules: "
            + ", ".join(f"`{m}`" for m in classes)
            + ".",
            "CPU time is user + system time of the child process.",
            "",
            "| metric | plan | import floor | target |",
            "| --- | --- | --- | --- |",
            f"| CPU time, median | {p.cpu_median:.2f} s | {f.cpu_median:.2f} s | |",
            f"| CPU time, worst | {p.cpu_worst:.2f} s | {f.cpu_worst:.2f} s | |",
            f"| **plan / floor, CPU medians, collector paused on both sides** | **{ratio:.2f}x** | | "
            f"<= {TARGET_RATIO}x |",
            f"| plan / floor that also skips the interpreter's teardown | {p.cpu_median / q.cpu_median:.2f}x "
            f"| {q.cpu_median:.2f} s | |",
            f"| plan / floor with the collector on | {p.cpu_median / c.cpu_median:.2f}x | {c.cpu_median:.2f} s | |",
            f"| wall time, median | {p.wall_median:.2f} s | {f.wall_median:.2f} s | |",
            f"| wall time, worst | {p.wall_worst:.2f} s | {f.wall_worst:.2f} s | |",
            f"| peak memory (max RSS) | {p.peak_mb:.0f} MB | {f.peak_mb:.0f} MB | < {TARGET_MB:.0f} MB |",
            "",
            "`python -m ops plan` pauses Python's cyclic garbage collector from its first import and ends its",
            "process once its output is flushed (ops/__main__.py, ops/cli/main.py); the floor pauses the",
            "collector too and ends normally, so its CPU time includes the interpreter's teardown (freeing",
            "every module's objects). The second floor skips that teardown as the plan does: the ratio",
            "against it is what the plan's own work costs, like for like.",
            "",
            "Reproduce this section alone: `python -m bench.plan`.",
            "",
            f"Result: {'PASS' if ok else 'FAIL'}",
        ]
    )


if __name__ == "__main__":
    print(run())
