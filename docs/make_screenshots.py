"""Screenshots of greenroute's reports for docs/reports.md, made the way a reader sees them.

Run from the repository root (needs Chromium and chromedriver; LibreOffice and pdftoppm for the
workbook's printed pages)::

    python docs/make_screenshots.py            # writes docs/images/*.png

It builds the HTML report of the three lidocaine routes with a Monte Carlo run, opens it in
headless Chromium at 1400 × 900 and captures the first screen, a route's flows and the
Monte Carlo plot; then prints the Excel workbook to PDF with LibreOffice and renders its first
page. Nothing here is run by the test suite (it takes a minute); `tests/test_docs_screenshots.py`
checks that the script imports and names the images docs/reports.md shows.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
ROUTES = [ROOT / "processes" / f"lidocaine-{mode}.toml" for mode in ("batch", "flow", "modular")]
WIDTH, HEIGHT = 1400, 900
SHOTS = ("report-first-screen.png", "report-flows.png", "report-monte-carlo.png",
         "workbook-summary.png")  # fmt: skip
RENDERED = """
return Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(div => div._fullLayout && div.querySelector('svg.main-svg')).length;
"""


def chromium(profile: str):
    """Headless Chromium with the flags this kind of machine (root, no GPU) needs."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("google-chrome") or ""
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    # the window size includes no browser chrome in headless mode; set the viewport exactly
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


def capture(driver, path: Path, selector: str | None = None, height: int = HEIGHT) -> None:
    """A PNG of the viewport's top (``selector`` None) or of the element ``selector`` from its
    top, ``height`` pixels tall."""
    top = 0
    if selector:
        top = driver.execute_script(
            "const e = document.querySelector(arguments[0]); e.scrollIntoView();"
            "return e.getBoundingClientRect().top + window.scrollY;",
            selector,
        )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "captureBeyondViewport": True,
         "clip": {"x": 0, "y": top, "width": WIDTH, "height": height, "scale": 1}},
    )  # fmt: skip
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"wrote {path.relative_to(ROOT)}")


def html_shots(work: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    import lca
    from lca.montecarlo import compare_monte_carlo
    from lca.reporting.html import write_html

    comparison = lca.compare(ROUTES)
    monte_carlo = compare_monte_carlo(
        [a.recipe for a in comparison.assessments], comparison.labels, 2000, seed=1
    )
    page = write_html(comparison, work / "report.html", monte_carlo=monte_carlo)
    figures = page.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    driver = chromium(str(work / "profile"))
    try:
        driver.get(page.as_uri())
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(RENDERED) >= figures - 8)
        capture(driver, IMAGES / SHOTS[0])
        capture(driver, IMAGES / SHOTS[1], "#route-2 .grid2", 760)
        capture(driver, IMAGES / SHOTS[2], "#comparison-monte-carlo", 400)
    finally:
        driver.quit()


def workbook_shot(work: Path) -> None:
    import lca
    from lca.reporting.excel import write_workbook

    book = write_workbook(lca.compare(ROUTES), work / "lidocaine.xlsx")
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
         "--convert-to", "pdf", "--outdir", str(work), str(book)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
         str(work / "lidocaine.pdf"), str(IMAGES / SHOTS[3].removesuffix(".png"))],
        check=True, timeout=60,
    )  # fmt: skip
    print(f"wrote docs/images/{SHOTS[3]}")


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="greenroute-shots-") as folder:
        html_shots(Path(folder))
        if shutil.which("soffice") and shutil.which("pdftoppm"):
            workbook_shot(Path(folder))
        else:
            print("soffice or pdftoppm not installed: the workbook's page is not updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
