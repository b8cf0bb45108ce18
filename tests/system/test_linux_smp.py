# SPDX-License-Identifier: Apache-2.0
"""scenarios/linux.xml: one Linux VM, two vCPUs on two physical CPUs.

One boot serves all the checks (a module fixture); each test only runs
commands in the VM's shell.  Time is the guest's own: /proc/uptime is read
from the virtual counter, so host load cannot make a sleep look long or
short, only a wrong counter or late timer interrupts can.
"""

import re

import pytest

import phidias_qemu
from phidias_qemu import load_scenario

# `sleep 2` must last this long in guest counter time (seconds).
SLEEP_BOUNDS = (1.8, 3.0)


@pytest.fixture(scope="module")
def linux():
    scenario = load_scenario("linux")
    (vm,) = scenario.vms
    assert vm.guest == "Image" and sorted(vm.pcpus) == [0, 1]
    with phidias_qemu.booted(scenario, log_name="test_linux_smp") as qemu:
        qemu.expect_linux_shells([vm.name])
        yield vm, qemu


def timer_counts(qemu, vm):
    """Per-CPU counts of the arch_timer line of /proc/interrupts."""
    result = qemu.shell(vm, "grep arch_timer /proc/interrupts")
    assert result.status == 0 and len(result.output) == 1, f"{result}\n{qemu.tail()}"
    m = re.match(r"^\s*\d+:((?:\s+\d+)+)\s+\S", result.output[0])
    assert m, f"unexpected /proc/interrupts line: {result.output[0]!r}"
    return [int(n) for n in m.group(1).split()]


def test_nproc_prints_2_in_the_two_vcpu_vm(linux):
    vm, qemu = linux
    result = qemu.shell(vm, "nproc")
    assert (result.status, result.output) == (0, ["2"]), f"{result}\n{qemu.tail()}"


def test_both_cpus_take_virtual_timer_interrupts(linux):
    vm, qemu = linux
    before = timer_counts(qemu, vm)
    assert len(before) == 2, f"arch_timer counts for {len(before)} CPUs: {before}"
    assert all(before), f"a CPU took no timer interrupt since boot: {before}"
    # A sleep pinned to each CPU arms that CPU's timer, so each must take at
    # least one more interrupt, however idle (tickless) the CPU was.
    result = qemu.shell(vm, "taskset 1 sleep 0.2; taskset 2 sleep 0.2")
    assert result.status == 0, f"{result}\n{qemu.tail()}"
    after = timer_counts(qemu, vm)
    assert all(a > b for a, b in zip(after, before)), \
        f"timer interrupts per CPU did not all grow: {before} -> {after}\n{qemu.tail()}"


def test_sleep_2_lasts_2_seconds_of_guest_time(linux):
    vm, qemu = linux
    result = qemu.shell(vm, "cat /proc/uptime; sleep 2; cat /proc/uptime")
    assert result.status == 0 and len(result.output) == 2, f"{result}\n{qemu.tail()}"
    t0, t1 = (float(line.split()[0]) for line in result.output)
    lo, hi = SLEEP_BOUNDS
    assert lo <= t1 - t0 <= hi, \
        f"`sleep 2` took {t1 - t0:.2f} s of guest time\n{result}\n{qemu.tail()}"
