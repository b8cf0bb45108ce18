# SPDX-License-Identifier: Apache-2.0
"""scenarios/linux-shm.xml: shared memory and doorbells from Linux user space
(phidias-shm.ko, docs/linux.md).

linux2 blocks in read() on /dev/phidias/mbox; linux1 writes a message into
the region through mmap and rings its capability with the PHIDIAS_SHM_RING
ioctl; linux2's read returns one ring and it reads the message through its
own mapping.  A capability that is not the region's is refused.
"""

import re

import pytest

import phidias_qemu
from netlinux import run
from phidias_qemu import load_scenario


@pytest.fixture(scope="module")
def shm():
    scenario = load_scenario("linux-shm")
    with phidias_qemu.booted(scenario, log_name="test_net_linux_shm") as qemu:
        qemu.expect_linux_shells([vm.name for vm in scenario.vms], timeout=300)
        yield scenario, qemu


def test_every_region_is_a_device_with_its_caps_and_doorbell(shm):
    scenario, qemu = shm
    for vm in scenario.vms:
        out = "\n".join(run(qemu, vm, "ls -1 /dev/phidias; shmring mbox info").output)
        assert re.search(r"^caps$", out, re.M) and re.search(r"^mbox$", out, re.M), out
        assert "mbox: 65536 bytes at 0x50000000, rw, caps: 0, 1 doorbell(s)" in out, out


def test_a_ring_from_user_space_wakes_the_blocking_read_in_the_other_vm(shm):
    scenario, qemu = shm
    a, b = scenario.vms
    run(qemu, b, "rm -f /tmp/w.out; (shmring mbox wait >/tmp/w.out 2>&1 &); "
        "while ! grep -q waiting /tmp/w.out; do sleep 0.1; done; sleep 1")
    # Still blocked: nothing has rung yet.
    out = run(qemu, b, "cat /tmp/w.out").output
    assert out == ["waiting for a doorbell on mbox"], out
    run(qemu, a, "shmring mbox send 0 hello-from-linux1")
    result = run(qemu, b, "while ! grep -q doorbell /tmp/w.out; do sleep 0.1; done; "
                 "cat /tmp/w.out", timeout=60)
    assert "doorbell x1: hello-from-linux1" in result.output, result


def test_ringing_a_capability_the_region_does_not_list_is_refused(shm):
    scenario, qemu = shm
    a, _ = scenario.vms
    result = qemu.shell(a, "shmring mbox send 5 nope")
    assert result.status != 0 and any("PHIDIAS_SHM_RING" in l for l in result.output), result
