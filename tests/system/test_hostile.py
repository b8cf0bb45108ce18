# SPDX-License-Identifier: Apache-2.0
"""The hostile-guest suite (guests/baremetal/hostile/, docs/baremetal.md).

scenarios/hostile.xml: on each of the two physical CPUs, a vCPU of `caller`
(random hypercalls, PSCI and capability calls, well-formed but malicious GIC
distributor and UART accesses, IRQ windows), a vCPU of `abuser` (all that,
plus random-size, unaligned, pair and exclusive accesses to every device and
to unmapped addresses, random system registers, raw UART bytes) and a
ticker.  Seeds are fixed in the scenario, so a failure repeats.

- The hypervisor never panics and never hangs: the run ends by itself.
- `caller` does only what the ABI answers with an error or ignores: it is
  never stopped and reports its operation counts.
- `abuser` may be stopped (the hypervisor reports the fault first) or get
  the exception injected (it counts and skips it); nothing else.
- The tickers tick on with no counter gap beyond their period plus
  GAP_SLICES slices: a fair round robin needs one slice per other vCPU on
  the CPU (2 here, 1 while `abuser` is stopped); a hostile VM that could
  keep a CPU (a trap that does not return, an interrupt storm the slice
  timer cannot preempt, a slice timer it could cancel) shows up as a gap
  without end.  The bound is loose on purpose: with the attackers' vCPUs
  on two CPUs, gaps of 20-30 slices were seen now and then (never with
  them on one CPU), later 30-49 in most runs and once 58, with `abuser`
  writing raw bytes to its UART at the time (an open issue); the worst gaps
  are printed (`-s`) to follow that up.

The soak test runs scenarios/hostile-soak.xml (fresh seeds, no end) for
PHIDIAS_SOAK_SECONDS of wall time with the same checks; `make soak`
(SOAK_SECONDS=600 by default) runs it.  Times are guest counter time under
QEMU -icount, so host load cannot open a gap.
"""

import os
import re
import time

import pytest

from phidias_qemu import (ALL_STOPPED, ANY_FAULT, STOPPED, TICK, load_scenario,
                          parse_duration_us)

ICOUNT = ["-icount", "shift=3"]  # 8 ns of guest time per instruction
GAP_SLICES = 100  # see the docstring: 58 was seen
PANIC = re.compile(r"panic|exception in the hypervisor")
SEED = re.compile(r"^hostile: seed 0x(?P<seed>[0-9a-f]+) ops (?P<ops>\w+) ")
DONE = re.compile(r"^hostile: done seed 0x(?P<seed>[0-9a-f]+) ops (?P<n>\d+)$")
VCPU = re.compile(r"^hostile: vcpu (?P<cpu>\d+) ops (?P<n>\d+) irqs (?P<irqs>\d+) "
                  r"faults (?P<faults>\d+)$")
RUNNING = re.compile(r"^hostile: running, vcpu 0 ops (?P<n>\d+)$")


def vcpus_on(scenario, pcpu):
    return sum(vm.pcpus.count(pcpu) for vm in scenario.vms)


def gap_problems(qemu, scenario, tickers):
    """Counter gaps between consecutive ticks beyond the bound; also returns
    the worst gap of each ticker, in time slices, for the log."""
    problems, worst = [], {}
    for vm in tickers:
        ticks = [TICK.match(line.text) for line in qemu.lines(vm.name)]
        ticks = [(int(m["n"]), int(m["cnt"]), int(m["freq"])) for m in ticks if m]
        if len(ticks) < 2:
            problems.append(f"{vm.name}: only {len(ticks)} ticks")
            continue
        freq = ticks[0][2]
        slice_cnt = scenario.timeslice_us * freq // 1000000
        period = parse_duration_us(vm.arg("period")) * freq // 1000000
        bound = period + GAP_SLICES * slice_cnt
        if [n for n, _, _ in ticks] != list(range(ticks[0][0], ticks[0][0] + len(ticks))):
            problems.append(f"{vm.name}: tick numbers skip")
        gap, at = max((b[1] - a[1], a[0]) for a, b in zip(ticks, ticks[1:]))
        worst[vm.name] = round((gap - period) / slice_cnt, 2)
        if gap > bound:
            problems.append(f"{vm.name}: {gap} counter ticks after tick {at}, "
                            f"bound {bound} (period + {GAP_SLICES} slices; "
                            f"{vcpus_on(scenario, vm.pcpus[0])} vCPUs on CPU "
                            f"{vm.pcpus[0]})")
    return problems, worst


def hypervisor_problems(qemu, must_live):
    """Panics, and faults or stops of VMs that must not be stopped."""
    problems = [str(line) for line in qemu.lines("phidias") if PANIC.search(line.text)]
    for vm in must_live:
        bad = re.compile(ANY_FAULT.format(vm=re.escape(vm)) + "|"
                         + STOPPED.format(vm=re.escape(vm)))
        problems += [str(line) for line in qemu.lines("phidias") if bad.search(line.text)]
    return problems


def roles(scenario):
    hostile = scenario.vms_running("hostile")
    calls = [vm for vm in hostile if vm.arg("ops", "calls") == "calls"]
    abusers = [vm for vm in hostile if vm.arg("ops") == "all"]
    tickers = scenario.vms_running("ticker")
    assert calls and abusers and tickers
    for vm in hostile:
        assert len(vm.pcpus) >= 2, f"{vm.name} must attack from several vCPUs"
    for t in tickers:
        assert any(t.pcpus[0] in vm.pcpus for vm in calls) and \
            any(t.pcpus[0] in vm.pcpus for vm in abusers), \
            f"ticker {t.name} must share its CPU with both kinds of hostile vCPU"
    return calls, abusers, tickers


def test_hostile_guests_never_harm_the_hypervisor_or_the_tickers(start):
    scenario = load_scenario("hostile")
    calls, abusers, tickers = roles(scenario)
    qemu = start("hostile", extra=ICOUNT)
    qemu.expect("phidias", ALL_STOPPED, timeout=240)
    assert qemu.wait_exit(timeout=30) == 0, qemu.tail()
    assert not hypervisor_problems(qemu, [vm.name for vm in calls + tickers]), \
        "\n".join(hypervisor_problems(qemu, [vm.name for vm in calls + tickers]))

    for vm in calls + abusers:
        texts = [line.text for line in qemu.lines(vm.name)]
        seeds = [SEED.match(t) for t in texts if SEED.match(t)]
        assert seeds and int(seeds[0]["seed"], 16) == int(vm.arg("seed"), 16), \
            f"{vm.name} did not print its seed\n{qemu.tail()}"
        done = [DONE.match(t) for t in texts if DONE.match(t)]
        stopped = [line for line in qemu.lines("phidias")
                   if re.search(STOPPED.format(vm=re.escape(vm.name)), line.text)]
        if vm in calls or not stopped:
            assert len(done) == 1, f"{vm.name} never finished\n{qemu.tail()}"
            per_vcpu = [VCPU.match(t) for t in texts if VCPU.match(t)]
            assert len(per_vcpu) == len(vm.pcpus), qemu.tail()
            assert all(int(m["n"]) > 100 for m in per_vcpu), \
                f"{vm.name}: a vCPU barely ran: {[m.string for m in per_vcpu]}"
            print(f"{vm.name}: seed {done[0]['seed']}, {done[0]['n']} operations, "
                  + ", ".join(f"vCPU {m['cpu']} {m['n']} ops {m['irqs']} IRQs "
                              f"{m['faults']} faults" for m in per_vcpu))
        else:
            print(f"{vm.name}: seed {seeds[0]['seed']}, stopped by the hypervisor: "
                  f"{stopped[0]}")
            assert not done

    problems, worst = gap_problems(qemu, scenario, tickers)
    print(f"worst ticker gaps beyond the period, in slices: {worst}")
    assert not problems, "\n".join(problems) + "\n" + qemu.tail()


SOAK_SECONDS = float(os.environ.get("PHIDIAS_SOAK_SECONDS", "0"))


@pytest.mark.skipif(SOAK_SECONDS <= 0, reason="soak run: `make soak` (PHIDIAS_SOAK_SECONDS)")
def test_soak_hostile_guests_with_fresh_seeds(start):
    scenario = load_scenario("hostile-soak")
    calls, abusers, tickers = roles(scenario)
    qemu = start("hostile-soak", extra=ICOUNT)
    end = time.monotonic() + SOAK_SECONDS
    seen = 0
    while time.monotonic() < end:
        qemu.drain(min(10.0, max(0.0, end - time.monotonic())))
        problems = hypervisor_problems(qemu, [vm.name for vm in calls + tickers])
        problems += gap_problems(qemu, scenario, tickers)[0]
        assert not problems, "\n".join(problems) + "\n" + qemu.tail()
        # Still running: the caller reports progress, the tickers tick.
        now = len(qemu.lines())
        for vm in calls:
            assert [line for line in qemu.lines(vm.name, since=seen)
                    if RUNNING.match(line.text)], f"{vm.name} stalled\n{qemu.tail()}"
        seen = now
    for vm in calls + abusers:
        seeds = [SEED.match(line.text) for line in qemu.lines(vm.name)
                 if SEED.match(line.text)]
        print(f"{vm.name}: seed {seeds[0]['seed'] if seeds else '?'}, last progress "
              + next((line.text for line in reversed(qemu.lines(vm.name))
                      if RUNNING.match(line.text)), "none"))
    print(f"worst ticker gaps beyond the period, in slices: "
          f"{gap_problems(qemu, scenario, tickers)[1]}")
