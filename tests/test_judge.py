"""The stdin/stdout judge (pipeline/evaluation/sandbox.py's Judge): each verdict from real programs
in real processes, the checker's rules, and that a judge process survives whatever a program does."""

import os
from pathlib import Path

import pytest

from pipeline.evaluation import sandbox
from pipeline.evaluation.sandbox import Checker, Judge, Limits, outputs_match

LIMITS = Limits(timeout_s=1.0, cpu_s=1, memory_bytes=256 << 20)
SUM_TESTS = [("3 4\n", "7\n"), ("10 20\n", "30\n"), ("-5 5\n", "0\n")]
SUM = "a, b = map(int, input().split())\nprint(a + b)\n"


@pytest.fixture(scope="module")
def judge():
    with Judge(workers=2) as j:
        yield j


@pytest.mark.parametrize(
    "source, verdict, test, error",
    [
        (SUM, "accepted", -1, ""),
        # the contest habits: a main() behind __name__, sys.stdin, exit(), deep recursion, a thread
        # with a large stack
        ("import sys\ndef main():\n    a, b = map(int, sys.stdin.read().split())\n    sys.stdout.write(f'{a + b}\\n')\n"
         "if __name__ == '__main__':\n    main()\n", "accepted", -1, ""),
        ("a, b = map(int, input().split())\nprint(a + b)\nexit()\nprint('never')\n", "accepted", -1, ""),
        ("import sys\nsys.setrecursionlimit(10 ** 6)\ndef depth(n):\n    return 0 if n == 0 else 1 + depth(n - 1)\n"
         "a, b = map(int, input().split())\nprint(depth(50000) - 50000 + a + b)\n", "accepted", -1, ""),
        ("import threading\nthreading.stack_size(1 << 26)\ndef main():\n    a, b = map(int, input().split())\n"
         "    print(a + b)\nt = threading.Thread(target=main)\nt.start()\nt.join()\n", "accepted", -1, ""),
        # wrong on the second test only: the index says which
        ("a, b = map(int, input().split())\nprint(a * b if a == 10 else a + b)\n", "wrong_answer", 1, ""),
        ("a, b = map(int, input().split())\nprint(a + b, 0)\n", "wrong_answer", 0, ""),
        ("print(7)\n", "wrong_answer", 1, ""),
        ("a, b = map(int, input().split())\nprint(a + b if b != 5 else 1 // (a + b))\n", "runtime_error", 2,
         "ZeroDivisionError"),
        ("import sys\nsys.exit(3)\n", "runtime_error", 0, "SystemExit"),
        ("import numpy\n", "runtime_error", 0, "ModuleNotFoundError"),
        ("while True:\n    pass\n", "timeout", 0, "TimeoutError"),
        ("import time\ntime.sleep(30)\n", "timeout", 0, "TimeoutError"),
        ("block = [0] * (10 ** 9)\n", "memory_limit", 0, "MemoryError"),
        ("import os\nos.fork()\n", "runtime_error", 0, "BlockedOperation"),
        ("import subprocess\nsubprocess.run(['ls'])\n", "runtime_error", 0, "BlockedOperation"),
    ],
    ids=["plain", "main", "exit", "recursion", "thread", "wrong-on-test-1", "extra-token", "wrong-value",
         "crash-on-test-2", "exit-status", "no-numpy", "spin", "sleep", "memory", "fork", "subprocess"],
)
def test_verdicts(judge, source, verdict, test, error):
    v = judge.judge(source, SUM_TESTS, LIMITS)
    assert (v.verdict, v.test, v.error) == (verdict, test, error), v


def test_a_timeout_reads_the_same_whichever_clock_stops_it(judge):
    """The CPU rlimit stops a spinning program, the wall-clock kill a sleeping one; under load either
    can come first, and a rejection's detail must not depend on the machine's load."""
    spin = judge.judge("while True:\n    pass\n", SUM_TESTS, LIMITS)
    sleep = judge.judge("import time\ntime.sleep(30)\n", SUM_TESTS, LIMITS)
    assert spin.message == sleep.message == "over the time limit of 1 s", (spin, sleep)


def test_syntax_error_is_a_runtime_error_before_any_test(judge):
    v = judge.judge("print(", SUM_TESTS, LIMITS)
    assert (v.verdict, v.error) == ("runtime_error", "SyntaxError")


def test_output_is_judged_not_exit_or_reports(judge):
    """A program that ends early with the right output passes; one that forges the judge's report
    on an inherited descriptor still fails on its output."""
    assert judge.judge("import os\na, b = map(int, input().split())\nprint(a + b, flush=True)\nos._exit(0)\n",
                       SUM_TESTS, LIMITS).verdict == "accepted"
    forged = "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'\\n{\"error\": \"\"}\\n')\n" \
             "    except OSError:\n        pass\nprint(1)\n"
    assert judge.judge(forged, SUM_TESTS, LIMITS).verdict == "wrong_answer"


def test_files_written_by_one_test_are_gone_for_the_next(judge):
    source = "import os\nseen = os.path.exists('state')\nopen('state', 'w').write('x')\n" \
             "a, b = map(int, input().split())\nprint(a + b + seen)\n"
    assert judge.judge(source, SUM_TESTS, LIMITS).verdict == "accepted"


def test_large_output_and_input(judge):
    n = 200_000
    tests = [(" ".join(map(str, range(n))) + "\n", "\n".join(map(str, range(n))) + "\n")]
    v = judge.judge("import sys\nprint('\\n'.join(sys.stdin.read().split()))\n", tests, LIMITS)
    assert v.verdict == "accepted", v


def test_time_limit_is_per_test(judge):
    """Three tests of 0.4 s each under a 1 s limit pass: the limit is not for all tests together."""
    source = "import time\nt = time.time()\nwhile time.time() - t < 0.4:\n    pass\n" + SUM
    assert judge.judge(source, SUM_TESTS, LIMITS).verdict == "accepted"


def test_many_threads_share_the_judges(judge):
    from concurrent.futures import ThreadPoolExecutor

    sources = [SUM if i % 3 else "print(0)\n" for i in range(40)]
    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(lambda s: judge.judge(s, SUM_TESTS, LIMITS).verdict, sources))
    assert verdicts == ["accepted" if i % 3 else "wrong_answer" for i in range(40)]


def test_nothing_left_behind():
    with Judge(workers=1) as j:
        j.judge("open('f', 'w').write('x' * 1000)\n" + SUM, SUM_TESTS, LIMITS)
        j.judge("while True:\n    pass\n", SUM_TESTS[:1], LIMITS)
        proc = j._processes[0]
        home = Path(proc.home)
        assert [p.name for p in home.iterdir() if p.is_dir()] == []  # each solution's directory removed
    assert proc.returncode is not None and not home.exists()
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # nothing of its session is left


def test_a_dead_judge_process_is_replaced(judge):
    with Judge(workers=1) as j:
        assert j.judge(SUM, SUM_TESTS, LIMITS).verdict == "accepted"
        j._processes[0].kill()
        j._processes[0].wait()
        assert j.judge(SUM, SUM_TESTS, LIMITS).verdict == "accepted"


@pytest.mark.parametrize(
    "output, expected, checker, same",
    [
        ("7", "7\n", Checker(), True),
        ("  1 2\n\n3 ", "1\n2 3\n", Checker(), True),  # whitespace-insensitive tokens
        ("1 2", "1 2 3", Checker(), False),
        ("0.3333333", "0.333333333", Checker(), True),  # within 1e-6
        ("0.334", "0.333333333", Checker(), False),
        ("1000000.5", "1000000.4999", Checker(), True),  # relative to the expected value
        ("3", "3.0000000", Checker(), True),
        ("3", "4", Checker(), False),  # two integers are never "close"
        ("1e-9", "0.000000001", Checker(), True),
        ("YES", "yes", Checker(), False),
        ("YES", "yes", Checker(ignore_case=True), True),
        ("0.3333333", "0.333333333", Checker(float_tolerance=0), False),
        ("nan", "0.5", Checker(), False),
    ],
)
def test_checker(output, expected, checker, same):
    assert (outputs_match(output, expected, checker) is None) == same


def test_wrong_answer_message_names_the_token(judge):
    v = judge.judge("print(8)\n", SUM_TESTS, LIMITS)
    assert v.message == "token 1: got '8', expected '7'"


def test_verdict_names_are_the_filters_reasons():
    assert sandbox.VERDICTS == ("accepted", "wrong_answer", "timeout", "runtime_error", "memory_limit")
