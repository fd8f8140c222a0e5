"""Optional calculation backends: code that talks to other LCA software.

Nothing here is imported by ``import lca``; each backend imports its third-party packages on first
use. :mod:`lca.backends.brightway` is the Brightway one (bw2calc, bw_processing, bw2data, bw2io),
installed with ``pip install 'greenroute[brightway]'``.
"""
