"""Notebook 05's over-fitting experiment (course.overfitting): its story, and its cache."""

import json

import pytest
import torch

from course import cnn, overfitting


def test_dropout_with_p_zero_is_the_slides_network():
    torch.manual_seed(0)
    plain = cnn.SlidesNet()
    dropping = overfitting.DropoutSlidesNet(0.0)
    dropping.load_state_dict(plain.state_dict())
    x = torch.randn(4, 1, 28, 28)
    dropping.train()
    torch.testing.assert_close(dropping(x), plain(x))
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        overfitting.DropoutSlidesNet(1.0)


def test_saved_curves_are_read_and_not_computed_again(tmp_path, monkeypatch):
    runs = {
        name: {k: [0.5] for k in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")}
        for name in overfitting.RUNS
    }
    path = tmp_path / overfitting.RESULTS_FILE
    path.write_text(json.dumps({"format": overfitting.FORMAT, "runs": runs}))

    def never(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(overfitting, "run", never)
    assert overfitting.regularisation_curves(path) == runs


@pytest.mark.slow
def test_the_small_set_is_over_fitted_and_decay_and_dropout_help(tmp_path):
    path = tmp_path / "curves.json"
    curves = overfitting.regularisation_curves(path)
    plain = curves["no regularisation"]
    assert len(plain["test_loss"]) == overfitting.EPOCHS
    assert plain["train_accuracy"][-1] == 1.0  # every training digit learnt
    assert plain["test_loss"][-1] > min(plain["test_loss"]) + 0.03  # and the test loss climbs again
    for name in ("weight decay 1.0", "dropout 0.5"):
        assert curves[name]["test_loss"][-1] < plain["test_loss"][-1] - 0.05, name
    assert curves["dropout 0.5"]["test_accuracy"][-1] > plain["test_accuracy"][-1]
    assert json.loads(path.read_text())["runs"] == curves  # cached for every later kernel
