# SPDX-License-Identifier: Apache-2.0
"""scenarios/isolation*.xml: a crashing VM is reported and stopped; the VMs
beside it (on its CPU and on others) keep running untouched."""

import re

import pytest

from phidias_qemu import (ANY_FAULT, FAULT, PHIDIAS_GUEST_RAM, STOPPED, TICK,
                          banner_of, load_scenario, scenario_names)

MORE_TICKS = 20
BAD_IPA = 0x10000000  # where the crash guest reads or writes


def esr_fields(esr):
    return esr >> 26, esr & 0x1ffffff  # EC, ISS (Arm ARM D17.2.37)


def check_data_abort(esr, kind):
    ec, iss = esr_fields(esr)
    assert ec == 0x24, f"EC 0x{ec:x}: want 0x24, data abort from a lower EL"
    assert iss & 0x3c == 0x04, f"DFSC 0x{iss & 0x3f:x}: want a translation fault"
    assert bool(iss & (1 << 6)) == (kind == "write"), f"WnR wrong for a {kind}"


def check_sysreg_trap(esr):
    ec, iss = esr_fields(esr)
    assert ec == 0x18, f"EC 0x{ec:x}: want 0x18, trapped MSR/MRS"
    # CNTP_CTL_EL0 is op0=3 op1=3 CRn=14 CRm=2 op2=1; direction 0 = write.
    fields = ((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 0xf,
              (iss >> 1) & 0xf, (iss >> 17) & 7, iss & 1)
    assert fields == (3, 3, 14, 2, 1, 0), f"ISS 0x{iss:x} is not an MSR CNTP_CTL_EL0"


@pytest.mark.parametrize("name", scenario_names(r"isolation(-.*)?"))
def test_fault_is_reported_and_only_the_faulting_vm_stops(start, name):
    scenario = load_scenario(name)
    (crash,) = scenario.vms_running("crash")
    others = [vm for vm in scenario.vms if vm is not crash]
    assert others and all(vm.guest == "ticker" for vm in others)
    kind = crash.arg("crash") or "read"
    lines = int(crash.arg("lines") or 3)

    qemu = start(name)
    qemu.expect("phidias", banner_of(scenario))
    for i in range(1, lines + 1):
        qemu.expect(crash.name, rf"^crash: line {i}$")
    qemu.expect(crash.name, rf"^crash: performing {kind} at 0x[0-9a-fA-F]+$")

    vm = re.escape(crash.name)
    if kind in ("read", "write"):
        fault = qemu.expect("phidias", FAULT.format(vm=vm))
        assert int(fault["ipa"], 16) == BAD_IPA, fault.string
        check_data_abort(int(fault["esr"], 16), kind)
    else:
        fault = qemu.expect("phidias", ANY_FAULT.format(vm=vm))
        check_sysreg_trap(int(fault["esr"], 16))
    assert fault["vcpu"] == "0"
    pc = int(fault["pc"], 16)
    assert PHIDIAS_GUEST_RAM <= pc < PHIDIAS_GUEST_RAM + crash.memory, \
        f"PC 0x{pc:x} is not in the guest's RAM"

    qemu.expect("phidias", STOPPED.format(vm=vm))
    stopped_at = qemu.position

    def ticks(vm_name, since=0):
        return [int(TICK.match(line.text)["n"]) for line in qemu.lines(vm_name, since)
                if TICK.match(line.text)]

    qemu.collect(lambda _: all(len(ticks(o.name, stopped_at)) >= MORE_TICKS for o in others),
                 f"{MORE_TICKS} more ticks from each of {[o.name for o in others]}")
    for other in others:
        seq = ticks(other.name)
        assert seq == list(range(seq[0], seq[0] + len(seq))), \
            f"{other.name} skipped ticks around the fault: {seq}"
    assert not qemu.lines(crash.name, since=stopped_at), \
        f"'{crash.name}' printed after it was stopped\n{qemu.tail()}"
    for other in others:
        bad = re.compile(ANY_FAULT.format(vm=re.escape(other.name)) + "|"
                         + STOPPED.format(vm=re.escape(other.name)))
        assert not [line for line in qemu.lines("phidias") if bad.search(line.text)], \
            f"'{other.name}' was harmed\n{qemu.tail()}"
