# SPDX-License-Identifier: Apache-2.0
"""The vCPU lifecycle through PSCI, checked from inside VMs
(docs/hypervisor.md, "Guest PSCI"): CPU_OFF then CPU_ON restarts a vCPU with
fresh EL1 state, SMC32-only functions are refused in their SMC64 form, the
last CPU_OFF stops the VM, and SYSTEM_RESET of a VM that shares its CPU
leaves nothing of the old guest's state behind."""

import re

import pytest

from phidias_qemu import ALL_STOPPED, TICK, banner_of, load_scenario

RESULT = r"^hotplug: (?P<check>[a-z0-9_]+): (?P<verdict>PASS|FAIL)(?P<rest>.*)$"


# A CPU_ON that lands between its target's CPU_OFF and that CPU's way back to
# the guest once made the vCPU return from CPU_OFF with its old registers, in
# about 4 boots of 10: a few boots (0.3 s each) make that unlikely to pass.
@pytest.mark.parametrize("boot", range(8))
def test_hotplugged_vcpu_restarts_fresh_and_last_cpu_off_stops_the_vm(start, boot):
    scenario = load_scenario("hotplug")
    qemu = start("hotplug")
    qemu.expect("phidias", banner_of(scenario))
    done = qemu.expect("hotplug", r"^hotplug: done, (\d+) failed$")
    results = {}
    for line in qemu.lines("hotplug"):
        m = re.match(RESULT, line.text)
        if m:
            results[m["check"]] = (m["verdict"], line.text)
    fails = [text for verdict, text in results.values() if verdict == "FAIL"]
    assert not fails and done[1] == "0", "\n".join(fails) + "\n" + qemu.tail()
    assert set(results) == {"cpu_off_on", "smc64_forms", "features"}, qemu.tail()
    # No SYSTEM_OFF: its last vCPU's CPU_OFF alone stops the VM.
    qemu.expect("phidias", r"^VM 'hotplug' powered off \(its last vCPU called CPU_OFF\)$")
    qemu.expect("phidias", ALL_STOPPED)
    assert not [l for l in qemu.lines("hotplug") if "CPU_OFF returned" in l.text]
    ticks = [l for l in qemu.lines("ticker") if l.text.startswith("tick ")]
    assert len(ticks) == 30, qemu.tail()


def test_reset_of_a_vm_sharing_its_cpu_starts_clean(start):
    """The ticker beside it runs next: the old guest's live EL1 state
    (TPIDR_EL1), timer and GIC state must not be saved over the reset."""
    scenario = load_scenario("vgic-reset-shared")
    qemu = start("vgic-reset-shared")
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect("phidias", r"^VM 'vgic' restarting$")
    done = qemu.expect("vgic", r"^vgictest: done, (\d+) failed$")
    fails = [l.text for l in qemu.lines("vgic") if ": FAIL" in l.text]
    assert not fails and done[1] == "0", "\n".join(fails) + "\n" + qemu.tail()
    assert [l for l in qemu.lines("vgic") if l.text.startswith("vgictest: reset: PASS")]
    qemu.expect("phidias", ALL_STOPPED)


def test_reset_scrub_of_a_large_vm_does_not_stall_its_cpu(start):
    """A 512 MiB VM resets itself three times beside a ticker on its CPU.
    The scrub is done a slice at a time between the ticker's slices (it
    took one 540 ms gap per reset when done in the resetting trap), and
    every restart still finds all of the old RAM zeroed."""
    scenario = load_scenario("reset-scrub")
    qemu = start("reset-scrub", extra=["-icount", "shift=3"])
    qemu.expect("phidias", banner_of(scenario))
    passed = qemu.expect("resetter", r"^resetter: (PASS|FAIL).*$", timeout=300)
    assert passed[1] == "PASS", qemu.tail()
    restarts = [l for l in qemu.lines("phidias") if l.text == "VM 'resetter' restarting"]
    assert len(restarts) == 3, qemu.tail()
    qemu.expect("phidias", ALL_STOPPED, timeout=300)
    ticks = [(l.index, int(m["cnt"]), int(m["freq"])) for l in qemu.lines("ticker")
             if (m := TICK.match(l.text))]
    # The ticker ticked on through every reset, the last one included ...
    assert ticks and ticks[-1][0] > restarts[-1].index, qemu.tail()
    # ... with no gap beyond its 1 ms period plus a few 2 ms slices.
    freq = ticks[0][2]
    gap = max(b[1] - a[1] for a, b in zip(ticks, ticks[1:]))
    assert gap * 1000 / freq < 1 + 5 * 2, f"ticker gap of {gap * 1000 / freq:.1f} ms"
