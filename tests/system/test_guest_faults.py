# SPDX-License-Identifier: Apache-2.0
"""scenarios/guestfaults.xml, guest faulttest: from inside a VM, faults are
what hardware would raise (aborts with the right ESR/FAR/ELR/SPSR and vector,
a permission fault for a read-only region, UNDEFINED for an unemulated
trapped register) and the VM goes on; the EL1 physical timer works, is the
vCPU's own, wakes WFI, and its interrupt follows the timer condition.  A
ticker on the same CPU notices nothing."""

import re

from phidias_qemu import (ANY_FAULT, INJECTED, POWERED_OFF, STOPPED, TICK, banner_of,
                          load_scenario)

TESTS = ["abort", "perm", "undef", "ptimer", "ctxsw", "level"]
TIMER_TESTS = ["ptimer", "ctxsw", "level"]


def test_faults_and_the_physical_timer_as_on_hardware(start):
    scenario = load_scenario("guestfaults")
    qemu = start("guestfaults")
    qemu.expect("phidias", banner_of(scenario))
    results = qemu.expect_each(["faults", "timer2"],
                               lambda _: r"^faulttest: done, (?P<n>\d+) failed$")
    off = [re.compile(POWERED_OFF.format(vm=vm)) for vm in ("faults", "timer2")]
    qemu.collect(lambda lines: all(any(o.search(ln.text) for ln in lines if ln.tag == "phidias")
                                   for o in off), "both faulttest VMs powered off")
    for vm, want in (("faults", TESTS), ("timer2", TIMER_TESTS)):
        lines = [line.text for line in qemu.lines(vm)]
        fails = [t for t in lines if ": FAIL " in t]
        assert not fails and results[vm]["n"] == "0", "\n".join(fails) + "\n" + qemu.tail()
        for test in want:
            ok = [t for t in lines if re.match(rf"^faulttest: {test}: PASS ", t)]
            assert ok, f"{vm}: no PASS for {test}\n{qemu.tail()}"

    # One line per injected fault, each naming what the guest got.
    injected = re.compile(INJECTED.format(vm="faults"))
    given = [injected.search(line.text)["given"] for line in qemu.lines("phidias")
             if injected.search(line.text)]
    # The AArch32 CP15 access always traps; the IMPLEMENTATION DEFINED
    # register only where the CPU implements HCR_EL2.TIDCP (QEMU from 8.1).
    impdef = [line for line in qemu.lines("faults") if "faulttest: impdef: ok" in line.text]
    assert given == ["external abort"] * 7 + ["permission fault"] + \
        ["undefined instruction"] * (1 + len(impdef)), given

    # The ticker beside them: every tick, in order, no fault, not stopped.
    seq = [int(TICK.match(line.text)["n"]) for line in qemu.lines("ticker")
           if TICK.match(line.text)]
    assert len(seq) > 20 and seq == list(range(seq[0], seq[0] + len(seq))), seq
    for name in ("ticker", "timer2"):
        bad = [re.compile(p.format(vm=name)) for p in (ANY_FAULT, INJECTED, STOPPED)]
        assert not [line for line in qemu.lines("phidias")
                    if any(b.search(line.text) for b in bad)], qemu.tail()
