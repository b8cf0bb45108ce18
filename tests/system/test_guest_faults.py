# SPDX-License-Identifier: Apache-2.0
"""scenarios/guestfaults.xml, guest faulttest: from inside a VM, faults are
what hardware would raise (aborts with the right ESR/FAR/ELR/SPSR and vector,
a permission fault for a read-only region, UNDEFINED for an unemulated
trapped register) and the VM goes on; the EL1 physical timer works, is the
vCPU's own, wakes WFI, and its interrupt follows the timer condition.  A
ticker on the same CPU notices nothing."""

import os
import re
import subprocess

from phidias_qemu import (ANY_FAULT, INJECTED, POWERED_OFF, REPO, STOPPED, TICK, banner_of,
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


def test_the_timer_checks_pass_on_bare_qemu_alike(start):
    """The reference: the same guest on QEMU without the hypervisor (its
    EL1 physical and virtual timers, its GIC) passes the same timer checks,
    so they test the architecture, not Phidias' reading of it."""
    image = os.path.join(REPO, "build", "guests", "qemu", "faulttest.bin")
    if not os.path.exists(image):
        subprocess.run(["make", "guests-qemu"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    qemu = start(argv=["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=2",
                       "-cpu", "cortex-a57", "-m", "512", "-nographic", "-kernel", image,
                       "-append", "test=" + ",".join(TIMER_TESTS)])
    done, _ = qemu.wait_for(lambda ln: re.match(r"^faulttest: done, (\d+) failed$", ln.text),
                            "faulttest: done")
    text = [line.text for line in qemu.lines(None)]
    assert done.text == "faulttest: done, 0 failed", "\n".join(text)
    for test in TIMER_TESTS:
        assert any(t.startswith(f"faulttest: {test}: PASS ") for t in text), "\n".join(text)
