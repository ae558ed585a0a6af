"""The Docker sandbox run for real against a real engine: outcomes, isolation, limits, kills,
the warm pool's hygiene and the image digest in every result (docs/docker.md).

Which engine: ``DOCKER_HOST``'s, else the default socket; when neither answers and
``DOCKER_HOST`` is unset, a session fixture starts its own ``dockerd`` (needs root and the
``docker.io`` binaries; data root and socket in a fresh /tmp/mobench-test-dockerd-* dir),
stops it at the end and deletes its data root. Without an engine these tests skip with the
reason; with ``MOBENCH_REQUIRE_DOCKER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mobench.sandbox.base import Job, JobResult, Limits, Sandbox

REQUIRED = os.environ.get("MOBENCH_REQUIRE_DOCKER") == "1"

FAST = Limits(
    cpu_seconds=5,
    wall_seconds=20,
    per_test_seconds=4,
    memory_mb=256,
    file_size_mb=4,
    max_processes=16,
    open_files=64,
    output_bytes=4096,
)
FAST_TEST = "from solution import f\n\ndef test_f():\n    assert f() == 1\n"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"MOBENCH_REQUIRE_DOCKER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _answers() -> bool:
    try:
        import docker

        probe = docker.from_env(version="auto", timeout=5)
        probe.ping()
        probe.close()
        return True
    except Exception:
        return False


def _start_own_dockerd() -> tuple[subprocess.Popen[bytes], Path] | None:
    """Start a dockerd of this session (own data root and socket under /tmp, no iptables, no
    bridge); None if it cannot. The image is then built from the debootstrap tarball cached
    under /tmp (seconds), or from scratch on a machine's first run."""
    dockerd = shutil.which("dockerd")
    if dockerd is None or os.geteuid() != 0:
        return None
    root = Path(tempfile.mkdtemp(prefix="mobench-test-dockerd-", dir="/tmp"))
    sock = root / "docker.sock"
    argv = [dockerd, "--data-root", str(root / "data"), "--exec-root", str(root / "exec")]
    argv += ["--pidfile", str(root / "dockerd.pid"), "-H", f"unix://{sock}"]
    argv += ["--iptables=false", "--ip6tables=false", "--bridge=none"]
    with open(root / "dockerd.log", "ab") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=log, start_new_session=True)
    os.environ["DOCKER_HOST"] = f"unix://{sock}"
    for _ in range(600):
        if _answers():
            return proc, root
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    _stop_own_dockerd(proc, root)
    return None


def _stop_own_dockerd(proc: subprocess.Popen[bytes], root: Path) -> None:
    """Stop the daemon this session started (by its pid) and delete its data root."""
    os.environ.pop("DOCKER_HOST", None)
    if proc.poll() is None:
        proc.terminate()  # dockerd stops its containers and containerd, unmounts, exits
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if not any(root.as_posix() in line for line in Path("/proc/mounts").read_text().splitlines()):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def docker_engine() -> Iterator[str]:
    """A Docker engine with the sandbox image; yields the image id."""
    try:
        import docker  # noqa: F401
    except ImportError:
        _unavailable("the docker SDK is not installed (pip install 'docker>=7')")
    own: tuple[subprocess.Popen[bytes], Path] | None = None
    if not _answers():
        where = os.environ.get("DOCKER_HOST")
        if where is not None:
            _unavailable(f"no Docker engine answers at DOCKER_HOST={where}")
        own = _start_own_dockerd()
        if own is None:
            _unavailable(
                "no Docker engine answers at the default socket, and no dockerd could be "
                "started here (needs root and Debian's docker.io)"
            )
    from mobench.errors import SandboxUnavailableError
    from mobench.sandbox.docker import docker_problem, ensure_image

    try:
        problem = docker_problem()
        if problem is not None:
            _unavailable(problem)
        try:
            image_id = ensure_image()
        except SandboxUnavailableError as exc:
            _unavailable(str(exc))
        yield image_id
    finally:
        if own is not None:
            _stop_own_dockerd(*own)


@pytest.fixture(scope="module")
def run_sandbox(docker_engine: str) -> Iterator[Any]:
    from mobench.sandbox.docker import DockerSandbox

    with DockerSandbox(pool_size=0) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def pool_sandbox(docker_engine: str) -> Iterator[Any]:
    from mobench.sandbox.docker import DockerSandbox

    with DockerSandbox(pool_size=2) as sandbox:
        yield sandbox


@pytest.fixture(params=["docker", "docker-pool"])
def sandbox(request: pytest.FixtureRequest) -> Any:
    name = "run_sandbox" if request.param == "docker" else "pool_sandbox"
    return request.getfixturevalue(name)


def run1(sandbox: Sandbox, code: str, tests: str, **limits: float) -> JobResult:
    job = Job(f"job-{uuid.uuid4().hex[:8]}", code, tests, Limits(**{**FAST.__dict__, **limits}))
    return sandbox.run([job])[0]


def statuses(result: JobResult) -> dict[str, str]:
    return {o.name: o.status for o in result.outcomes}


def containers(owner: str | None = None, mode: str | None = None) -> list[dict[str, Any]]:
    """Sandbox containers (running or not) of ``owner`` (default: this process)."""
    from mobench.sandbox.docker import LABEL, OWNER_LABEL, _owner, client

    labels = [LABEL if mode is None else f"{LABEL}={mode}", f"{OWNER_LABEL}={owner or _owner()}"]
    return list(client().api.containers(all=True, filters={"label": labels}))


def wait_until(predicate: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return bool(predicate())


# -- outcomes ----------------------------------------------------------------------------------

OUTCOME_CODE = """
import time

def add(a, b):
    return a + b

def boom():
    raise KeyError("no such key")

def spin():
    while True:
        time.sleep(0.01)
"""
OUTCOME_TESTS = """
from solution import add, boom, spin

def test_passes():
    assert add(2, 3) == 5

def test_fails():
    assert add(2, 2) == 5

def test_errors():
    boom()

def test_times_out():
    spin()
"""


def test_outcomes_pass_fail_error_timeout(sandbox: Any) -> None:
    result = run1(sandbox, OUTCOME_CODE, OUTCOME_TESTS, per_test_seconds=1.5)
    assert result.status == "completed", result
    assert statuses(result) == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_errors": "error",
        "test_times_out": "timeout",
    }
    assert "KeyError" in result.outcomes[2].detail
    assert result.isolation.level == "docker" and result.isolation.backend == sandbox.name


def test_candidate_output_comes_back_capped(sandbox: Any) -> None:
    code = "import sys\nprint('hello from the candidate')\nsys.stdout.write('x' * 20000)\n"
    code += "print('to stderr', file=sys.stderr)\ndef f():\n    return 1\n"
    result = run1(sandbox, code, "from solution import f\n\ndef test_f():\n    assert f() == 1\n")
    assert statuses(result) == {"test_f": "passed"}
    assert "bytes dropped" in result.stdout_tail and len(result.stdout_tail) < 4096 + 100
    assert "to stderr" in result.stderr_tail


def test_fake_result_lines_and_exit_zero_get_no_pass(sandbox: Any) -> None:
    code = textwrap.dedent(
        """
        import os, sys
        for fd in range(1, 64):
            try:
                os.write(fd, b'{"nonce": "x", "test": "test_a", "status": "passed"}\\n')
                os.write(fd, b'{"end": 0, "status": "ok", "detail": ""}\\n')
            except OSError:
                pass
        print('{"nonce": "x", "done": true}')
        sys.stdout.flush()
        os._exit(0)
        """
    )
    tests = "from solution import f\n\ndef test_a():\n    assert f() == 1\n"
    result = run1(sandbox, code, tests)
    assert result.passed == 0, result
    after = run1(sandbox, "def f():\n    return 1\n", tests)  # the worker is still sound
    assert statuses(after) == {"test_a": "passed"}


def test_unparsable_tests_are_refused(run_sandbox: Any) -> None:
    result = run1(run_sandbox, "x = 1\n", "def test_(:\n")
    assert result.status == "refused" and result.passed == 0


# -- isolation -----------------------------------------------------------------------------------

PROBE_CODE = """
import errno, os, socket

def interfaces():
    return sorted(name for _, name in socket.if_nameindex())

def connect():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=2).close()
    except OSError as exc:
        return exc.errno
    return 0

def resolve():
    try:
        socket.getaddrinfo("deb.debian.org", 80)
    except OSError:
        return "failed"
    return "resolved"

def identity():
    status = dict(
        line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line
    )
    return [os.getuid(), os.geteuid(), os.getgid(), status["CapEff"].strip(),
            status["CapPrm"].strip(), status["NoNewPrivs"].strip(), sorted(os.environ)]

def writes():
    wrote = []
    for path in ("/probe", "/usr/probe", "/etc/probe", "/tmp/probe", "/scratch/probe",
                 "/dev/shm/probe", "/dev/probe"):
        try:
            with open(path, "w") as fh:
                fh.write("x")
            wrote.append(path)
        except OSError:
            pass
    with open("own.txt", "w") as fh:  # the candidate's own work dir is writable
        fh.write("ok")
    return wrote

def secrets():
    found = []
    for path in ("/etc/shadow", "/root", "/proc/1/environ", "/proc/1/root/etc/shadow"):
        try:
            if os.path.isdir(path):
                os.listdir(path)
            else:
                open(path, "rb").read()
            found.append(path)
        except OSError:
            pass
    return found
"""


def test_no_network(sandbox: Any) -> None:
    tests = textwrap.dedent(
        """
        import errno
        from solution import interfaces, connect, resolve

        def test_only_loopback():
            assert interfaces() == ["lo"], interfaces()

        def test_no_route():
            assert connect() == errno.ENETUNREACH, connect()

        def test_no_dns():
            assert resolve() == "failed"
        """
    )
    result = run1(sandbox, PROBE_CODE, tests)
    assert result.passed == result.total == 3, result
    assert result.isolation.network is False


def test_read_only_root_and_non_root_without_capabilities(sandbox: Any) -> None:
    tests = textwrap.dedent(
        """
        from solution import identity, writes, secrets

        def test_unprivileged():
            uid, euid, gid, cap_eff, cap_prm, no_new_privs, env = identity()
            assert uid != 0 and euid != 0 and gid != 0, (uid, euid, gid)
            assert int(cap_eff, 16) == 0 and int(cap_prm, 16) == 0, (cap_eff, cap_prm)
            assert no_new_privs == "1"
            assert set(env) <= {"PATH", "LANG", "PYTHONHASHSEED", "HOME", "TMPDIR"}, env

        def test_read_only():
            assert writes() == []

        def test_no_host_secrets():
            assert secrets() == []
        """
    )
    result = run1(sandbox, PROBE_CODE, tests)
    assert statuses(result) == dict.fromkeys(
        ("test_unprivileged", "test_read_only", "test_no_host_secrets"), "passed"
    ), result
    assert result.isolation.read_only_root and result.isolation.unprivileged_uid


# -- limits --------------------------------------------------------------------------------------

CGROUP_CODE = """
import os

def cgroup(name):
    paths = {
        "memory": ["/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max"],
        "pids": ["/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max"],
        "cpu": ["/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu.max"],
    }[name]
    for path in paths:
        try:
            return open(path).read().split()[0]
        except OSError:
            pass
    return None

def hogs(count, mb):
    children = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:  # never return from here: this copy must not serve the judge
            code = 1
            try:
                block = bytearray(mb * 1024 * 1024)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                import time
                time.sleep(2)
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    return [os.waitpid(pid, 0)[1] for pid in children]

def forks(count):
    made, failed = [], 0
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError:
            failed += 1
            continue
        if pid == 0:
            try:
                import time
                time.sleep(3)
            finally:
                os._exit(0)
        made.append(pid)
    for pid in made:
        os.kill(pid, 9)
    return len(made), failed
"""


def test_memory_limit_binds(sandbox: Any) -> None:
    from mobench.sandbox.docker import MEMORY_OVERHEAD_MB

    memory_mb = 256
    scratch_mb = 16
    container_mb = memory_mb + scratch_mb + MEMORY_OVERHEAD_MB
    tests = textwrap.dedent(
        f"""
        import signal
        from solution import cgroup, hogs

        def test_cgroup_limit_set():
            assert int(cgroup("memory")) == {container_mb} * 1024 * 1024, cgroup("memory")

        def test_hogs_are_killed():
            # each hog stays under RLIMIT_AS ({memory_mb} MiB); together they exceed the
            # container's {container_mb} MiB, so the cgroup's OOM killer must end some
            results = hogs(4, 170)
            assert any(s & 0x7F == signal.SIGKILL for s in results), results

        def test_one_big_block_fails():  # over RLIMIT_AS
            assert hogs(1, 400) != [0]
        """
    )
    result = run1(
        sandbox, CGROUP_CODE, tests, memory_mb=memory_mb, per_test_seconds=10, wall_seconds=40
    )
    assert statuses(result) == dict.fromkeys(
        ("test_cgroup_limit_set", "test_hogs_are_killed", "test_one_big_block_fails"), "passed"
    ), result
    assert result.applied["container_memory_mb"] == container_mb
    assert result.applied["container_swap"] is False


def test_pids_and_cpu_limits_bind(sandbox: Any) -> None:
    from mobench.sandbox.docker import PIDS_HEADROOM

    tests = textwrap.dedent(
        f"""
        from solution import cgroup, forks

        def test_cgroup_pids_set():
            assert int(cgroup("pids")) == 16 + {PIDS_HEADROOM}, cgroup("pids")

        def test_cpu_quota_set():  # one CPU: a quota of one period
            assert cgroup("cpu") == "100000", cgroup("cpu")

        def test_fork_bomb_is_contained():
            made, failed = forks(200)
            assert made < 16 and failed > 0, (made, failed)
        """
    )
    result = run1(sandbox, CGROUP_CODE, tests, max_processes=16)
    assert statuses(result) == dict.fromkeys(
        ("test_cgroup_pids_set", "test_cpu_quota_set", "test_fork_bomb_is_contained"), "passed"
    ), result
    assert result.applied["container_pids"] == 16 + PIDS_HEADROOM


# -- timeouts and kills --------------------------------------------------------------------------

SLEEPY_CODE = "import time\n\ndef nap(seconds):\n    time.sleep(seconds)\n    return seconds\n"
SLEEPY_TESTS = (
    "from solution import nap\n\ndef test_a():\n    nap(30)\n\ndef test_b():\n    nap(30)\n"
)


def test_wall_timeout_ends_the_job_and_its_container(sandbox: Any) -> None:
    started = time.monotonic()
    result = run1(sandbox, SLEEPY_CODE, SLEEPY_TESTS, wall_seconds=3, per_test_seconds=20)
    assert time.monotonic() - started < 15
    assert result.status == "timeout", result
    assert result.passed == 0 and set(statuses(result).values()) <= {"timeout", "error"}
    # killed at once; the engine's auto-remove then takes a moment on a loaded machine
    assert wait_until(lambda: not containers(mode="job"), 10), (
        "a one-job container outlived its job"
    )
    after = run1(sandbox, SLEEPY_CODE, "from solution import nap\n\ndef test_c():\n    nap(0)\n")
    assert statuses(after) == {"test_c": "passed"}


def test_host_side_kill_when_the_container_does_not_report(docker_engine: str) -> None:
    """The host's own deadline: kill and remove the container, report a timeout."""
    from mobench.sandbox.docker import DockerSandbox

    class Impatient(DockerSandbox):
        def _host_deadline(self, limits: Limits) -> float:
            return time.monotonic() + 2.0  # long before the runner's own limits

    for pool_size in (0, 1):
        with Impatient(pool_size=pool_size) as sandbox:
            if pool_size:
                sandbox.warm_up(FAST)
                before = set(sandbox._containers)
            result = run1(sandbox, SLEEPY_CODE, SLEEPY_TESTS, per_test_seconds=20)
            assert result.status == "timeout", result
            assert result.passed == 0
            if pool_size:
                assert not (before & set(sandbox._containers)), "the pool kept a killed worker"
                ids = {c["Id"] for c in containers(mode="pool")}
                assert not (before & ids), "the killed worker container still exists"
            else:
                assert not containers(mode="job")


def test_keyboard_interrupt_removes_every_container(docker_engine: str) -> None:
    from mobench.sandbox.docker import DockerSandbox

    for pool_size in (0, 2):
        before = {c["Id"] for c in containers()}
        with DockerSandbox(pool_size=pool_size) as sandbox:
            jobs = [Job(f"nap-{i}", SLEEPY_CODE, SLEEPY_TESTS, FAST) for i in range(4)]
            # a real SIGINT at the main thread, as Ctrl-C delivers it (interrupt_main() would
            # only be noticed once the main thread wakes up on its own)
            main = threading.main_thread().ident
            assert main is not None
            timer = threading.Timer(2.5, signal.pthread_kill, (main, signal.SIGINT))
            timer.start()
            started = time.monotonic()
            try:
                with pytest.raises(KeyboardInterrupt):
                    sandbox.run(jobs)
            finally:
                timer.cancel()
            assert time.monotonic() - started < 6, "the interrupt waited for running jobs"
            assert not sandbox._containers
            left = {c["Id"] for c in containers()} - before
            assert not left, f"containers left after Ctrl-C: {left}"
            after = sandbox.run([Job("after", "def f():\n    return 1\n", FAST_TEST, FAST)])
            assert after[0].passed == 1  # usable again


CLIENT = """
import sys
from mobench.sandbox.base import Job, Limits
from mobench.sandbox.docker import DockerSandbox

sandbox = DockerSandbox(pool_size=int(sys.argv[1]))
code = "import time\\ndef nap():\\n    time.sleep(60)\\n"
tests = "from solution import nap\\n\\ndef test_nap():\\n    nap()\\n"
sandbox.run([Job("orphan", code, tests, Limits(wall_seconds=6, per_test_seconds=5))])
"""


@pytest.mark.parametrize("pool_size", [0, 1])
def test_a_killed_client_leaves_no_container_running(
    docker_engine: str, pool_size: int, tmp_path: Path
) -> None:
    client = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(pool_size)],
        cwd=tmp_path,  # not the checkout: `python -c` would import its mobench/, not the install
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        owner = f"{os.uname().nodename}:{client.pid}"
        running = lambda: [c for c in containers(owner) if c.get("State") == "running"]  # noqa: E731
        assert wait_until(running, 60), client.stderr.read().decode() if client.poll() else ""
        time.sleep(1.0)  # the job is running now
        client.send_signal(signal.SIGKILL)
        client.wait()
        # the runner ends the job at its limit (5-6 s), then the container ends and is removed
        assert wait_until(lambda: not containers(owner), 30), containers(owner)
    finally:
        with contextlib.suppress(ProcessLookupError):
            client.kill()
        client.wait()


# -- the warm pool -------------------------------------------------------------------------------

LEAVER_CODE = """
import ctypes, os, time

written = []
for path in ("left.txt", "/scratch/left.txt", "/tmp/left.txt", "/dev/shm/left.txt", "/left.txt"):
    try:
        with open(path, "w") as fh:
            fh.write("job A was here")
        written.append(path)
    except OSError:
        pass
libc = ctypes.CDLL(None, use_errno=True)
shm = libc.shmget(0x4D4F42, 4096, 0o1666)  # IPC_CREAT | 0666
if os.fork() == 0:  # a daemon that would tamper with the next job
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "4242"])
    os._exit(0)
time.sleep(0.2)

def report():
    return [written, shm, os.getcwd()]
"""
LEAVER_TESTS = "from solution import report\n\ndef test_leave():\n    assert report()\n"
LOOKER_CODE = """
import os

def look():
    uid = os.getuid()
    files = []
    for root, dirs, names in os.walk("/scratch"):
        files += [os.path.join(root, n) for n in names + dirs if "left" in n]
    sleepers, strangers = [], []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/status") as fh:
                    owner = int(fh.read().split("Uid:")[1].split()[0])
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    cmd = fh.read().replace(b"\\0", b" ").decode(errors="replace")
            except (OSError, IndexError):
                continue
            if "4242" in cmd:
                sleepers.append(pid)
            if owner not in (0, uid, uid - 1):  # root (runner, docker-init), this test, its judge
                strangers.append([pid, owner, cmd[:60]])
    with open("/proc/sysvipc/shm") as fh:
        shm = fh.read().splitlines()[1:]
    return [files, sleepers, strangers, shm]
"""
LOOKER_TESTS = """
from solution import look

def test_nothing_of_the_previous_job():
    files, sleepers, strangers, shm = look()
    assert files == [], files
    assert sleepers == [], sleepers
    assert strangers == [], strangers
    assert shm == [], shm
"""


def test_pool_reuses_containers_without_leaking_files_or_processes(docker_engine: str) -> None:
    from mobench.sandbox.docker import DockerSandbox

    with DockerSandbox(pool_size=1) as sandbox:
        leaver = run1(sandbox, LEAVER_CODE, LEAVER_TESTS)
        assert statuses(leaver) == {"test_leave": "passed"}, leaver
        first = set(sandbox._containers)
        for _ in range(2):  # right after the leaver, and once more
            seen = run1(sandbox, LOOKER_CODE, LOOKER_TESTS)
            assert statuses(seen) == {"test_nothing_of_the_previous_job": "passed"}, seen
        assert set(sandbox._containers) == first and len(first) == 1, "not the same container"


def test_pool_runs_many_jobs_on_few_containers(pool_sandbox: Any) -> None:
    jobs = [Job(f"many-{i}", "def f():\n    return 1\n", FAST_TEST, FAST) for i in range(12)]
    results = pool_sandbox.run(jobs)
    assert [r.passed for r in results] == [1] * 12
    assert len(pool_sandbox._containers) <= pool_sandbox.pool_size


# -- provenance and availability -----------------------------------------------------------------


def test_image_digest_is_recorded_in_every_result(sandbox: Any, docker_engine: str) -> None:
    from mobench.sandbox.docker import default_image

    result = run1(sandbox, "def f():\n    return 1\n", FAST_TEST)
    assert docker_engine.startswith("sha256:")
    assert f"id {docker_engine}" in result.isolation.notes
    assert default_image() in result.isolation.notes
    assert result.isolation.level == "docker"
    assert result.applied["image_id"] == docker_engine
    assert result.to_json()["isolation"]["notes"] == result.isolation.notes


def test_docker_problem_names_an_unreachable_engine(
    docker_engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mobench.sandbox.docker import docker_problem

    assert docker_problem() is None
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/mobench-no-such-engine.sock")
    problem = docker_problem()
    assert problem and "mobench-no-such-engine.sock" in problem
