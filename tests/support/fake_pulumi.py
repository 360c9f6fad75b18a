"""A stand-in `pulumi` executable, for the commands that read a stack's outputs with the Pulumi CLI."""

from __future__ import annotations

from pathlib import Path


def fake_pulumi(bin_dir: Path, script: str) -> None:
    """Write `bin_dir/pulumi`, a shell script running `script`; put `bin_dir` on PATH to use it."""
    bin_dir.mkdir()
    executable = bin_dir / "pulumi"
    executable.write_text("#!/bin/sh\n" + script)
    executable.chmod(0o755)
