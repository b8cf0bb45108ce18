# SPDX-License-Identifier: Apache-2.0
"""scenarios/mixed.xml: a bare-metal ticker keeps its heartbeat beside Linux.

`ticker` (a busy-polling ticker, one line per period) shares physical CPU 0
round robin with `linux1`; `linux2` has CPU 1.  Whatever linux1 does, booting
or computing flat out, the ticker gets a slice at least every other slice, so
each tick is at most about one slice late: consecutive ticks are never more
than a period plus a few slices apart in the ticker's own counter, and its
tick numbers have no gaps.

Not under -icount: with two busy CPUs QEMU's single-threaded round robin lets
one CPU run for 100 ms of virtual time or more while the other waits, which
shows up as ticker gaps of 300-500 ms (and a boot under -icount takes
minutes).  The counter is therefore the host's clock here, and the bound is
loose enough for host hiccups of a few slices (SLACK_SLICES).
"""

import hashlib

import pytest

import phidias_qemu
from phidias_qemu import load_scenario, parse_duration_us
from ticks import ticks_of

HEAVY = "dd if=/dev/zero bs=64k count=2000 | md5sum"
# On top of one period.  Sharing the CPU with linux1 makes a tick at most one
# slice late; while both Linux VMs boot, two busy QEMU vCPU threads on a
# 2-core host add lateness of up to ~22 ms of host (= counter) time, measured,
# and ~42 ms with one more busy process on the host (a fresh-clone run beside
# a profiling QEMU: 142 ms between two ticks).  A ticker the scheduler starves
# misses by far more: every slice it is skipped adds 5 ms, and starvation
# shows as gaps of hundreds of ms.
SLACK_SLICES = 10
MIN_TICKS = 10  # per phase, or it proves nothing


def heartbeat_problems(ticks, bound):
    problems = []
    for a, b in zip(ticks, ticks[1:]):
        if b.n != a.n + 1:
            problems.append(f"tick {a.n} followed by tick {b.n}")
        if not 0 < b.cnt - a.cnt <= bound:
            problems.append(f"ticks {a.n} -> {b.n}: counter moved {b.cnt - a.cnt} "
                            f"(bound {bound})")
    return problems


@pytest.fixture(scope="module")
def mixed():
    scenario = load_scenario("mixed")
    assert [vm.guest for vm in scenario.vms] == ["Image", "ticker", "Image"]
    linux1, ticker, _ = scenario.vms
    assert linux1.pcpus == ticker.pcpus == [0]
    with phidias_qemu.booted(scenario, log_name="test_linux_mixed") as qemu:
        qemu.expect_linux_shells([linux1.name])
        booted = len(qemu.lines())
        heavy = qemu.shell(linux1, HEAVY, timeout=300)
        yield scenario, qemu, booted, heavy


def check_heartbeat(scenario, qemu, first, last, what):
    ticker = scenario.vm("ticker")
    ticks = [t for t in ticks_of(qemu.lines(), [ticker.name]) if first <= t.index < last]
    assert len(ticks) >= MIN_TICKS, \
        f"only {len(ticks)} ticks while {what}: too short to judge\n{qemu.tail()}"
    freq = ticks[0].freq
    period_us = parse_duration_us(ticker.arg("period"))
    bound = (period_us + SLACK_SLICES * scenario.timeslice_us) * freq // 1000000
    problems = heartbeat_problems(ticks, bound)
    assert not problems, (f"ticker heartbeat broken while {what}:\n"
                          + "\n".join(problems[:20]) + f"\n{qemu.tail()}")


def test_ticker_keeps_its_heartbeat_while_linux_boots_beside_it(mixed):
    scenario, qemu, booted, _ = mixed
    check_heartbeat(scenario, qemu, 0, booted, "linux1 boots")


def test_ticker_keeps_its_heartbeat_while_linux_computes_beside_it(mixed):
    scenario, qemu, booted, heavy = mixed
    zeros = hashlib.md5(bytes(64 * 1024 * 2000)).hexdigest()
    assert heavy.status == 0 and f"{zeros}  -" in heavy.output, f"{heavy}\n{qemu.tail()}"
    check_heartbeat(scenario, qemu, booted, heavy.index, f"linux1 runs `{HEAVY}`")
