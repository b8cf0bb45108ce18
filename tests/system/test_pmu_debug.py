# SPDX-License-Identifier: Apache-2.0
"""scenarios/pmu-debug.xml: the PMU and the debug registers are not the
guests' (docs/hypervisor.md, "Performance monitors and debug").

`red` and `blue` share physical CPU 0 and run dbgprobe: each reads every
PMU and debug register, enables the counters, arms breakpoint and
watchpoint 0 at its own mark, writes its own MDSCR_EL1, yields to the other
and reads everything again.  Every register must read as zero at every
step (with the registers left to the guests, PMCR_EL0 shows the CPU's
counters and one VM reads the other's breakpoint address), MDSCR_EL1 must
read back each VM's own value, no access may stop a VM, and the ticker on
CPU 1 must tick on without a gap.
"""

import re

from phidias_qemu import (ALL_STOPPED, ANY_FAULT, POWERED_OFF, STOPPED,
                          load_scenario)
from ticks import progress_problems, ticks_of

PASS = r"^dbgprobe: PASS (?P<reads>\d+) reads: .* MDSCR_EL1 0x(?P<mdscr>[0-9a-f]+) kept$"


def test_pmu_and_debug_registers_read_as_zero_and_stay_out_of_reach(start):
    scenario = load_scenario("pmu-debug")
    probes = scenario.vms_running("dbgprobe")
    (ticker,) = scenario.vms_running("ticker")
    assert len(probes) == 2 and all(vm.pcpus == [0] for vm in probes), \
        "the two probes must share one physical CPU"
    qemu = start("pmu-debug")
    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()

    for vm in probes:
        out = [line.text for line in qemu.lines(vm.name)]
        assert not [t for t in out if t.startswith("dbgprobe: FAIL")
                    or "want" in t or t.startswith("bm: unhandled")], \
            f"{vm.name} saw PMU/debug state:\n" + "\n".join(out)
        verdict = [re.match(PASS, t) for t in out if re.match(PASS, t)]
        assert len(verdict) == 1, f"{vm.name} gave no verdict\n{qemu.tail()}"
        want = int(vm.arg("mdscr"), 16) & ((1 << 12) | (1 << 13) | (1 << 15))
        assert int(verdict[0]["mdscr"], 16) == want
        assert int(verdict[0]["reads"]) > 20
        off = re.compile(POWERED_OFF.format(vm=re.escape(vm.name)))
        assert [line for line in qemu.lines("phidias") if off.search(line.text)], \
            f"{vm.name} did not power off\n{qemu.tail()}"

    hurt = re.compile("|".join(p.format(vm=".*") for p in (ANY_FAULT, STOPPED)))
    assert not [line for line in qemu.lines("phidias") if hurt.search(line.text)], \
        qemu.tail()
    ticks = ticks_of(qemu.lines(), [ticker.name])
    assert not progress_problems(ticks, [ticker.name], int(ticker.arg("count"))), \
        progress_problems(ticks, [ticker.name], int(ticker.arg("count")))
