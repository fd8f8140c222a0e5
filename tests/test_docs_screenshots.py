"""docs/reports.md shows screenshots made by docs/make_screenshots.py, not by hand: the script
imports, names the images the page shows, and they are committed. (Running it takes Chromium,
LibreOffice and about a minute: it is not run here.)"""

from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_the_screenshots_in_the_docs_come_from_the_script():
    spec = importlib.util.spec_from_file_location(
        "make_screenshots", ROOT / "docs" / "make_screenshots.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # imports only: nothing runs on import
    page = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    for name in module.SHOTS:
        assert f"(images/{name})" in page, name
        image = ROOT / "docs" / "images" / name
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert (module.WIDTH, module.HEIGHT) == (1400, 900)
