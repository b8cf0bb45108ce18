# SPDX-License-Identifier: Apache-2.0
"""scenarios/vgic-*.xml: the `vgictest` guest checks the virtual GICv2 and
virtual timer from inside a VM and prints one PASS/FAIL line per test
(docs/baremetal.md).  Everything is decided by the guest's counter, never by
wall-clock time."""

import re

import pytest

from phidias_qemu import ALL_STOPPED, banner_of, load_scenario

RESULT = r"^vgictest: (?P<test>[a-z0-9]+): (?P<verdict>PASS|FAIL)(?P<rest>.*)$"



def run_vgictest(start, name, timeout=None):
    scenario = load_scenario(name)
    (vm,) = scenario.vms_running("vgictest")
    wanted = vm.arg("test").split(",")
    qemu = start(name)
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect(vm.name, rf"^vgictest: tests {re.escape(vm.arg('test'))} on "
                         rf"{len(vm.pcpus)} vCPU\(s\)$", timeout=timeout)
    done = qemu.expect(vm.name, r"^vgictest: done, (\d+) failed$", timeout=timeout)
    results = {}
    for line in qemu.lines(vm.name):
        m = re.match(RESULT, line.text)
        if m:
            results.setdefault(m["test"], []).append((m["verdict"], line.text))
    qemu.expect("phidias", ALL_STOPPED, timeout=timeout)
    fails = [text for t in results for v, text in results[t] if v == "FAIL"]
    assert not fails and done[1] == "0", "\n".join(fails) + "\n" + qemu.tail()
    for test in wanted:
        assert [v for v, _ in results.get(test, [])] == ["PASS"], \
            f"no single PASS line for {test}\n{qemu.tail()}"
    return results


def test_sgis_between_vcpus_on_two_cpus_and_per_vcpu_virtual_timers(start):
    results = run_vgictest(start, "vgic-smp")
    assert "(source 0)" in results["sgi"][0][1] and "(source 1)" in results["sgi"][0][1]
    assert results["vtimer"][0][1].startswith("vgictest: vtimer: PASS 2 vCPU(s)")


@pytest.mark.parametrize("name", ["vgic-doorbell", "vgic-doorbell-1cpu"])
def test_doorbell_spi_is_pending_cleared_masked_and_routed_as_on_a_gic(start, name):
    """A doorbell (an edge SPI a capability injects, without the vGIC's lock)
    behaves as GICD_ISPENDR would make it: pending while disabled or masked,
    cleared by GICD_ICPENDR, one latch for two rings, again after the EOI when
    rung while active, and taken by the vCPU GICD_ITARGETSR names, whether that
    vCPU runs on another CPU or waits for this one; and after vCPU 1 has
    retargeted, disabled and cleared it under a storm of rings (`dbstorm`), one
    ring is taken exactly once and nothing stays pending or active."""
    results = run_vgictest(start, name)
    assert "also on vCPU 1" in results["doorbell"][0][1]
    assert results["dbstorm"][0][1].startswith("vgictest: dbstorm: PASS 2000 rings")


def test_pending_active_state_enable_and_timer_on_one_vcpu(start):
    run_vgictest(start, "vgic-dist")


def test_pending_interrupts_are_taken_strictly_by_priority(start):
    run_vgictest(start, "vgic-prio")


def test_sixteen_pending_interrupts_with_four_list_registers_each_taken_once(start):
    run_vgictest(start, "vgic-lrs")


def test_passed_through_device_interrupt_is_hardware_linked(start):
    """A physical SPI of a device the VM owns reaches it, and its EOI ends it.

    The PL031 alarm fires twice: the second arrives only if the guest's EOI of
    the first deactivated the physical interrupt through the list register's
    hardware link.
    """
    results = run_vgictest(start, "vgic-passthru")
    assert "INTID 34" in results["passthru"][0][1]


def test_vm_reset_leaves_no_interrupt_state_behind(start):
    """PSCI SYSTEM_RESET from inside a timer interrupt handler, with the UART's
    and an SPI's state dirty: the restarted VM finds its UART and distributor
    at reset values, and its virtual timer interrupts again (the physical one
    the old guest left active was ended)."""
    results = run_vgictest(start, "vgic-reset")
    assert results["reset"][0][0] == "PASS"
