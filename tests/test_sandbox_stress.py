"""The sandbox under load, its programs (HumanEval) and its Judge (the execution check), at a size that fits CI (benchmarks/sandbox_stress.py runs it at >= 20,000
executions): a seeded mix of passing, wrong, crashing, spinning, sleeping, forking, memory-hungry
and file-writing programs, run twice on all cores, leaves no process, sandbox directory, open
descriptor or unreaped child behind, keeps the parent's memory flat, and gives each program the
verdict its kind must get, the same both times."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import sandbox_stress  # noqa: E402


@pytest.mark.stress
@pytest.mark.parametrize("judge", [False, True], ids=["programs", "judge"])
def test_a_thousand_executions_leave_nothing_behind_and_agree_twice(judge):
    report = sandbox_stress.stress(500, judge=judge)
    assert report["executions"] == 1000
    assert set(report["kinds"]) == set(sandbox_stress.JUDGE_MIX if judge else sandbox_stress.MIX)  # every kind ran
    assert report["unexpected_verdicts"] == {}
    assert report["same_verdicts_twice"]
    assert report["leaks"] == {}
    before, after = report["rss_mb_before_after"]
    assert after - before < 64
    assert report["ok"]
