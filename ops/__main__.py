# PYTHON_ARGCOMPLETE_OK  (argcomplete's global completion completes `python -m ops` when it finds this marker)
"""`python -m ops`: the command line lives in `ops/cli/`.

Ctrl-C while the command line itself is still loading ends the process at once with its one line; from
then on `ops.cli.main` says what Ctrl-C does.

The cyclic garbage collector is paused from the first import: loading pulumi and azure-native creates
millions of long-lived objects, and the collector would walk them again and again while they load (a
quarter of an offline plan's time). The offline commands (`COLLECTOR_PAUSED` in their module) keep it
paused until the process ends, which frees everything at once; every other command turns it back on as
soon as its arguments are parsed.
"""

import gc
import os
import signal
import sys
from types import FrameType


def _interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted_while_loading)
gc.disable()

from ops.cli.main import run  # noqa: E402  (after the handler: loading the command line takes a while)

if __name__ == "__main__":
    sys.exit(run())
