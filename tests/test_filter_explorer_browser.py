"""The filter explorer of notebook 04 in JupyterLab, in a real Chromium (Playwright).

Starts JupyterLab on 127.0.0.1 (a free port, a random token) over a temporary copy of the student
notebook, with its configuration, data, runtime and settings folders in a temporary folder; opens
``04_convolution.ipynb``, runs the setup and explorer cells, then changes the preset and the stride
slider like a person would and checks from the page that the output image and the size label
change as they should (the output PNG has one pixel per output value, so its natural width is
the output width). A screenshot is saved for a person to look at (its path is printed). The
server is shut down whatever happens. Installs nothing: needs /usr/bin/chromium and playwright.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyterlab_browser import (
    cell_index,
    notebook_in_lab,
    run_cell,
    wait_for,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "nbs" / "04_convolution.ipynb"


def _state(page) -> dict:
    return page.evaluate(
        """() => {
            const img = document.querySelector('.filter-explorer-output img, img.filter-explorer-output');
            const label = document.querySelector('.filter-explorer-size');
            return {
                src: img ? img.src : null,
                width: img ? img.naturalWidth : 0,
                label: label ? label.innerText : '',
            };
        }"""
    )


def _wait_for(page, predicate, what: str, timeout: float = 30.0) -> dict:
    return wait_for(page, _state, predicate, what, timeout)


def test_filter_explorer_redraws_in_jupyterlab(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    setup_index = cell_index(nb, "course.setup()")
    explorer_index = cell_index(nb, "FilterExplorer()")
    screenshot = tmp_path / "filter_explorer.png"

    with notebook_in_lab(tmp_path, NOTEBOOK) as page:
        run_cell(page, setup_index)
        run_cell(page, explorer_index)
        first = _wait_for(
            page,
            lambda s: s["src"] and s["width"] == 26 and "output 26 × 26" in s["label"],
            "the explorer did not render (expected an output image and 'output 26 × 26')",
            timeout=90,
        )
        explorer = page.locator(".filter-explorer")
        explorer.scroll_into_view_if_needed()

        # the preset: a 5 x 5 blur shrinks the output to 24 x 24 and changes the picture
        page.locator(".filter-explorer-preset select").select_option(label="Gaussian blur 5x5")
        blurred = _wait_for(
            page,
            lambda s: (
                "output 24 × 24" in s["label"] and s["width"] == 24 and s["src"] != first["src"]
            ),
            "after choosing 'Gaussian blur 5x5' the label should say 'output 24 × 24'"
            " and the output image should change",
        )

        # the stride slider, moved with the keyboard: stride 2 gives 12 x 12
        page.locator(".filter-explorer-stride .noUi-handle").click()
        page.keyboard.press("ArrowRight")
        strided = _wait_for(
            page,
            lambda s: (
                "output 12 × 12" in s["label"] and s["width"] == 12 and s["src"] != blurred["src"]
            ),
            "after moving the stride slider to 2 the label should say 'output 12 × 12'"
            " and the output image should change",
        )
        assert "stride 2" in strided["label"]

        # the padding slider: padding 1 gives floor((28 + 2 - 5) / 2) + 1 = 13
        page.locator(".filter-explorer-padding .noUi-handle").click()
        page.keyboard.press("ArrowRight")
        _wait_for(
            page,
            lambda s: "output 13 × 13" in s["label"] and s["width"] == 13,
            "after moving the padding slider to 1 the label should say 'output 13 × 13'",
        )
        explorer.screenshot(path=str(screenshot))
    print(f"\nfilter explorer screenshot: {screenshot}")
