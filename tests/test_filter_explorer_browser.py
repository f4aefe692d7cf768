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

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "nbs" / "04_convolution.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SETTINGS = {  # JupyterLab user settings for a quiet, fully rendered notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cell_index(nb, text: str) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and text in cell.source:
            return index
    raise AssertionError(f"no code cell of {NOTEBOOK.name} contains {text!r}")


class JupyterLab:
    """A JupyterLab server in its own process group, isolated in ``home``; stop() always cleans up."""

    def __init__(self, home: Path, notebooks: Path) -> None:
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log_path = home / "jupyter.log"
        env = dict(os.environ)
        for var, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[var] = str(home / sub)
        for name, values in SETTINGS.items():
            path = home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env.pop("NBGRADER_EXECUTION", None)
        env["NN_COURSE_FAST"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={notebooks}",
            "--LabApp.expose_app_in_browser=True",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterLab exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM to the server's process group (server and kernels), SIGKILL if it lingers."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass
        try:  # kernels left in the group after the server exited
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


def _dismiss_dialogs(page) -> None:
    """Accept the kernel dialog and refuse the news toast, if either shows up."""
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():
        dialog.first.click()
    news = page.locator(".jp-Notification-Toast button", has_text="No")
    if news.count():
        news.first.click()


def _run_cell(page, index: int) -> None:
    page.evaluate(
        """async (index) => {
            const app = window.jupyterapp;
            const panel = app.shell.currentWidget;
            await panel.sessionContext.ready;
            panel.content.activeCellIndex = index;
            await app.commands.execute('notebook:run-cell');
        }""",
        index,
    )


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
    deadline = time.monotonic() + timeout
    state = _state(page)
    while time.monotonic() < deadline:
        state = _state(page)
        if predicate(state):
            return state
        _dismiss_dialogs(page)
        page.wait_for_timeout(200)
    raise AssertionError(f"{what}: the page shows {state}")


def test_filter_explorer_redraws_in_jupyterlab(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not NOTEBOOK.exists():
        pytest.fail(f"{NOTEBOOK} is missing; run `nn-course release 04_convolution`")

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(NOTEBOOK, notebooks / NOTEBOOK.name)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    setup_index = _cell_index(nb, "course.setup()")
    explorer_index = _cell_index(nb, "FilterExplorer()")
    screenshot = tmp_path / "filter_explorer.png"

    server = JupyterLab(tmp_path / "jupyter", notebooks)
    try:
        server.wait_ready()
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1100})
                page.set_default_timeout(60_000)
                page.goto(server.url(f"lab/tree/{NOTEBOOK.name}"))
                page.wait_for_selector(".jp-Notebook .jp-Cell")
                page.wait_for_timeout(1000)
                _dismiss_dialogs(page)
                page.wait_for_function(
                    "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                    " && window.jupyterapp.shell.currentWidget.sessionContext"
                )

                _run_cell(page, setup_index)
                _run_cell(page, explorer_index)
                first = _wait_for(
                    page,
                    lambda s: s["src"] and s["width"] == 26 and "output 26 × 26" in s["label"],
                    "the explorer did not render (expected an output image and 'output 26 × 26')",
                    timeout=90,
                )
                explorer = page.locator(".filter-explorer")
                explorer.scroll_into_view_if_needed()

                # the preset: a 5 x 5 blur shrinks the output to 24 x 24 and changes the picture
                page.locator(".filter-explorer-preset select").select_option(
                    label="Gaussian blur 5x5"
                )
                blurred = _wait_for(
                    page,
                    lambda s: (
                        "output 24 × 24" in s["label"]
                        and s["width"] == 24
                        and s["src"] != first["src"]
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
                        "output 12 × 12" in s["label"]
                        and s["width"] == 12
                        and s["src"] != blurred["src"]
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
            finally:
                browser.close()
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server is still running"
    print(f"\nfilter explorer screenshot: {screenshot}")
