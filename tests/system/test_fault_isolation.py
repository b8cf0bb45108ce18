# SPDX-License-Identifier: Apache-2.0
"""scenarios/isolation*.xml: a VM that faults never harms the VMs beside it
(on its CPU and on others).  By default (<vm on-fault="inject">) the guest
takes the exception hardware would raise: the hypervisor logs one line and
the guest's own handler reports it (the bare-metal runtime prints ESR/FAR and
powers the VM off).  With on-fault="stop" the hypervisor reports the fault
with the registers and stops the VM."""

import re

import pytest

from phidias_qemu import (ANY_FAULT, FAULT, INJECTED, PHIDIAS_GUEST_RAM, POWERED_OFF,
                          STOPPED, TICK, banner_of, load_scenario, scenario_names)

MORE_TICKS = 20
BAD_IPA = 0x10000000  # where the crash guest reads or writes
GUEST_REPORT = (r"^bm: ESR_EL1 0x(?P<esr>[0-9a-f]+) ELR_EL1 0x(?P<elr>[0-9a-f]+) "
                r"FAR_EL1 0x(?P<far>[0-9a-f]+)$")


def esr_fields(esr):
    return esr >> 26, esr & 0x1ffffff  # EC, ISS (Arm ARM D17.2.37)


def check_stage2_abort(esr, kind):
    ec, iss = esr_fields(esr)
    assert ec == 0x24, f"EC 0x{ec:x}: want 0x24, data abort from a lower EL"
    assert iss & 0x3c == 0x04, f"DFSC 0x{iss & 0x3f:x}: want a translation fault"
    assert bool(iss & (1 << 6)) == (kind == "write"), f"WnR wrong for a {kind}"


def check_guest_abort(esr, kind):
    """ESR_EL1 as the guest sees it: a synchronous external abort at EL1."""
    ec, iss = esr_fields(esr)
    assert ec == 0x25, f"EC 0x{ec:x}: want 0x25, data abort from the same EL"
    assert esr & (1 << 25), "IL must be 1"
    assert iss & 0x3f == 0x10, f"DFSC 0x{iss & 0x3f:x}: want 0x10, synchronous external abort"
    assert bool(iss & (1 << 6)) == (kind == "write"), f"WnR wrong for a {kind}"


def check_guest_undef(esr):
    assert esr == 1 << 25, f"ESR_EL1 0x{esr:x}: want 0x2000000 (EC 0 Unknown reason, IL 1)"


@pytest.mark.parametrize("name", scenario_names(r"isolation(-.*)?"))
def test_fault_is_contained_to_the_faulting_vm(start, name):
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
    done = qemu.expect(crash.name, rf"^crash: performing {kind} at 0x(?P<at>[0-9a-fA-F]+)$")
    insn = int(done["at"], 16)

    vm = re.escape(crash.name)
    if kind == "sysreg":
        # A CP15 read of an AArch32 EL0 that traps to EL2 and is not emulated.
        fault = qemu.expect("phidias", INJECTED.format(vm=vm))
        assert fault["given"] == "undefined instruction", fault.string
        assert int(fault["esr"], 16) >> 26 == 0x03, f"EC: want 0x03, a trapped MRC\n{fault.string}"
        check_guest_undef(int(qemu.expect(crash.name, GUEST_REPORT)["esr"], 16))
        end = POWERED_OFF
    elif crash.on_fault == "inject":
        fault = qemu.expect("phidias", INJECTED.format(vm=vm))
        assert fault["given"] == "external abort", fault.string
        assert int(fault["ipa"], 16) == BAD_IPA, fault.string
        check_stage2_abort(int(fault["esr"], 16), kind)
        report = qemu.expect(crash.name, GUEST_REPORT)
        check_guest_abort(int(report["esr"], 16), kind)
        assert int(report["far"], 16) == BAD_IPA, report.string
        assert int(report["elr"], 16) == int(fault["pc"], 16), report.string
        end = POWERED_OFF
    else:
        fault = qemu.expect("phidias", FAULT.format(vm=vm))
        assert int(fault["ipa"], 16) == BAD_IPA, fault.string
        check_stage2_abort(int(fault["esr"], 16), kind)
        qemu.expect("phidias", r"^  x0  0x[0-9a-f]+ x1 ")  # the registers follow
        end = STOPPED
    assert fault["vcpu"] == "0"
    pc = int(fault["pc"], 16)
    assert PHIDIAS_GUEST_RAM <= pc < PHIDIAS_GUEST_RAM + crash.memory, \
        f"PC 0x{pc:x} is not in the guest's RAM"
    assert kind != "sysreg" or pc == insn, f"PC 0x{pc:x}, the instruction is at 0x{insn:x}"

    qemu.expect("phidias", end.format(vm=vm))
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
    assert not [line for line in qemu.lines(crash.name) if "did not fault" in line.text]
    injected = re.compile(INJECTED.format(vm=vm))
    assert len([line for line in qemu.lines("phidias") if injected.search(line.text)]) == \
        (1 if crash.on_fault == "inject" else 0), "one line per injected fault"
    for other in others:
        bad = [re.compile(p.format(vm=re.escape(other.name)))
               for p in (ANY_FAULT, INJECTED, STOPPED)]
        assert not [line for line in qemu.lines("phidias")
                    if any(b.search(line.text) for b in bad)], \
            f"'{other.name}' was harmed\n{qemu.tail()}"
