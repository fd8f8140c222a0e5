"""Build-time code that generates the computed factor rows from vendored public data.

Nothing here is imported by ``import lca``; ``python -m lca.factorbuild`` runs it (see
``docs/uslci-build.md``). Stages:

- ``computed``: cradle-to-gate GWP100 per gas of base chemicals and utilities solved from the
  US Life Cycle Inventory (USLCI), plus the data-derived process-energy defaults.
"""
