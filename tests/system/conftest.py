# SPDX-License-Identifier: Apache-2.0
"""Fixtures for the system tests: boot a scenario under QEMU, kill it after.

The harness lives in phidias_qemu.py (this directory is on sys.path because
pytest puts a test file's directory there when it has no __init__.py).
"""

import os
import re

import pytest

import phidias_qemu


@pytest.fixture
def start(request):
    """start(scenario) boots `make run`'s command line for that scenario;
    start(argv=[...]) runs any QEMU command line.  Returns a Qemu; every
    QEMU started here is killed at teardown, pass or fail.  Its console is
    logged to build/test-logs/<test>.log."""
    running = []
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def _start(scenario=None, argv=None, extra=()):
        try:
            if argv is None:
                argv = phidias_qemu.qemu_argv(scenario, extra)
        except RuntimeError as e:  # the build failed
            pytest.fail(str(e), pytrace=False)
        log = os.path.join(phidias_qemu.LOG_DIR,
                           base + (f"-{len(running)}" if running else "") + ".log")
        qemu = phidias_qemu.Qemu(argv, log_path=log)
        running.append(qemu)
        return qemu

    yield _start
    for qemu in running:
        qemu.kill()
