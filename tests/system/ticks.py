# SPDX-License-Identifier: Apache-2.0
"""Reading the scheduler's behaviour off ticker output.

A ticker prints `tick <n> cnt=<virtual counter> freq=<hz>`.  On one shared
physical CPU only the running VM can print, so the order of the console
lines is the order in which the VMs ran: a maximal run of consecutive ticks
of one VM is one *burst* (one time slice).  The counter values say how long
things took in guest time, independently of how fast the host is:

  - burst span   counter of the last tick - counter of the first, plus one
                 period: about one time slice;
  - gap          counter jump between a VM's last tick in one burst and its
                 first tick in the next: about the other VMs' slices.

All checks use medians and loose factors (0.3x..3x) so that a host hiccup
or a late timer does not fail them, while a scheduler that does not
time-slice (bursts of one tick, or one VM running for ever) does.  They
return a list of problems; empty means the trace looks right.
"""

import dataclasses
import statistics

from phidias_qemu import TICK

LOOSE = (0.3, 3.0)


@dataclasses.dataclass
class Tick:
    vm: str
    n: int
    cnt: int
    freq: int
    index: int  # position in the console output


def ticks_of(lines, vms):
    """The tick lines of the given VMs, in console order."""
    ticks = []
    for line in lines:
        if line.tag in vms:
            m = TICK.match(line.text)
            if m:
                ticks.append(Tick(line.tag, int(m["n"]), int(m["cnt"]),
                                  int(m["freq"]), line.index))
    return ticks


def per_vm(ticks, vms):
    return {vm: [t for t in ticks if t.vm == vm] for vm in vms}


def bursts(ticks):
    """Maximal runs of consecutive ticks of one VM."""
    runs = []
    for t in ticks:
        if runs and runs[-1][-1].vm == t.vm:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def progress_problems(ticks, vms, at_least):
    """Every VM ticked at least `at_least` times, its tick numbers go up by
    exactly one and its counter only forwards."""
    problems = []
    for vm, mine in per_vm(ticks, vms).items():
        if len(mine) < at_least:
            problems.append(f"{vm}: only {len(mine)} ticks (wanted {at_least})")
        for a, b in zip(mine, mine[1:]):
            if b.n != a.n + 1:
                problems.append(f"{vm}: tick {a.n} followed by tick {b.n}")
            if b.cnt <= a.cnt:
                problems.append(f"{vm}: counter went from {a.cnt} to {b.cnt} "
                                f"(ticks {a.n}, {b.n})")
    counts = [len(m) for m in per_vm(ticks, vms).values()]
    if counts and min(counts) * 2 < max(counts):
        problems.append(f"unfair share: tick counts {dict(zip(vms, counts))}")
    return problems


def _within(value, expected, what, problems):
    lo, hi = LOOSE
    if not lo * expected <= value <= hi * expected:
        problems.append(f"median {what} is {value:.0f}, expected about "
                        f"{expected:.0f} ({lo}x..{hi}x)")


def slice_problems(ticks, vms, slice_us, period_us):
    """The interleaving follows the time slice (see the module comment)."""
    problems = []
    runs = bursts(ticks)[1:-1]  # the first may be cut by boot, the last by us
    if len(runs) < 3 * len(vms):
        return [f"only {len(runs)} complete bursts; cannot judge the time slice"]
    freq = ticks[0].freq
    slice_cnt = freq * slice_us / 1e6
    period_cnt = freq * period_us / 1e6

    # A slice holds several ticks: time slicing, not tick-by-tick alternation
    # (which is what a scheduler that switches on every WFI trap would show
    # if the ticker slept between ticks).  The upper bound allows a ticker
    # that catches up on the ticks it missed while descheduled.
    lengths = statistics.median(len(r) for r in runs)
    expected = slice_us / period_us
    lo, hi = LOOSE
    if not lo * expected <= lengths <= hi * len(vms) * expected:
        problems.append(f"median burst is {lengths} ticks, expected about "
                        f"{expected:.0f} (slice {slice_us} us / period {period_us} us)")

    spans = [r[-1].cnt - r[0].cnt + period_cnt for r in runs]
    _within(statistics.median(spans), slice_cnt, "burst span (counter ticks)", problems)

    gaps = []
    last = {}
    for r in bursts(ticks):
        if r[0].vm in last:
            gaps.append(r[0].cnt - last[r[0].vm].cnt)
        last[r[0].vm] = r[-1]
    if gaps:
        _within(statistics.median(gaps), (len(vms) - 1) * slice_cnt,
                "counter gap while descheduled", problems)

    # Round robin: any len(vms) consecutive bursts come from distinct VMs.
    n = len(vms)
    windows = [runs[i:i + n] for i in range(len(runs) - n + 1)]
    fair = sum(1 for w in windows if len({r[0].vm for r in w}) == n)
    if fair < 0.8 * len(windows):
        order = " ".join(f"{r[0].vm}x{len(r)}" for r in runs[:30])
        problems.append(f"bursts are not in round-robin order "
                        f"({fair}/{len(windows)} windows ok): {order} ...")
    return problems
