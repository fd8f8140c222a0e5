"""Run the greenroute CLI from a source checkout: ``python cli.py --help``."""

from lca.cli import app

app()
