"""Weak backend: the same runner as a plain subprocess (rlimits + timeouts, no isolation).

Only for hosts where bubblewrap cannot run, and only when the user passes
``--allow-weak-sandbox``: candidate code can read and write the host filesystem, reach the
network and see other processes. Every result records ``level="weak (no isolation)"``.
Results are still decided by the runner's out-of-process judge.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import Any

from mobench.sandbox.base import Isolation, Job
from mobench.sandbox.local import (
    PYTHON_FLAGS,
    SANDBOX_ENV,
    Launch,
    ProcessSandbox,
    runner_args,
    runner_source,
)

WEAK_LEVEL = "weak (no isolation)"


class WeakSandbox(ProcessSandbox):
    """A subprocess per job in a private temp dir, with rlimits and timeouts only."""

    name = "weak"

    def isolation(self) -> Isolation:
        as_root = os.geteuid() == 0
        return Isolation(
            backend=self.name,
            level=WEAK_LEVEL,
            network=True,
            read_only_root=False,
            unprivileged_uid=not as_root,
            cleared_env=True,
            rlimits=True,
            notes=(
                "plain subprocess: no filesystem, network or process isolation"
                + ("; running as root, so RLIMIT_NPROC does not bind" if as_root else "")
            ),
            separate_judge=True,
        )

    def applied(self, job: Job) -> dict[str, Any]:
        return {"isolation": "none: a plain subprocess with rlimits and timeouts"}

    def _launch(self, job: Job, config_fd: int, result_fd: int) -> Launch:
        root = tempfile.mkdtemp(prefix="mobench-weak-")
        scratch = os.path.join(root, "scratch")
        os.mkdir(scratch)
        runner = os.path.join(root, "runner.py")
        with open(runner, "wb") as fh:
            fh.write(runner_source())
        os.chmod(runner, 0o444)
        env = {**SANDBOX_ENV, "HOME": scratch, "TMPDIR": scratch}
        argv = [sys.executable, *PYTHON_FLAGS, runner, *runner_args(config_fd, result_fd)]
        argv += ["--scratch", scratch]
        return Launch(
            argv,
            (config_fd, result_fd),
            env,
            cwd=scratch,
            cleanup=lambda: shutil.rmtree(root, ignore_errors=True),
        )
