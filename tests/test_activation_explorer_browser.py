"""The activation explorer of notebook 03 in JupyterLab, in a real Chromium (Playwright).

Opens a temporary copy of the student notebook in JupyterLab (``tests/jupyterlab_browser.py``:
isolated folders, free port, random token, always shut down), runs the
cells the explorer needs, then picks leaky ReLU in the dropdown and moves the slope slider with
the keyboard like a person would, and checks from the page that the picture, the slider's
readout and the summary change as they should, then that tanh replaces it. A screenshot is saved (its path is printed).
"""

from __future__ import annotations

import time
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
NOTEBOOK = ROOT / "nbs" / "03_activations.ipynb"
NEEDED = (
    "course.setup()",
    "def sigmoid(",
    "def tanh(",
    "def relu(",
    "def leaky_relu(",
    "def elu(",
    "def identity(",
    "def mine_or_reference(",
    "ActivationExplorer(mine",
)


def _state(page) -> dict:
    return page.evaluate(
        """() => {
            const img = document.querySelector(
                '.activation-explorer-image img, img.activation-explorer-image');
            const readout = document.querySelector('.activation-explorer-parameter .widget-readout');
            const label = document.querySelector('.activation-explorer-parameter label');
            const summary = document.querySelector('.activation-explorer-summary');
            return {
                src: img ? img.src : null,
                width: img ? img.naturalWidth : 0,
                readout: readout ? readout.innerText.trim() : '',
                parameter: label ? label.innerText.trim() : '',
                summary: summary ? summary.innerText : '',
            };
        }"""
    )


def _wait_for(page, predicate, what: str, timeout: float = 30.0) -> dict:
    return wait_for(page, _state, predicate, what, timeout)


def _settled(page, quiet: float = 1.5, timeout: float = 30.0) -> dict:
    """The page's state once the picture has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    state, since = _state(page), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = _state(page)
        if now["src"] != state["src"]:
            state, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"the picture kept changing for {timeout:.0f} s")


def test_activation_explorer_redraws_in_jupyterlab(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    indices = [cell_index(nb, text) for text in NEEDED]
    screenshot = tmp_path / "activation_explorer.png"

    with notebook_in_lab(tmp_path, NOTEBOOK) as page:
        for index in indices:
            run_cell(page, index)

        first = _wait_for(
            page,
            lambda s: s["src"] and s["width"] > 0 and "0.25" in s["summary"],
            "the explorer did not render sigmoid (an image and a summary with max |f'| 0.25)",
            timeout=90,
        )
        explorer = page.locator(".activation-explorer")
        explorer.scroll_into_view_if_needed()

        page.locator(".activation-explorer-choice select").select_option(label="leaky ReLU")
        leaky = _wait_for(
            page,
            lambda s: (
                s["parameter"] == "slope" and s["readout"] == "0.01" and s["src"] != first["src"]
            ),
            "after choosing 'leaky ReLU' the slider should read 'slope' = 0.01 and the"
            " picture should change",
        )

        page.locator(".activation-explorer-parameter .noUi-handle").click()
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        _wait_for(
            page,
            lambda s: s["readout"] == "0.21" and s["src"] != leaky["src"],
            "after 20 presses of the right arrow the slope should read 0.21 and the"
            " picture should change",
        )
        steeper = _settled(page)  # every redraw for 0.02 ... 0.21 has arrived

        page.locator(".activation-explorer-choice select").select_option(label="tanh")
        _wait_for(
            page,
            lambda s: (
                s["parameter"] == "(none)"
                and "0.000182" in s["summary"]  # tanh'(5): the gradient has almost vanished
                and s["src"] != steeper["src"]
            ),
            "after choosing 'tanh' the slider should say '(none)', the summary give"
            " tanh'(5) and the picture change",
        )
        _settled(page)
        explorer.screenshot(path=str(screenshot))
    print(f"\nactivation explorer screenshot: {screenshot}")
