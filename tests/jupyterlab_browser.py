"""JupyterLab in a real Chromium for the widget tests: an isolated server and page helpers.

``JupyterLab`` starts a server on a free port of 127.0.0.1 with a random token, every Jupyter
folder inside a temporary home and the news toast off; ``stop()`` always ends its process
group (server and kernels). Playwright drives Debian's Chromium with the flags that work here.
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
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cell_index(nb, text: str) -> int:
    """Index of the first code cell whose source contains ``text``."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and text in cell.source:
            return index
    raise AssertionError(f"no code cell contains {text!r}")


class JupyterLab:
    """A JupyterLab server in its own process group, isolated in ``home``; stop() always cleans up."""

    def __init__(self, home: Path, notebooks: Path, cwd: Path | None = None) -> None:
        self.port, self.token = free_port(), secrets.token_hex(16)
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
            command,
            env=env,
            cwd=cwd,  # nbgrader's formgrader reads nbgrader_config.py from here
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
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


def dismiss_dialogs(page) -> None:
    """Accept the kernel dialog and refuse the news toast, if either shows up."""
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    if dialog.count():
        dialog.first.click()
    news = page.locator(".jp-Notification-Toast button", has_text="No")
    if news.count():
        news.first.click()


def run_cell(page, index: int) -> None:
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


def wait_for(
    page,
    read_state: Callable[[object], dict],
    predicate: Callable[[dict], bool],
    what: str,
    timeout: float = 30.0,
) -> dict:
    """Poll ``read_state(page)`` until ``predicate`` holds, dismissing dialogs meanwhile."""
    deadline = time.monotonic() + timeout
    state = read_state(page)
    while time.monotonic() < deadline:
        state = read_state(page)
        if predicate(state):
            return state
        dismiss_dialogs(page)
        page.wait_for_timeout(200)
    raise AssertionError(f"{what}: the page shows {state}")


def require_chromium():
    """Playwright's sync API, or skip the test without Debian's chromium or Playwright."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def chromium_page(viewport: dict | None = None):
    """A page of a fresh headless Chromium (closed after the block); skips where there is none."""
    sync_api = require_chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
        finally:
            browser.close()


@contextmanager
def notebook_in_lab(tmp_path: Path, notebook: Path):
    """Open a temporary copy of ``notebook`` in JupyterLab in Chromium; yields the ready page.

    Skips without Debian's chromium or Playwright; the browser and the server's whole process
    group are always stopped, and the test fails if the server outlives the block.
    """
    require_chromium()
    if not notebook.exists():
        pytest.fail(f"{notebook} is missing; run `nn-course release {notebook.stem}`")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(notebook, notebooks / notebook.name)
    server = JupyterLab(tmp_path / "jupyter", notebooks)
    try:
        server.wait_ready()
        with chromium_page({"width": 1400, "height": 1100}) as page:
            page.set_default_timeout(60_000)
            page.goto(server.url(f"lab/tree/{notebook.name}"))
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.wait_for_timeout(1000)
            dismiss_dialogs(page)
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
            )
            yield page
    finally:
        server.stop()
    assert server.process.poll() is not None, "the JupyterLab server is still running"


@contextmanager
def offline_page(viewport: dict | None = None):
    """A Chromium page that may load files (``file://``, ``data:``) and nothing else: yields
    ``(page, left)``, where ``left`` lists every other URL the page asked for (refused)."""
    left: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file://", "data:")):
            return request_route.continue_()
        left.append(request_route.request.url)
        return request_route.abort()

    with chromium_page(viewport) as page:
        page.route("**/*", route)
        yield page, left
