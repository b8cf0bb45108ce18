# SPDX-License-Identifier: Apache-2.0
"""Every scenario boots; the image boots the documented ways."""

import re

import pytest

from phidias_qemu import (ALL_STOPPED, ANY_FAULT, INJECTED, POWERED_OFF, banner_of, ensure_built,
                          first_line_of, image_path, load_scenario, machine_args,
                          scenario_names)


def expect_every_vm(qemu, scenario):
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect_each([vm.name for vm in scenario.vms],
                     lambda name: first_line_of(scenario.vm(name)))


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_boots_and_every_vm_prints_tagged_output(start, name):
    scenario = load_scenario(name)
    qemu = start(name)
    expect_every_vm(qemu, scenario)
    # Only the VMs that are meant to crash may fault.
    for vm in scenario.vms:
        # ipctest role=ro-writer writes a read-only mapping on purpose;
        # faulttest takes injected faults on purpose; hostile ops=all makes
        # accesses nobody can emulate on purpose.
        if vm.guest not in ("crash", "faulttest") and vm.arg("role") != "ro-writer" and \
                not (vm.guest == "hostile" and vm.arg("ops") == "all"):
            faults = [re.compile(p.format(vm=re.escape(vm.name))) for p in (ANY_FAULT, INJECTED)]
            assert not [line for line in qemu.lines("phidias")
                        if any(f.search(line.text) for f in faults)], \
                f"VM '{vm.name}' faulted\n{qemu.tail()}"


def test_hello_powers_off_and_qemu_exits_cleanly(start):
    scenario = load_scenario("hello")
    (vm,) = scenario.vms
    qemu = start("hello")
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect(vm.name, rf"^Hello from {re.escape(vm.name)}!$")
    # The vCPU's MPIDR as the guest reads it (VMPIDR_EL2): Aff0 = vCPU 0,
    # bit 31 RES1.
    m = qemu.expect(vm.name, r"(?i)\bmpidr\w*\W+(?:0x)?(?P<mpidr>[0-9a-f]+)")
    mpidr = int(m["mpidr"], 16)
    assert mpidr & 0xffffff == 0 and mpidr & (1 << 31), f"MPIDR 0x{mpidr:x}"
    assert re.search(r"(?i)freq|hz", m.string), f"no counter frequency in {m.string!r}"
    qemu.expect("phidias", POWERED_OFF.format(vm=re.escape(vm.name)))
    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()


def test_raw_image_boots_with_the_documented_qemu_command(start):
    """The exact command of README.md (and of issue 2's 'Done means')."""
    ensure_built("two-cpus")
    qemu = start(argv="qemu-system-aarch64 -M virt,virtualization=on,gic-version=2 "
                      "-cpu cortex-a57 -smp 2 -m 1G -nographic "
                      "-kernel build/two-cpus/phidias.bin".split())
    expect_every_vm(qemu, load_scenario("two-cpus"))


# 0x44000000: above the link address, inside what becomes guest RAM.
# 0x40100000: 1 MiB below it, so the image overlaps its own destination
# (QEMU's device tree occupies 0x40000000-0x400fffff).
@pytest.mark.parametrize("addr", ["0x44000000", "0x40100000"])
def test_image_relocates_itself_when_loaded_elsewhere(start, addr):
    machine = machine_args("two-cpus")
    image = image_path("two-cpus")
    qemu = start(argv=["qemu-system-aarch64"] + machine + [
        "-nographic",
        "-device", f"loader,file={image},addr={addr}",
        "-device", f"loader,addr={addr},cpu-num=0"])
    expect_every_vm(qemu, load_scenario("two-cpus"))
