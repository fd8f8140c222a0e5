"""plotly figures in notebooks that render everywhere: JupyterLab, ``jupyter nbconvert``, GitHub.

Call :func:`setup` once at the top of a notebook. Each figure is then displayed as one output with

- ``application/vnd.plotly.v1+json``: JupyterLab and VS Code draw it interactively;
- ``text/html``: the figure drawn by plotly.js (inline, once per kernel, so the notebook and its
  nbconvert HTML open offline), with a static PNG inside it that the script hides when plotly.js
  draws: viewers that run no script (GitHub, a mail client) show the picture instead;
- ``image/png``: the same picture for viewers that prefer images.

The PNG is made by kaleido with a Chromium already on the machine; nothing is downloaded at run
time (kaleido's own Chrome download is never called). Without kaleido or a browser, the figure
has no picture, and says so in the notebook once. ``import lca`` sets nothing up: a notebook
asks for it.
"""

from __future__ import annotations

import base64
import html
import json
import shutil

RENDERER = "greenroute"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")
PLOTLYJS_VARIABLE = "GREENROUTE_NOTEBOOK_PLOTLYJS"
_state = {"plotlyjs_sent": False, "static": False, "warned": False, "plotlyjs": True}


def static_images_available() -> bool:
    """Whether a PNG can be made here without downloading anything: kaleido is installed and a
    Chromium or Chrome is on the PATH."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return any(shutil.which(name) for name in BROWSERS)


def _png(fig_dict: dict) -> bytes | None:
    import plotly.io as pio

    if not _state["static"]:
        return None
    try:
        figure = pio.from_json(json.dumps(fig_dict), skip_invalid=True)
        return figure.to_image(format="png", scale=1)
    except Exception:  # a failed picture must not lose the interactive figure
        return None


def _renderer_class():
    from plotly.io._base_renderers import MimetypeRenderer

    class GreenrouteRenderer(MimetypeRenderer):
        """The interactive figure with a static picture inside (see the module)."""

        def to_mimebundle(self, fig_dict):
            import plotly.io as pio
            from plotly.offline import get_plotlyjs

            div = pio.to_html(
                fig_dict,
                full_html=False,
                include_plotlyjs=False,
                config={"displaylogo": False, "responsive": True},
                validate=False,
            )
            script = ""
            if _state["plotlyjs"] and not _state["plotlyjs_sent"]:
                script = f'<script type="text/javascript">{get_plotlyjs()}</script>'
                _state["plotlyjs_sent"] = True
            png = _png(fig_dict)
            bundle: dict[str, str] = {}
            fallback = ""
            if png is not None:
                data = base64.b64encode(png).decode("ascii")
                bundle["image/png"] = data
                fallback = (
                    '<img class="greenroute-static" alt="the figure as a picture" '
                    f'src="data:image/png;base64,{data}">'
                )
            elif not _state["warned"]:
                _state["warned"] = True
                fallback = (
                    "<p><em>"
                    + html.escape(
                        "No static picture: kaleido or a Chromium is missing, so viewers that "
                        "run no script (GitHub) show no figure."
                    )
                    + "</em></p>"
                )
            # plotly.js drew the figure: hide the picture (a viewer without scripts keeps it)
            hide = (
                "<script>(function(){var s=document.currentScript;"
                "var box=s&&s.parentNode;if(box&&window.Plotly){"
                "box.querySelectorAll('.greenroute-static').forEach(function(i){"
                "i.style.display='none';});}})();</script>"
            )
            bundle["text/html"] = f"<div>{script}{div}{fallback}{hide}</div>"
            return bundle

    return GreenrouteRenderer


def setup(static: bool | None = None, plotlyjs: bool | None = None) -> str:
    """Display plotly figures as described in the module, from now on in this kernel.

    Parameters
    ----------
    static : bool, optional
        Add a PNG of each figure. Default: when :func:`static_images_available`.
    plotlyjs : bool, optional
        Put plotly.js (4.8 MB) in the first figure's HTML, so that the notebook's HTML draws
        offline. Default: yes, unless the environment variable ``GREENROUTE_NOTEBOOK_PLOTLYJS``
        is ``0`` (how docs/notebooks/route-screening.ipynb is committed: JupyterLab draws from
        the plotly mimetype, other viewers show the pictures).

    Returns
    -------
    str
        The plotly renderers now in use (``plotly_mimetype+greenroute``).
    """
    import os

    import plotly.io as pio

    _state["static"] = static_images_available() if static is None else bool(static)
    if plotlyjs is None:
        plotlyjs = os.environ.get(PLOTLYJS_VARIABLE, "1") != "0"
    _state["plotlyjs"] = plotlyjs
    _state["plotlyjs_sent"] = False
    _state["warned"] = False
    pio.renderers[RENDERER] = _renderer_class()()
    pio.renderers.default = f"plotly_mimetype+{RENDERER}"
    return pio.renderers.default
