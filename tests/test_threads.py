"""course.threads: torch's thread count follows the cores other programs leave free."""

from __future__ import annotations

import os

import pytest
import torch

from course.threads import ThreadGovernor, machine_busy_seconds


@pytest.fixture
def torch_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_busy_seconds_count_every_busy_state_but_idle_and_iowait(tmp_path):
    stat = tmp_path / "stat"
    tick = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal guest guest_nice
    stat.write_text(
        f"cpu  {tick} {tick} {tick} {50 * tick} {7 * tick} {tick} {tick} {tick} 0 0\ncpu0 1\n"
    )
    assert machine_busy_seconds(stat) == pytest.approx(6.0)
    stat.write_text("not a stat file\n")
    assert machine_busy_seconds(stat) is None
    assert machine_busy_seconds(tmp_path / "missing") is None


def _governed(monkeypatch, cores: int, samples: list[tuple[float, float | None, float]]):
    """A governor on ``cores`` cores that sees ``samples`` (wall, machine busy, own) in turn."""
    feed = iter(samples)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(ThreadGovernor, "_sample", staticmethod(lambda: next(feed)))
    return ThreadGovernor(max_threads=cores, interval=0.5)


def test_two_busy_programs_on_two_cores_leave_one_thread(monkeypatch, torch_threads):
    torch.set_num_threads(2)
    # one second: the machine was busy 3 core-seconds, 1 of them ours: others kept 2 cores busy
    governor = _governed(monkeypatch, 2, [(0.0, 0.0, 0.0), (1.0, 3.0, 1.0), (2.0, 4.0, 2.0)])
    assert governor.update() == 1 and torch.get_num_threads() == 1
    assert governor.others == pytest.approx(2.0)
    # the others stopped: back to two threads
    assert governor.update() == 2 and torch.get_num_threads() == 2


def test_one_busy_program_leaves_one_core_and_a_quiet_machine_all(monkeypatch, torch_threads):
    torch.set_num_threads(4)
    governor = _governed(monkeypatch, 4, [(0.0, 0.0, 0.0), (1.0, 2.0, 1.0), (2.0, 3.4, 2.0)])
    assert governor.update() == 3  # one core taken by another program
    assert governor.update() == 4  # a little noise (0.4 of a core) rounds to none taken


def test_it_waits_for_its_interval_and_never_goes_below_one(monkeypatch, torch_threads):
    torch.set_num_threads(2)
    governor = _governed(monkeypatch, 2, [(0.0, 0.0, 0.0), (0.1, 5.0, 0.0), (1.0, 9.0, 0.5)])
    assert governor.update() == 2  # 0.1 s: too soon to judge
    assert governor.update() == 1  # others busier than the machine has cores: still one thread


def test_between_two_looks_it_reads_no_files(monkeypatch, torch_threads):
    torch.set_num_threads(2)
    governor = ThreadGovernor(max_threads=2, interval=60.0)

    def no_reads():
        raise AssertionError("sampled before its interval had passed")

    monkeypatch.setattr(ThreadGovernor, "_sample", staticmethod(no_reads))
    assert governor.update() == 2


def test_without_proc_stat_nothing_changes(monkeypatch, torch_threads):
    torch.set_num_threads(2)
    governor = _governed(monkeypatch, 2, [(0.0, None, 0.0), (1.0, None, 1.0)])
    assert governor.update() == 2


def test_a_run_that_must_not_depend_on_the_load_keeps_its_threads(monkeypatch, torch_threads):
    from course.threads import FIXED_ENV

    torch.set_num_threads(2)
    monkeypatch.setenv(FIXED_ENV, "1")
    governor = _governed(monkeypatch, 2, [(0.0, 0.0, 0.0), (1.0, 3.0, 1.0)])
    assert governor.update() == 2 and torch.get_num_threads() == 2
    monkeypatch.setenv(FIXED_ENV, "0")  # "0" is off: two busy programs leave one thread
    governor = _governed(monkeypatch, 2, [(0.0, 0.0, 0.0), (1.0, 3.0, 1.0)])
    assert governor.update() == 1


def test_restore_gives_back_the_count_it_started_with(monkeypatch, torch_threads):
    torch.set_num_threads(2)
    governor = _governed(monkeypatch, 2, [(0.0, 0.0, 0.0), (1.0, 3.0, 1.0)])
    governor.update()
    governor.restore()
    assert torch.get_num_threads() == 2


def test_training_gives_torch_its_thread_count_back(torch_threads):
    from course.cnn import Recipe, SlidesNet, fit

    torch.set_num_threads(2)
    x = torch.randn(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    history = fit(SlidesNet(), (x, y), (x, y), Recipe(epochs=1, batch_size=32), progress=False)
    assert torch.get_num_threads() == 2
    assert len(history.threads) == 1 and 1 <= history.threads[0] <= 2
