"""What does not depend on the student is built once per class and handed in read-only."""

from __future__ import annotations

import json
import os
import stat

import pytest
import torch

from autograde.grading.shared import FAST_MODEL, SharedFilesChanged, build_shared, verify_shared
from autograde.hardening.sandbox import MODELS_ENV
from course import planted, shuffled


def test_notebooks_that_need_no_model_get_none(tmp_path):
    assert build_shared(tmp_path / "shared", ["01_neurons"]) == {}
    assert verify_shared(tmp_path / "shared") == tmp_path / "shared"
    assert verify_shared(tmp_path / "elsewhere") is None


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template") / "shared"
    hashes = build_shared(folder, ["01_neurons", "06_saliency"])
    assert sorted(hashes) == sorted([FAST_MODEL, planted.MODEL_FILE, shuffled.MODEL_FILE])
    return folder


def test_the_model_is_trained_once_and_checked_by_hash(shared, tmp_path):
    assert verify_shared(shared) == shared
    copy = tmp_path / "shared"
    copy.mkdir()
    for f in shared.iterdir():
        copy.joinpath(f.name).write_bytes(f.read_bytes())
    data = bytearray((copy / FAST_MODEL).read_bytes())
    data[-10] ^= 0xFF
    (copy / FAST_MODEL).write_bytes(bytes(data))
    with pytest.raises(SharedFilesChanged, match=FAST_MODEL):
        verify_shared(copy)
    json.loads((copy / "manifest.json").read_text())  # still readable, names what it holds


def test_a_kernel_loads_the_shared_model_instead_of_training(shared, monkeypatch):
    from course import cnn

    assert cnn.MODELS_ENV == MODELS_ENV
    for f in shared.iterdir():
        f.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    monkeypatch.setenv(MODELS_ENV, str(shared))
    monkeypatch.setattr(cnn, "fit", lambda *a, **k: pytest.fail("trained again"))
    model = cnn.trained_model(fast=True, device="cpu")
    assert model.meta["is_sample"] and not model.training
    assert planted.planted_model(device="cpu").meta["data"] == "planted sample"
    monkeypatch.setattr(torch.optim, "Adam", lambda *a, **k: pytest.fail("memorised again"))
    assert shuffled.shuffled_labels_model(device="cpu").meta["train_accuracy"] > 0.95
    assert sorted(os.listdir(shared)) == sorted(
        ["manifest.json", FAST_MODEL, planted.MODEL_FILE, shuffled.MODEL_FILE]
    )


def test_grading_points_kernels_at_the_shared_model_only_while_it_grades(shared, monkeypatch):
    """The answer keys are graded in the instructor's own process: afterwards no later code
    (a model trained in the same session) may be sent to the class's temporary folder."""
    from autograde.grading.worker import shared_models

    monkeypatch.delenv(MODELS_ENV, raising=False)
    with shared_models(shared):
        assert os.environ[MODELS_ENV] == str(shared.resolve())
    assert MODELS_ENV not in os.environ
    monkeypatch.setenv(MODELS_ENV, "/the/instructor/own")
    with pytest.raises(RuntimeError), shared_models(shared):
        raise RuntimeError("a notebook broke the grader")
    assert os.environ[MODELS_ENV] == "/the/instructor/own"
    with shared_models(None):
        assert os.environ[MODELS_ENV] == "/the/instructor/own"


@pytest.mark.slow
def test_notebook_05s_over_fitting_curves_are_computed_once_per_class(tmp_path, monkeypatch):
    from course import overfitting

    folder = tmp_path / "shared"
    hashes = build_shared(folder, ["05_cnn_mnist"])
    assert overfitting.RESULTS_FILE in hashes
    assert verify_shared(folder) == folder
    monkeypatch.setenv(MODELS_ENV, str(folder))
    monkeypatch.setattr(overfitting, "run", lambda *a, **k: pytest.fail("computed again"))
    assert set(overfitting.regularisation_curves()) == set(overfitting.RUNS)


def test_answer_keys_are_cached_for_the_shared_files_they_were_made_with(tmp_path):
    """A key made with other weights would judge a right answer wrong (training that shared the
    cores with other work can end in other bits): the cache tells the two apart."""
    from autograde.grading.keys import fingerprint
    from autograde.grading.shared import MANIFEST
    from autograde.release.coursefolder import SOLUTIONS_DIR

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / MANIFEST).write_text(json.dumps({FAST_MODEL: "a" * 64}))
    first = fingerprint(["06_saliency"], SOLUTIONS_DIR, shared)
    assert fingerprint(["06_saliency"], SOLUTIONS_DIR, shared) == first
    (shared / MANIFEST).write_text(json.dumps({FAST_MODEL: "b" * 64}))
    assert fingerprint(["06_saliency"], SOLUTIONS_DIR, shared) != first
    assert fingerprint(["06_saliency"], SOLUTIONS_DIR, tmp_path / "none") != first
    # a notebook that reads no shared file keeps its key whatever else the class trained
    alone = fingerprint(["01_neurons"], SOLUTIONS_DIR, tmp_path / "none")
    assert fingerprint(["01_neurons"], SOLUTIONS_DIR, shared) == alone


def test_a_journal_is_not_resumed_against_other_keys_or_shared_files(tmp_path):
    from autograde.grading.journal import run_fingerprint
    from autograde.grading.results import GradingSettings
    from autograde.grading.shared import MANIFEST

    release = tmp_path / "release" / "06_saliency"
    release.mkdir(parents=True)
    (release / "06_saliency.ipynb").write_text("{}")
    (tmp_path / "keys").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "keys" / "06_saliency.json").write_text('{"cells": 1}')
    (tmp_path / "shared" / MANIFEST).write_text('{"m": "1"}')

    def run() -> str:
        return run_fingerprint(tmp_path, ["06_saliency"], GradingSettings())

    first = run()
    assert run() == first
    (tmp_path / "keys" / "06_saliency.json").write_text('{"cells": 2}')
    second = run()
    assert second != first
    (tmp_path / "shared" / MANIFEST).write_text('{"m": "2"}')
    assert run() not in (first, second)


def test_a_class_built_again_takes_its_shared_files_from_the_cache(tmp_path, monkeypatch):
    """Once trained, the shared files come from the cache (hash-checked); a cached file that
    changed is trained again, never handed to a kernel."""
    from autograde.grading import shared as shared_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    trained = []

    def fake_training(folder, stems, solutions):
        trained.append(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / FAST_MODEL).write_bytes(b"weights")
        hashes = {FAST_MODEL: shared_module._sha256(folder / FAST_MODEL)}
        (folder / "manifest.json").write_text(json.dumps(hashes))
        return hashes

    monkeypatch.setattr(shared_module, "_build_shared", fake_training)
    first = build_shared(tmp_path / "a" / "shared", ["06_saliency"])
    second = build_shared(tmp_path / "b" / "shared", ["06_saliency"])
    assert first == second and len(trained) == 1
    assert (tmp_path / "b" / "shared" / FAST_MODEL).read_bytes() == b"weights"
    assert verify_shared(tmp_path / "b" / "shared") == tmp_path / "b" / "shared"
    cached = shared_module._cache_folder(["06_saliency"], shared_module.SOLUTIONS_DIR)
    (cached / FAST_MODEL).write_bytes(b"tampered")
    build_shared(tmp_path / "c" / "shared", ["06_saliency"])
    assert len(trained) == 2  # the changed cache was not used
    assert (tmp_path / "c" / "shared" / FAST_MODEL).read_bytes() == b"weights"
    assert (cached / FAST_MODEL).read_bytes() == b"weights"  # and it was replaced
