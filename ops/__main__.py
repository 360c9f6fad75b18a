# PYTHON_ARGCOMPLETE_OK  (argcomplete's global completion completes `python -m ops` when it finds this marker)
"""`python -m ops`: the command line lives in `ops/cli/`."""

import sys

from ops.cli.main import run

if __name__ == "__main__":
    sys.exit(run())
