"""The autograde package's map holds: no import circle, every module path written as a string
resolves, and every sub-package says what runs there and in which process."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

import autograde

ROOT = Path(autograde.__file__).resolve().parent
REPO = ROOT.parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {
        module_name(p): p for p in ROOT.rglob("*.py") if "variants" not in p.relative_to(ROOT).parts
    }


def imports_of(path: Path, name: str) -> set[str]:
    """autograde modules that ``path`` imports, anywhere in it (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + [base]
                )
            found.add(base.strip("."))
            found |= {f"{base}.{a.name}".strip(".") for a in node.names}
    known = modules()
    return {m for m in found if m in known and m != name}


def find_circles(graph: dict[str, set[str]]) -> list[str]:
    """Every import circle of ``graph`` (module -> modules it imports), as 'a -> b -> a'."""
    circles = []

    def visit(node: str, stack: list[str], done: set[str]) -> None:
        if node in stack:
            circles.append(" -> ".join(stack[stack.index(node) :] + [node]))
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, stack + [node], done)
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        visit(name, [], done)
    return sorted(set(circles))


def test_the_circle_finder_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_circles(graph) == ["a -> b -> c -> a"]
    assert find_circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle():
    known = modules()
    graph = {name: imports_of(path, name) - {"autograde"} for name, path in known.items()}
    assert "autograde.grading.student" in graph["autograde.grading.executors"]
    circles = find_circles(graph)
    assert not circles, "\n".join(circles)


STRING_PATHS = re.compile(r"""["'`](autograde(?:\.[a-z_]+)+)["'`]""")


def string_module_paths() -> set[str]:
    """Dotted autograde paths written as strings in code, config and docs."""
    texts = [p.read_text(encoding="utf-8") for p in ROOT.rglob("*.py")]
    texts += [
        (REPO / name).read_text(encoding="utf-8")
        for name in ("README.md", "CONTRIBUTING.md", "pyproject.toml")
        if (REPO / name).is_file()
    ]
    found = set()
    for text in texts:
        found |= set(STRING_PATHS.findall(text))
        found |= set(re.findall(r"-m (autograde(?:\.[a-z_]+)+)", text))
    return found


def resolves(dotted: str) -> bool:
    try:
        if importlib.util.find_spec(dotted) is not None:
            return True
    except ModuleNotFoundError:
        pass
    module, _, attr = dotted.rpartition(".")
    try:
        return hasattr(importlib.import_module(module), attr)
    except ImportError:
        return False


def test_every_module_path_written_as_a_string_resolves():
    paths = string_module_paths()
    assert "autograde.hardening.kernel_guard" in paths and "autograde.grading.worker" in paths
    broken = sorted(p for p in paths if not resolves(p))
    assert not broken, broken


def test_nbgrader_configuration_names_classes_that_exist():
    from autograde.release.coursefolder import nbgrader_config

    for dotted in nbgrader_config(Path("/nowhere")).GenerateFeedback.preprocessors:
        assert resolves(dotted), dotted


@pytest.mark.parametrize("package", ["commands", "release", "grading", "hardening"])
def test_each_sub_package_says_what_runs_there(package):
    doc = importlib.import_module(f"autograde.{package}").__doc__ or ""
    assert "process" in doc or "kernel" in doc, doc
