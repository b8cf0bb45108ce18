# SPDX-License-Identifier: Apache-2.0
"""scenarios/rr.xml: three tickers share physical CPU 0 in round robin.

One boot, read until every VM has ticked TICKS times; the tests then judge
that trace (tests/system/ticks.py explains how).  Nothing here depends on
wall-clock time: slices are measured with the guests' own counter values.
QEMU runs with -icount, so guest time follows executed instructions: a busy
host that deschedules QEMU mid-slice cannot make a slice look short.
"""

import pytest

import phidias_qemu
from phidias_qemu import load_scenario, parse_duration_us
from ticks import progress_problems, slice_problems, ticks_of

TICKS = 300  # per VM: about 30 slices each at 10 ticks per slice
ICOUNT = ["-icount", "shift=0"]  # 1 ns of guest time per instruction


@pytest.fixture(scope="module")
def rr():
    scenario = load_scenario("rr")
    names = [vm.name for vm in scenario.vms]
    with phidias_qemu.booted(scenario, extra=ICOUNT, log_name="test_round_robin") as qemu:
        def enough(lines):
            ticks = ticks_of(lines, names)
            return all(sum(1 for t in ticks if t.vm == n) >= TICKS for n in names)

        lines = qemu.collect(enough, f"{TICKS} ticks from each of {names}")
        yield scenario, ticks_of(lines, names), qemu


def test_rr_scenario_is_three_tickers_on_one_cpu():
    scenario = load_scenario("rr")
    assert len(scenario.vms) == 3
    assert {vm.guest for vm in scenario.vms} == {"ticker"}
    assert len({tuple(vm.pcpus) for vm in scenario.vms}) == 1
    for vm in scenario.vms:
        assert scenario.timeslice_us >= 3 * parse_duration_us(vm.arg("period", "10ms")), \
            "each slice should hold several ticks"


def test_every_vm_makes_steady_progress(rr):
    scenario, ticks, qemu = rr
    names = [vm.name for vm in scenario.vms]
    problems = progress_problems(ticks, names, TICKS)
    assert not problems, "\n".join(problems[:20]) + "\n" + qemu.tail()


def test_interleaving_follows_the_time_slice(rr):
    scenario, ticks, qemu = rr
    names = [vm.name for vm in scenario.vms]
    periods = {parse_duration_us(vm.arg("period", "10ms")) for vm in scenario.vms}
    assert len(periods) == 1, "the analysis assumes one tick period"
    problems = slice_problems(ticks, names, scenario.timeslice_us, periods.pop())
    assert not problems, "\n".join(problems) + "\n" + qemu.tail()
