# SPDX-License-Identifier: Apache-2.0
"""scenarios/wfi.xml and wfe.xml: a waiting vCPU gives its CPU away.

In both, `waiter` (a ticker with wait=wfi or wait=wfe, one tick per 10 ms)
shares physical CPU 0 with `busy` (a busy-polling ticker, one tick per
1 ms), 5 ms slice.  Each run ends by itself: both tickers stop after their
`count` and power off.  As everywhere, time is the guests' own counter;
QEMU runs with -icount (8 ns of guest time per instruction), so the host's
load cannot make a vCPU look descheduled, and the run takes about 2 s.

- WFI: the hypervisor blocks the waiter until its virtual-timer deadline,
  so `busy` runs nearly all the time and the waiter still ticks on time.
  If WFI did not block (a no-op, or not trapped so the CPU sleeps in the
  waiter's slice), `busy` would lose about every other slice.
- WFE is a yield; QEMU (7.2) does not trap WFE at all (it only yields its
  own TCG loop), so the waiter's WFE polling keeps its slices there: the
  test checks only that both make progress side by side.
"""

import pytest

from phidias_qemu import ALL_STOPPED, load_scenario, parse_duration_us
from ticks import per_vm, ticks_of

# `busy` may spend at most this fraction of its counter time descheduled.
# Sharing the CPU evenly would lose about half; blocking in WFI loses only
# the few short runs of the waiter (about 0.05 measured).
BUSY_LOST_MAX = 0.25
# Each waiter tick comes within this many slices of its deadline (it is
# woken at the next slice end, i.e. within one slice).
WAITER_LATE_SLICES = 2
ICOUNT = ["-icount", "shift=3"]


def run(start, name):
    scenario = load_scenario(name)
    assert scenario.cpus == 1 and [vm.name for vm in scenario.vms] == ["waiter", "busy"]
    waiter, busy = scenario.vms
    assert waiter.arg("wait") == name and busy.arg("wait", "busy") == "busy"
    assert parse_duration_us(busy.arg("period")) * 4 <= scenario.timeslice_us, \
        "busy must tick several times per slice, or its gaps hide in its period"
    qemu = start(name, extra=ICOUNT)
    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()
    ticks = per_vm(ticks_of(qemu.lines(), ["waiter", "busy"]), ["waiter", "busy"])
    for vm in scenario.vms:
        mine = ticks[vm.name]
        assert [t.n for t in mine] == list(range(1, int(vm.arg("count")) + 1)), qemu.tail()
        assert all(a.cnt < b.cnt for a, b in zip(mine, mine[1:])), qemu.tail()
    return scenario, ticks, qemu


def period_ticks(vm, freq):
    return parse_duration_us(vm.arg("period")) * freq // 1000000


def lateness(ticks, period):
    """How late each tick is, relative to the least late one (the deadlines
    are first-counter-read + n * period; the ticker does not print them)."""
    offsets = [t.cnt - t.n * period for t in ticks]
    return [o - min(offsets) for o in offsets]


def descheduled_fraction(ticks, slice_ticks):
    """The share of its counter time a busy ticker did not run: gaps between
    consecutive ticks longer than half a slice (after a gap the ticker
    catches up on the missed ticks at once, so the gap is the time it lost;
    shorter gaps are its own printing, which can stall on the console)."""
    gaps = [b.cnt - a.cnt for a, b in zip(ticks, ticks[1:])]
    return sum(g for g in gaps if g > slice_ticks // 2) / (ticks[-1].cnt - ticks[0].cnt)


def test_wfi_blocks_the_waiter_until_its_timer_and_the_other_vm_gets_the_cpu(start):
    scenario, ticks, qemu = run(start, "wfi")
    waiter = scenario.vm("waiter")
    freq = ticks["busy"][0].freq
    slice_ticks = scenario.timeslice_us * freq // 1000000

    late = lateness(ticks["waiter"], period_ticks(waiter, freq))
    assert max(late) <= WAITER_LATE_SLICES * slice_ticks, \
        (f"waiter ticks up to {max(late) / slice_ticks:.1f} slices late "
         f"(lateness in slices: {[round(x / slice_ticks, 1) for x in late]})\n{qemu.tail()}")

    lost = descheduled_fraction(ticks["busy"], slice_ticks)
    assert lost <= BUSY_LOST_MAX, \
        (f"busy was descheduled {lost:.0%} of its time: the waiter's WFI did not "
         f"give the CPU away\n{qemu.tail()}")


def test_wfe_waiter_and_busy_vm_both_make_progress(start):
    scenario, ticks, qemu = run(start, "wfe")
    waiter, busy = ticks["waiter"], ticks["busy"]
    # Side by side, not one after the other: a good part of each VM's ticks
    # were printed while the other was still ticking.
    assert sum(t.index < busy[-1].index for t in waiter) >= len(waiter) // 4, qemu.tail()
    assert sum(t.index < waiter[-1].index for t in busy) >= len(busy) // 4, qemu.tail()
