"""The saliency explorer of notebook 06 in JupyterLab, in a real Chromium (Playwright).

Opens a temporary copy of the student notebook ``nbs/06_saliency.ipynb`` in JupyterLab (the
server helper in ``tests/jupyterlab_browser.py``: temporary folders, random token, always
shut down), runs the setup, model and explorer cells, then picks another digit, class and
method on the page like a person would, and checks that the caption and the picture change
accordingly. A screenshot is saved for a person to look at (its path is printed).
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
NOTEBOOK = ROOT / "nbs" / "06_saliency.ipynb"


def _state(page) -> dict:
    return page.evaluate(
        """() => {
            const img = document.querySelector('.saliency-explorer-picture img, img.saliency-explorer-picture');
            const caption = document.querySelector('.saliency-explorer-caption');
            return {
                src: img ? img.src : null,
                width: img ? img.naturalWidth : 0,
                caption: caption ? caption.innerText : '',
            };
        }"""
    )


def _wait_for(page, predicate, what: str, timeout: float = 60.0) -> dict:
    return wait_for(page, _state, predicate, what, timeout)


def test_saliency_explorer_redraws_in_jupyterlab(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [
        cell_index(nb, "course.setup()"),
        cell_index(nb, "cnn.trained_model()"),
        cell_index(nb, "SaliencyExplorer("),
    ]
    screenshot = tmp_path / "saliency_explorer.png"

    with notebook_in_lab(tmp_path, NOTEBOOK) as page:
        for index in cells:  # the model cell may train for a while on a busy CPU
            run_cell(page, index)
        first = _wait_for(
            page,
            lambda s: s["src"] and s["width"] > 0 and "digit #0" in s["caption"],
            "the explorer did not render (expected a picture and 'digit #0')",
            timeout=240,
        )
        page.locator(".saliency-explorer").scroll_into_view_if_needed()

        page.locator(".saliency-explorer-target select").select_option(label="3")
        for_three = _wait_for(
            page,
            lambda s: "map for class 3" in s["caption"] and s["src"] != first["src"],
            "after choosing class 3 the caption should say 'map for class 3' and the"
            " picture should change",
        )

        page.locator(".saliency-explorer-method select").select_option(label="integrated gradients")
        integrated = _wait_for(
            page,
            lambda s: "integrated gradients" in s["caption"] and s["src"] != for_three["src"],
            "after choosing integrated gradients the caption should name it and the"
            " picture should change",
        )

        page.locator(".saliency-explorer-digit .noUi-handle").click()
        page.keyboard.press("ArrowRight")
        moved = _wait_for(
            page,
            lambda s: "digit #1" in s["caption"] and s["src"] != integrated["src"],
            "after moving the digit slider the caption should say 'digit #1' and the"
            " picture should change",
        )
        assert "map for class 3" in moved["caption"]
        page.locator(".saliency-explorer").screenshot(path=str(screenshot))
    print(f"\nsaliency explorer screenshot: {screenshot}")


def test_planted_explorer_outlines_the_patch_and_draws_the_deletion_curve(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [
        cell_index(nb, "course.setup()"),
        cell_index(nb, "cnn.trained_model()"),
        cell_index(nb, "planted.planted_model(device=device)"),
        cell_index(nb, "SaliencyExplorer(planted_model"),
    ]
    screenshot = tmp_path / "planted_explorer.png"

    with notebook_in_lab(tmp_path, NOTEBOOK) as page:
        for index in cells:
            run_cell(page, index)
        first = _wait_for(
            page,
            lambda s: s["src"] and s["width"] > 0 and "outlined region" in s["caption"],
            "the planted explorer did not render (expected a picture and the patch's measures)",
            timeout=240,
        )
        assert "deletion AUC" in first["caption"] and "a random map" in first["caption"]
        page.locator(".saliency-explorer").scroll_into_view_if_needed()
        page.locator(".saliency-explorer-target select").select_option(label="3")
        page.locator(".saliency-explorer-method select").select_option(label="Grad-CAM")
        cam = _wait_for(
            page,
            lambda s: (
                "Grad-CAM" in s["caption"]
                and "map for class 3" in s["caption"]
                and s["src"] != first["src"]
            ),
            "after choosing class 3 and Grad-CAM the caption should name both and the picture"
            " should change",
        )
        assert "outlined region" in cam["caption"]
        page.locator(".saliency-explorer").screenshot(path=str(screenshot))
    print(f"\nplanted explorer screenshot: {screenshot}")
