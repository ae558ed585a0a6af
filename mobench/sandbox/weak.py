"""Weak backend: the same runner as a plain subprocess (rlimits + timeouts, no isolation).

Only for hosts where bubblewrap cannot run, and only when the user passes
``--allow-weak-sandbox``: candidate code can read and write the host filesystem, reach the
network and see other processes. Every result records ``level="weak (no isolation)"``.
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
    TEST_MODULE,
    Launch,
    ProcessSandbox,
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
        )

    def _launch(self, job: Job, config: dict[str, Any], config_fd: int, result_fd: int) -> Launch:
        root = tempfile.mkdtemp(prefix="mobench-weak-")
        code_dir, scratch = os.path.join(root, "code"), os.path.join(root, "scratch")
        os.mkdir(code_dir)
        os.mkdir(scratch)
        files = {
            os.path.join(root, "runner.py"): runner_source(),
            os.path.join(code_dir, "solution.py"): job.code.encode(),
            os.path.join(code_dir, f"{TEST_MODULE}.py"): job.tests.encode(),
        }
        for path, data in files.items():
            with open(path, "wb") as fh:
                fh.write(data)
            os.chmod(path, 0o444)
        config.update(
            code_dir=code_dir, scratch_dir=scratch, test_module=TEST_MODULE, sweep=False, drop=None
        )
        env = {**SANDBOX_ENV, "HOME": scratch, "TMPDIR": scratch}
        argv = [sys.executable, *PYTHON_FLAGS, os.path.join(root, "runner.py")]
        argv += ["--config-fd", str(config_fd), "--result-fd", str(result_fd)]
        return Launch(
            argv,
            (config_fd, result_fd),
            env,
            cwd=scratch,
            cleanup=lambda: shutil.rmtree(root, ignore_errors=True),
        )
