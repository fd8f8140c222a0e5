"""The ``lca`` command: parse arguments, call the library, render, write.

One module per group of commands (:mod:`.recipes`, :mod:`.assess`, :mod:`.compare`,
:mod:`.variants`, :mod:`.factors`, :mod:`.brightway`, :mod:`.export`); they are registered here
on the one typer app of :mod:`.common`. ``lca.cli:app`` and ``lca.cli:main`` (the console
script) are here. Every command is three steps: call the library, render, write.

The modules of this package do not use ``from __future__ import annotations``: typer reads every
command's signature at each start, and string annotations would have to be evaluated again each
time (three times slower than reading evaluated ones).
"""

import contextlib
import errno
import gc
import os
import sys

from lca.cli import assess, brightway, compare, export, factors, recipes, variants  # noqa: F401
from lca.cli.common import app

__all__ = ["app", "main"]

# the top-level commands, in the order `lca --help` lists them (the groups examples, factors,
# brightway and export register their own commands)
for _command in (
    recipes.validate,
    assess.assess,
    compare.compare,
    compare.report,
    variants.parameters,
    variants.sensitivity,
    variants.sweep,
    recipes.template,
    recipes.convert,
    recipes.schema,
):
    app.command()(_command)


def main() -> None:
    """Console-script entry point.

    Termination signals remove temporary files before the process ends (the library itself
    never takes over signals), and output that cannot be written (a full disk, a closed
    pipe) is a one-line error, not a traceback.

    Python's cycle collector searches the objects a program makes for reference cycles, again
    and again while they are young. A command first imports the modules it needs, whose objects
    live as long as the process: the collector is off until the command's library call starts
    (:func:`lca.cli.common.reported`, which freezes what was made so far and turns it on), and
    what the command made is frozen when it is done, so that the interpreter's teardown does not
    search it all either to free memory the process is about to give back (exit handlers still
    run). Together about a sixth of the run of ``lca assess``.
    """
    from lca.reporting.output import cleanup_on_signals

    gc.disable()
    try:
        with cleanup_on_signals():
            try:
                app()
            except OSError as exc:
                # stdout failed; drop what is still buffered so the exit does not fail again
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                if exc.errno != errno.EPIPE:  # a reader that closed the pipe needs no message
                    with contextlib.suppress(OSError):
                        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
                sys.exit(1)
    finally:
        gc.freeze()
        gc.enable()
