"""Reports: Excel workbook (``excel``), plotly figures (``charts``), self-contained HTML (``html``).

Each module imports its heavy dependency (openpyxl, plotly) itself, so ``import lca`` stays light.
"""
