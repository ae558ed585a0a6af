"""Docker sandbox backend: one container per job, or a warm pool of reused containers.

Each container runs the image ``mobench-sandbox:<mobench version>`` (``sandbox/Dockerfile``;
built offline by ``sandbox/build_image.sh``) with no network (``network_mode="none"``), a
read-only root file system, a tmpfs scratch dir, no IPC objects that could outlive a job (no
``/dev/shm``; System V IPC and POSIX message queues sized to zero), all capabilities dropped
but the five the runner needs to separate uids, ``no-new-privileges``, Docker's default
seccomp profile, ``docker-init`` as pid 1, and memory (no swap), pids and CPU limits on its
cgroup. Inside, the in-sandbox runner (``sandbox/runner.py``, shipped as
``mobench.sandbox_runtime``, the same file the bubblewrap backends run) is started with
``--stdio --uids --sweep``: the host writes the runner's source and then the job's config
frames to the container's stdin and reads result lines from its stdout (docker attach). Every
candidate and judge process runs as its own random unprivileged uid without capabilities.

The runner enforces every limit in the container (per test and ``wall_seconds`` per job);
the host also keeps a deadline (``wall_seconds`` + a grace) and kills and removes the
container when it passes, on any error and on KeyboardInterrupt. Result lines are validated
by the local backend's parser: a missing, garbled or spoofed result is a failure, never a
pass.

``pool_size > 0`` keeps that many long-lived containers, each running the runner as a warm
worker (``--serve``): jobs go one after another over the same attach connection, and the
runner kills every process of the job (a sweep of the container's pid namespace) and wipes
its work dir before it reports the job's end. A container whose stream goes wrong in any way
is thrown away. See docs/docker.md.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import json
import os
import queue
import re
import secrets
import select
import shutil
import socket
import subprocess
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from mobench.errors import SandboxUnavailableError
from mobench.sandbox.base import Isolation, Job, JobResult, Limits
from mobench.sandbox.local import (
    PROTOCOL,
    PYTHON_FLAGS,
    RESULT_CAP,
    SANDBOX_ENV,
    Tail,
    assemble,
    check_job,
    job_frames,
    parse_results,
    refused,
    runner_source,
)

IMAGE_REPOSITORY = "mobench-sandbox"
BASE_REGISTRY = "python:3.11-slim"
BASE_OFFLINE = "mobench-base:bookworm"
LABEL = "io.mobench.sandbox"
OWNER_LABEL = "io.mobench.sandbox.owner"
SCRATCH_DIR = "/scratch"  # a fresh tmpfs, root-owned 0755: candidates write only their own dirs
RUNNER_NAME = "/mobench/runner.py"  # the name the runner's code objects carry in the container
RUNNER_FLAGS = ("--stdio", "--uids", "--sweep", "--scratch", SCRATCH_DIR)
# what --uids needs (runner docstring); candidate and judge uids have no capability at all
CAPS = ("SETUID", "SETGID", "KILL", "CHOWN", "DAC_OVERRIDE")
# no IPC object can outlive its job: System V IPC and POSIX message queues sized to zero
SYSCTLS = {
    "kernel.shmmax": "0",
    "kernel.shmall": "0",
    "kernel.msgmni": "0",
    "kernel.sem": "0 0 0 0",
    "fs.mqueue.queues_max": "0",
}
MEMORY_OVERHEAD_MB = 128  # runner worker, job process, zygote and judge on top of the job
PIDS_HEADROOM = 16  # docker-init, worker, job process, zygote, judge, uid killers
HOST_GRACE_SECONDS = 15.0  # container start and the runner's cleanup on top of wall_seconds
START_SECONDS = 60.0  # a new container must say "ready" within this
MAX_JOBS_PER_CONTAINER = 1000  # then a pool container is replaced anyway (hygiene)
LINE_OVERHEAD = 64 * 1024
# The container's command: read the runner's source (length-prefixed) from stdin with exact
# reads, then run it as __main__; the rest of stdin is the runner's config stream.
LOADER = """import os, sys
def take(n):
    data = b""
    while len(data) < n:
        chunk = os.read(0, n - len(data))
        if not chunk:
            raise SystemExit("mobench loader: stdin ended before the runner")
        data += chunk
    return data
size = b""
while not size.endswith(b"\\n"):
    size += take(1)
    if len(size) > 12:
        raise SystemExit("mobench loader: bad runner length")
code = compile(take(int(size)), NAME, "exec")
del take, size
sys.argv[0] = NAME
exec(code, {"__name__": "__main__", "__file__": NAME, "__builtins__": __builtins__})
""".replace("NAME", repr(RUNNER_NAME))


def _docker() -> Any:
    try:
        import docker
    except ImportError as exc:
        raise SandboxUnavailableError(
            "the Docker backend needs the docker SDK: pip install 'docker>=7'"
        ) from exc
    return docker


def _version() -> str:
    from mobench import __version__

    return __version__


def default_image() -> str:
    """``mobench-sandbox:<installed mobench version>`` (a tag allows only ``[A-Za-z0-9_.-]``,
    so a local version such as ``0.1.0+g1234`` becomes ``0.1.0-g1234``)."""
    return f"{IMAGE_REPOSITORY}:{re.sub(r'[^A-Za-z0-9_.-]', '-', _version())[:128]}"


def _engine_name() -> str:
    return os.environ.get("DOCKER_HOST") or "the default socket (unix:///var/run/docker.sock)"


_local = threading.local()


def client() -> Any:
    """A Docker API client for this thread, for the engine ``DOCKER_HOST`` names."""
    docker = _docker()
    env_key = (os.environ.get("DOCKER_HOST"), os.environ.get("DOCKER_TLS_VERIFY"))
    cached = getattr(_local, "client", None)
    if cached is not None and getattr(_local, "key", None) == env_key:
        return cached
    try:
        made = docker.from_env(version=_api_version(env_key), timeout=120)
    except docker.errors.DockerException as exc:
        raise SandboxUnavailableError(f"no Docker engine at {_engine_name()}: {exc}") from exc
    _local.client, _local.key = made, env_key
    return made


@functools.lru_cache(maxsize=8)
def _api_version(env_key: tuple[str | None, str | None]) -> str:
    """The engine's API version, asked once per engine (``version="auto"`` asks every time)."""
    docker = _docker()
    try:
        probe = docker.from_env(version="auto", timeout=10)
        version = str(probe.api.api_version)
        probe.close()
    except docker.errors.DockerException as exc:
        raise SandboxUnavailableError(f"no Docker engine at {_engine_name()}: {exc}") from exc
    return version


def _image_id(tag: str) -> str | None:
    docker = _docker()
    try:
        return str(client().images.get(tag).id)
    except docker.errors.ImageNotFound:
        return None


def _offline_tools() -> str | None:
    """Why the offline build (debootstrap, docker import) cannot run here, or None."""
    missing = [tool for tool in ("bash", "docker", "debootstrap") if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} not installed"
    if os.geteuid() != 0:
        return "debootstrap needs root"
    return None


def docker_problem(image: str | None = None) -> str | None:
    """Why the Docker backend cannot run here, or None when an engine answers and the image is
    present or buildable (from a local offline base, a registry, or debootstrap)."""
    tag = image or default_image()
    try:
        docker = _docker()
        api = client().api
        api.ping()
    except SandboxUnavailableError as exc:
        return str(exc)
    except Exception as exc:  # requests/urllib3 errors as well as docker's own
        return f"no Docker engine answers at {_engine_name()}: {exc}"
    try:
        if _image_id(tag) or _image_id(BASE_OFFLINE):
            return None
    except docker.errors.DockerException as exc:
        return f"the Docker engine at {_engine_name()} fails: {exc}"
    with contextlib.suppress(docker.errors.DockerException):
        api.inspect_distribution(BASE_REGISTRY)
        return None  # the registry answers: ensure_image() builds FROM python:3.11-slim
    offline = _offline_tools()
    if offline is None:
        return None
    return (
        f"the image {tag} is missing, no registry serves {BASE_REGISTRY}, and the offline "
        f"build cannot run ({offline}); see docs/docker.md"
    )


def build_image(tag: str | None = None, base: str | None = None) -> str:
    """Build ``tag`` from ``sandbox/Dockerfile`` FROM ``base`` through the SDK; the image id."""
    docker = _docker()
    tag = tag or default_image()
    base = base or (BASE_OFFLINE if _image_id(BASE_OFFLINE) else BASE_REGISTRY)
    context = importlib.resources.files("mobench.sandbox_runtime")
    with importlib.resources.as_file(context) as path:
        try:
            image, _ = client().images.build(
                path=str(path),
                dockerfile="Dockerfile",
                tag=tag,
                buildargs={"BASE": base, "MOBENCH_VERSION": _version()},
                labels={"io.mobench.base": base},
                rm=True,
                forcerm=True,
            )
        except (docker.errors.BuildError, docker.errors.APIError) as exc:
            raise SandboxUnavailableError(f"building {tag} FROM {base} failed: {exc}") from exc
    return str(image.id)


def build_offline(tag: str | None = None) -> str:
    """The registry-free build: ``sandbox/build_image.sh --offline`` (debootstrap, import)."""
    tag = tag or default_image()
    problem = _offline_tools()
    if problem is not None:
        raise SandboxUnavailableError(f"the offline image build cannot run: {problem}")
    context = importlib.resources.files("mobench.sandbox_runtime")
    with importlib.resources.as_file(context) as path:
        argv = ["bash", str(path / "build_image.sh"), "--offline", "--rebuild"]
        argv += ["--version", _version(), "--tag", tag]
        done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()[-5:]
        raise SandboxUnavailableError(f"the offline image build failed: {' / '.join(said)}")
    found = _image_id(tag)
    if found is None:
        raise SandboxUnavailableError(f"the offline image build did not produce {tag}")
    return found


_build_lock = threading.Lock()


def ensure_image(image: str | None = None) -> str:
    """The id (``sha256:…``) of ``image`` (default ``mobench-sandbox:<version>``), building it
    if missing: FROM the offline base when present, else FROM python:3.11-slim through a
    registry, else debootstrap + ``docker import`` (``sandbox/build_image.sh --offline``)."""
    tag = image or default_image()
    with _build_lock:
        with _engine_errors("looking up the sandbox image"):
            found = _image_id(tag)
            have_base = _image_id(BASE_OFFLINE) is not None
        if found:
            return found
        reasons = []
        for how in ("base", "registry", "offline"):
            try:
                if how == "base" and have_base:
                    return build_image(tag, BASE_OFFLINE)
                if how == "registry":
                    return build_image(tag, BASE_REGISTRY)
                if how == "offline":
                    return build_offline(tag)
            except SandboxUnavailableError as exc:
                reasons.append(str(exc))
        raise SandboxUnavailableError(f"cannot build {tag}: " + "; ".join(reasons))


# -- talking to a container ----------------------------------------------------------------


class _Channel:
    """A hijacked attach connection: stdin out, Docker's multiplexed stdout/stderr frames in.

    Stdout is the runner's result stream, read line by line; stderr carries only the
    runner's own diagnostics (candidate output goes to pipes the runner drains), of which the
    last ``STDERR_CAP`` bytes are kept.
    """

    STDERR_CAP = 16 * 1024

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self.raw: socket.socket = getattr(sock, "_sock", sock)
        self.raw.setblocking(False)
        self.frames = bytearray()
        self.stdout = bytearray()
        self.stderr = Tail(self.STDERR_CAP)
        self.eof = False
        self.timed_out = False

    def send(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the container did not read its input in time")
            _, writable, _ = select.select([], [self.raw], [], remaining)
            if writable:
                try:
                    view = view[self.raw.send(view) :]
                except (BlockingIOError, InterruptedError):
                    continue

    def readline(self, deadline: float, cap: int) -> bytes | None:
        """The next stdout line (without its newline); None at EOF, the deadline (sets
        ``timed_out``) or when a line would exceed ``cap`` bytes."""
        while True:
            end = self.stdout.find(b"\n")
            if end >= 0:
                line = bytes(self.stdout[:end])
                del self.stdout[: end + 1]
                return line
            if len(self.stdout) > cap or self.eof:
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.timed_out = True
                return None
            self._fill(remaining)

    def idle(self) -> bool:
        """True when nothing arrived since the last job (a warm worker waiting for input)."""
        if self.eof or self.stdout:
            return False
        readable, _, _ = select.select([self.raw], [], [], 0)
        return not readable

    def _fill(self, timeout: float) -> None:
        readable, _, _ = select.select([self.raw], [], [], timeout)
        if not readable:
            return
        try:
            chunk = self.raw.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.eof = True
            return
        self.frames += chunk
        while len(self.frames) >= 8:
            size = int.from_bytes(self.frames[4:8], "big")
            if len(self.frames) < 8 + size:
                break
            stream, payload = self.frames[0], bytes(self.frames[8 : 8 + size])
            del self.frames[: 8 + size]
            if stream == 1:
                self.stdout += payload
            else:
                self.stderr.add(payload)

    def close(self) -> None:
        for thing in (self.raw, self.sock):
            with contextlib.suppress(Exception):
                thing.close()


# -- the runner protocol (version 2) ---------------------------------------------------------


def _loader_input() -> bytes:
    source = runner_source()
    return str(len(source)).encode() + b"\n" + source


def _check_ready(line: bytes | None) -> str | None:
    """Why the runner's first line is not a protocol-2 ``ready``, or None when it is."""
    if line is None:
        return "the runner did not start"
    try:
        item = json.loads(line)
    except ValueError:
        return f"the runner's first line is not JSON: {line[:200]!r}"
    if not isinstance(item, dict) or item.get("worker") != "ready":
        return f"the runner did not report ready: {line[:200]!r}"
    if item.get("protocol") != PROTOCOL:
        return f"runner protocol {item.get('protocol')!r}, this backend speaks {PROTOCOL}"
    if item.get("uids") is not True or item.get("sweep") is not True:
        return "the runner runs without --uids/--sweep"
    return None


@dataclass
class _JobStream:
    """One job's part of the result stream, up to and including the worker's ``end`` line."""

    lines: list[bytes] = field(default_factory=list)
    end: dict[str, Any] | None = None
    host_timeout: bool = False
    problem: str | None = None  # the stream can no longer be trusted (never reuse it)
    diagnostics: str = ""


def _read_job(channel: _Channel, seq: int, deadline: float, cap: int) -> _JobStream:
    got = _JobStream()
    size = 0
    while True:
        line = channel.readline(deadline, cap)
        if line is None:
            got.host_timeout = channel.timed_out
            got.problem = (
                "the host deadline passed"
                if channel.timed_out
                else "the result stream ended early"
                if channel.eof
                else "the result stream is too large"
            )
            return got
        size += len(line) + 1
        if size > cap:
            got.problem = "the result stream is too large"
            return got
        if line.startswith(b'{"end": '):  # the worker's line: the job and its processes are gone
            try:
                end = json.loads(line)
            except ValueError:
                got.problem = "a garbled end line"
                return got
            if not isinstance(end, dict) or end.get("end") != seq or "nonce" in end:
                got.problem = f"an end line for another job: {line[:200]!r}"
                return got
            got.end = end
            got.lines.append(line)
            return got
        got.lines.append(line)


# -- the backend ----------------------------------------------------------------------------


@dataclass
class _Slot:
    """One warm pool container (or an empty place for one)."""

    cid: str | None = None
    key: tuple[int, ...] | None = None
    channel: _Channel | None = None
    seq: int = 0


def _remove(cids: set[str]) -> None:
    """Kill and remove containers (finaliser and interrupt path: never raises)."""
    if not cids:
        return
    try:
        api = client().api
    except Exception:
        return
    for cid in list(cids):
        with contextlib.suppress(Exception):
            api.remove_container(cid, force=True)
        cids.discard(cid)


@contextlib.contextmanager
def _engine_errors(doing: str) -> Iterator[None]:
    """Engine failures (Docker API, connection, timeout) as ``SandboxUnavailableError``."""
    docker = _docker()
    try:
        yield
    except (docker.errors.DockerException, OSError, TimeoutError) as exc:
        raise SandboxUnavailableError(f"{doing} failed: {exc}") from exc
    except Exception as exc:  # requests' connection errors and the like
        if type(exc).__module__.split(".")[0] in ("requests", "urllib3"):
            raise SandboxUnavailableError(f"{doing} failed: {exc}") from exc
        raise


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def prune_stale_containers() -> int:
    """Remove sandbox containers whose owning process (on this host) is gone; how many."""
    removed = 0
    with contextlib.suppress(Exception):
        api = client().api
        host = socket.gethostname()
        for item in api.containers(all=True, filters={"label": LABEL}):
            owner = str((item.get("Labels") or {}).get(OWNER_LABEL, ""))
            name, _, pid = owner.rpartition(":")
            if name != host or not pid.isdigit() or int(pid) == os.getpid():
                continue
            try:
                os.kill(int(pid), 0)
                continue  # the owner lives
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            with contextlib.suppress(Exception):
                api.remove_container(item["Id"], force=True)
                removed += 1
    return removed


class DockerSandbox:
    """Runs each job in a Docker container; ``pool_size > 0`` reuses warm containers.

    ``image`` defaults to ``mobench-sandbox:<mobench version>``, built on first use if missing
    (``ensure_image``). ``cpus`` is the CPU quota of each container; ``workers`` the number of
    jobs in flight (default: ``os.cpu_count()``; a pool runs ``pool_size`` at a time).
    """

    def __init__(
        self,
        pool_size: int = 0,
        image: str | None = None,
        *,
        cpus: float = 1.0,
        workers: int | None = None,
    ) -> None:
        if pool_size < 0:
            raise ValueError("pool_size must be >= 0")
        self.pool_size = pool_size
        self.name = "docker-pool" if pool_size else "docker"
        self.image = image or default_image()
        self.cpus = cpus
        self.workers = pool_size or workers or os.cpu_count() or 1
        api = client().api  # fails early, with the reason, when no engine answers
        try:
            self.engine = str(api.version().get("Version", "?"))
        except Exception as exc:
            raise SandboxUnavailableError(
                f"no Docker engine answers at {_engine_name()}: {exc}"
            ) from exc
        prune_stale_containers()
        self._image_id: str | None = None
        self._lock = threading.Lock()
        self._containers: set[str] = set()  # every live container this sandbox started
        self._stopping = False
        self._slots: queue.Queue[_Slot] = queue.Queue()
        for _ in range(pool_size):
            self._slots.put(_Slot())
        self._finalizer = weakref.finalize(self, _remove, self._containers)

    # -- public -----------------------------------------------------------------------------
    @property
    def image_id(self) -> str:
        """The image's id (``sha256:…``), building the image first if it is missing."""
        if self._image_id is None:
            self._image_id = ensure_image(self.image)
        return self._image_id

    def isolation(self) -> Isolation:
        runner = hashlib.sha256(runner_source()).hexdigest()[:16]
        notes = [
            f"image {self.image} id {self.image_id}",
            f"engine {self.engine}",
            "warm container pool (one runner --serve per container, swept between jobs)"
            if self.pool_size
            else "one container per job",
            "network none; read-only root; tmpfs scratch; no /dev/shm, System V IPC or "
            "message queues; memory (no swap), pids and CPU limits per container",
            "runner --uids --sweep: a random unprivileged uid per test without capabilities, "
            "no-new-privileges, default seccomp, docker-init as pid 1",
            f"runner sha256 {runner} (protocol {PROTOCOL})",
        ]
        return Isolation(
            backend=self.name,
            level="docker",
            network=False,
            read_only_root=True,
            unprivileged_uid=True,
            cleared_env=True,
            rlimits=True,
            notes="; ".join(notes),
            pid_namespace=True,
            per_test_uid=True,
            separate_judge=True,
        )

    def run(self, jobs: Sequence[Job]) -> list[JobResult]:
        if not jobs:
            return []
        self._stopping = False
        self.image_id  # noqa: B018 - build the image (once) before the workers start
        pool = ThreadPoolExecutor(max_workers=min(self.workers, len(jobs)))
        try:
            return list(pool.map(self.run_one, jobs))
        except BaseException:  # Ctrl-C or a bug: leave no container behind
            with self._lock:  # no worker creates a container after this
                self._stopping = True
            _remove(self._containers)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            if self._stopping:
                self._reset_slots()

    def warm_up(self, limits: Limits | None = None) -> None:
        """Start every pool container now (for ``limits``), so the first jobs pay nothing."""
        limits = limits or Limits()
        slots = [self._slots.get() for _ in range(self.pool_size)]
        try:
            with ThreadPoolExecutor(max_workers=max(1, len(slots))) as pool:
                list(pool.map(lambda slot: self._ready(slot, limits), slots))
        finally:
            for slot in slots:
                self._slots.put(slot)

    def close(self) -> None:
        """Remove every container of this sandbox (the pool's too); it stays usable."""
        _remove(self._containers)
        self._reset_slots()

    def __enter__(self) -> DockerSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one job ----------------------------------------------------------------------------
    def run_one(self, job: Job) -> JobResult:
        isolation = self.isolation()
        started = time.monotonic()
        names, why = check_job(job)
        if why is not None:
            return refused(job, isolation, why)
        nonce = secrets.token_hex(16)
        if self.pool_size:
            got = self._in_pool(job, nonce, names)
        else:
            got = self._in_new_container(job, nonce, names)
        parsed = parse_results(got.lines, nonce, names)
        if got.problem and not got.host_timeout and not parsed.problem and parsed.end is None:
            parsed.end = {"status": "crashed", "detail": got.problem}
        return assemble(
            job,
            names,
            parsed,
            isolation,
            started,
            host_timeout=got.host_timeout,
            diagnostics=got.diagnostics,
            applied=self.applied(job),
        )

    def applied(self, job: Job) -> dict[str, Any]:
        """What the host applied to the job's container (merged with the runner's report)."""
        memory, pids, scratch = self._container_limits(job.limits)
        return {
            "backend": self.name,
            "image": self.image,
            "image_id": self.image_id,
            "engine": self.engine,
            "container": "warm pool worker (runner --serve)" if self.pool_size else "one per job",
            "network": "none",
            "read_only_root": True,
            "scratch_tmpfs_mb": scratch,
            "container_memory_mb": memory,
            "container_swap": False,
            "container_pids": pids,
            "container_cpus": self.cpus,
            "capabilities": "runner (root): " + ", ".join(CAPS) + "; candidates and judges: none",
            "no_new_privileges": True,
            "seccomp": "docker default",
            "ipc": "private, no /dev/shm, System V IPC and message queues sized 0",
            "host_deadline_seconds": job.limits.wall_seconds + HOST_GRACE_SECONDS,
        }

    def _container_limits(self, limits: Limits) -> tuple[int, int, int]:
        """Memory (MiB), pids, and scratch tmpfs size (MiB) of a container for ``limits``."""
        scratch = max(16, 4 * limits.file_size_mb)
        memory = limits.memory_mb + scratch + MEMORY_OVERHEAD_MB
        return memory, limits.max_processes + PIDS_HEADROOM, scratch

    def _stream_cap(self, limits: Limits) -> int:
        # test lines (details are capped at 2000 characters) + the done line with two tails
        return RESULT_CAP + 12 * max(0, limits.output_bytes) + LINE_OVERHEAD

    def _host_deadline(self, limits: Limits) -> float:
        return time.monotonic() + limits.wall_seconds + HOST_GRACE_SECONDS

    def _start(self, limits: Limits, serve: bool) -> tuple[str, _Channel]:
        """Create, attach and start a container running the runner; returns when it is ready."""
        docker = _docker()
        api = client().api
        memory, pids, scratch = self._container_limits(limits)
        host_config = api.create_host_config(
            network_mode="none",
            read_only=True,
            tmpfs={SCRATCH_DIR: f"rw,nosuid,nodev,noexec,size={scratch}m,mode=755"},
            ipc_mode="none",  # a private IPC namespace without /dev/shm
            sysctls=SYSCTLS,
            cap_drop=["ALL"],
            cap_add=list(CAPS),
            security_opt=["no-new-privileges"],
            mem_limit=f"{memory}m",
            memswap_limit=f"{memory}m",
            pids_limit=pids,
            nano_cpus=int(self.cpus * 1e9),
            init=True,  # docker-init as pid 1: the runner's ancestor, spared by its sweeps
            auto_remove=True,
            log_config=docker.types.LogConfig(type="none"),  # nothing of the job on disk
        )
        command = ["python3", *PYTHON_FLAGS, "-c", LOADER, *RUNNER_FLAGS]
        if serve:
            command.append("--serve")
        with self._lock, _engine_errors("creating a sandbox container"):
            if self._stopping:
                raise KeyboardInterrupt("sandbox batch interrupted")
            created = api.create_container(
                self.image_id,
                command=command,
                user="0:0",
                stdin_open=True,  # with StdinOnce: stdin ends when the host's connection does
                working_dir=SCRATCH_DIR,
                hostname="sandbox",
                environment=[f"{k}={v}" for k, v in SANDBOX_ENV.items()],
                network_disabled=True,
                host_config=host_config,
                labels={LABEL: "pool" if serve else "job", OWNER_LABEL: _owner()},
            )
            cid = str(created["Id"])
            self._containers.add(cid)
        channel: _Channel | None = None
        try:
            with _engine_errors("starting a sandbox container"):
                params = {"stdin": 1, "stdout": 1, "stderr": 1, "stream": 1}
                channel = _Channel(api.attach_socket(cid, params=params))
                api.start(cid)
                deadline = time.monotonic() + START_SECONDS
                channel.send(_loader_input(), deadline)
            problem = _check_ready(channel.readline(deadline, LINE_OVERHEAD))
            if problem is not None:
                said = channel.stderr.text().strip()
                raise SandboxUnavailableError(
                    f"the sandbox container failed to start: {problem}"
                    + (f" ({said[-500:]})" if said else "")
                )
        except BaseException:
            self._kill(cid)
            if channel is not None:
                channel.close()
            raise
        return cid, channel

    def _kill(self, cid: str) -> None:
        with contextlib.suppress(Exception):
            client().api.remove_container(cid, force=True)
        with self._lock:
            self._containers.discard(cid)

    def _exchange(
        self, channel: _Channel, job: Job, seq: int, nonce: str, names: Sequence[str]
    ) -> _JobStream:
        deadline = self._host_deadline(job.limits)
        mark = channel.stderr.total
        try:
            channel.send(job_frames(job, names, seq, nonce), deadline)
        except (OSError, TimeoutError) as exc:
            return _JobStream(problem=f"could not send the job: {exc}")
        got = _read_job(channel, seq, deadline, self._stream_cap(job.limits))
        if channel.stderr.total > mark:
            said = channel.stderr.text().strip().splitlines()
            got.diagnostics = "\n".join(said[-5:])
        return got

    def _in_new_container(self, job: Job, nonce: str, names: Sequence[str]) -> _JobStream:
        cid, channel = self._start(job.limits, serve=False)
        try:
            return self._exchange(channel, job, 0, nonce, names)
        finally:
            channel.close()
            self._kill(cid)  # usually gone already (auto-remove); always gone now

    # -- the warm pool ------------------------------------------------------------------------
    def _ready(self, slot: _Slot, limits: Limits) -> None:
        """Make ``slot`` hold a live, idle worker container for ``limits``."""
        key = self._container_limits(limits)
        healthy = slot.channel is not None and slot.channel.idle()
        if (
            slot.cid is not None
            and slot.key == key
            and healthy
            and slot.seq < MAX_JOBS_PER_CONTAINER
        ):
            return
        self._discard(slot)
        slot.cid, slot.channel = self._start(limits, serve=True)
        slot.key, slot.seq = key, 0

    def _discard(self, slot: _Slot) -> None:
        if slot.channel is not None:
            slot.channel.close()
        if slot.cid is not None:
            self._kill(slot.cid)
        slot.cid, slot.key, slot.channel, slot.seq = None, None, None, 0

    def _reset_slots(self) -> None:
        slots = []
        while True:
            try:
                slots.append(self._slots.get_nowait())
            except queue.Empty:
                break
        for slot in slots:
            self._discard(slot)
            self._slots.put(slot)

    def _in_pool(self, job: Job, nonce: str, names: Sequence[str]) -> _JobStream:
        slot = self._slots.get()
        got: _JobStream | None = None
        try:
            if self._stopping:
                raise KeyboardInterrupt("sandbox batch interrupted")
            self._ready(slot, job.limits)
            assert slot.channel is not None
            seq, slot.seq = slot.seq, slot.seq + 1
            got = self._exchange(slot.channel, job, seq, nonce, names)
            return got
        finally:
            if got is None or got.end is None or got.problem is not None:
                self._discard(slot)  # a worker we cannot vouch for never runs another job
            self._slots.put(slot)


# -- benchmark --------------------------------------------------------------------------------

BENCH_CODE = "def add(a, b):\n    return a + b\n"
BENCH_TESTS = "from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"


def bench_rows(n_jobs: int = 32) -> list[dict[str, Any]]:
    """jobs/s and ms/job of one container per job (``docker run``) and of the warm pool,
    measured side by side on the same trivial jobs (one test each). The pool's containers are
    started before the clock starts, as a long benchmark run amortises them."""
    jobs = [Job(f"bench-{i}", BENCH_CODE, BENCH_TESTS, Limits()) for i in range(n_jobs)]
    rows: list[dict[str, Any]] = []
    cpus = os.cpu_count() or 1
    for label, sandbox in (
        ("docker run per job", DockerSandbox(pool_size=0)),
        ("warm docker pool", DockerSandbox(pool_size=cpus)),
    ):
        with sandbox:
            if sandbox.pool_size:
                sandbox.warm_up(Limits())
            sandbox.run(jobs[: min(2, n_jobs)])  # warm-up: image, page cache
            start = time.perf_counter()
            results = sandbox.run(jobs)
            seconds = time.perf_counter() - start
        bad = sum(r.status != "completed" or r.passed != r.total for r in results)
        rows.append(
            {
                "backend": label,
                "name": sandbox.name,
                "jobs": n_jobs,
                "workers": sandbox.workers,
                "seconds": round(seconds, 4),
                "jobs_per_s": round(n_jobs / seconds, 2),
                "ms_per_job": round(1000 * seconds / n_jobs, 2),
                "failed_jobs": bad,
            }
        )
    slowest = float(rows[0]["ms_per_job"])
    for row in rows:
        row["speedup_vs_docker_run"] = round(slowest / float(row["ms_per_job"]), 2)
    return rows
