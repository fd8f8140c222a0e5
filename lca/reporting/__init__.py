"""Everything greenroute shows or writes: the presentation side of the results.

- :mod:`.labels`: metric labels, units as people write them and number formatting, for every
  output a person reads;
- :mod:`.terminal`: the CLI's tables (rich) and the comparison as Markdown;
- :mod:`.documents`: the JSON documents (assessment, comparison, Monte Carlo);
- :mod:`.excel` (openpyxl), :mod:`.charts` (plotly figures), :mod:`.html` (a self-contained
  report from the ``reports/`` templates);
- :mod:`.safe` (text made safe for terminals, CSV, Markdown and JSON) and :mod:`.output`
  (files written atomically, never overwritten without ``force``).

Each module imports its heavy dependency (openpyxl, plotly, rich) itself, so ``import lca``
stays light.
"""
