"""Build-time code that generates the factor rows of the computed, estimated and proxy tiers.

Nothing here is imported by ``import lca``; ``python -m lca.factorbuild`` runs it (see
``docs/uslci-build.md``). Stages:

- ``computed``: cradle-to-gate GWP100 per gas of base chemicals and utilities solved from the
  US Life Cycle Inventory (USLCI), plus the data-derived process-energy defaults;
- ``estimated``: cradle-to-gate factors of chemicals estimated from their industrial route, written
  as recipes in ``factors/build/estimated/`` and evaluated by greenroute's own engine
  (``docs/estimated-factors.md``);
- ``proxy``: class proxies from the library's tier 1-3 factors.
"""
