"""The command line of `python -m ops`: parsing and printing only, over the library in `ops/`.

One module per command (`plan`, `diagram`, `triggers`, `run`, `sql`, `adf`), each with
`add_arguments(parser)` and `run(args, out) -> Report`; `ENDS_AT_INTERRUPT = True` if Ctrl-C may end it at
once rather than raise KeyboardInterrupt in it, and `COLLECTOR_PAUSED = True` if it is offline and short enough
to run without cyclic garbage collection, its process ending once its output is flushed (ops/__main__.py).
`main.py` builds the parser, runs the chosen command, catches the `stack.errors` family once and turns it
into `error:` lines, the `--json` envelope and an exit code (`exit_codes.py`). A command module imports its
library only when it runs, so `plan` loads nothing of the ARM, SQL or diagram clients.
"""
