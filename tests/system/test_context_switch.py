# SPDX-License-Identifier: Apache-2.0
"""scenarios/ctxswitch.xml: the world switch preserves every register a guest sees.

Five `ctxcheck` VMs (three on CPU 0, two on CPU 1, 1 ms slice) fill x1-x28,
SP, q0-q31, FPSR/FPCR and 25 EL1/EL0 system registers with values from their
own seed, get descheduled at random points and compare everything again
(docs/baremetal.md).  A register the hypervisor forgets to save or restore
then holds another VM's value, its reset value or a stale one from an
earlier round, and the guest prints `ctxcheck: MISMATCH <reg> ...`.
"""

import collections
import re

import pytest

from phidias_qemu import ALL_STOPPED, POWERED_OFF, load_scenario

ROUND = re.compile(r"^ctxcheck: round (?P<n>\d+) (?:ok \((?P<checks>\d+) checks, "
                   r"(?P<preempted>\d+) preempted\)|FAILED .*)$")
DONE = re.compile(r"^ctxcheck: (?:all (?P<ok>\d+) rounds ok|(?P<failed>\d+) of \d+ rounds FAILED)$")
MISMATCH = re.compile(r"^ctxcheck: MISMATCH (?P<reg>\S+) expected (?P<exp>0x[0-9a-f]+) "
                      r"got (?P<got>0x[0-9a-f]+)$")


@pytest.fixture(scope="module")
def scenario():
    scenario = load_scenario("ctxswitch")
    per_cpu = collections.Counter(pcpu for vm in scenario.vms for pcpu in vm.pcpus)
    # The point is switching between VMs on one CPU, on more than one CPU.
    assert scenario.cpus >= 2 and all(per_cpu[c] >= 2 for c in range(2)), per_cpu
    assert {vm.guest for vm in scenario.vms} == {"ctxcheck"}
    assert len({vm.arg("seed") for vm in scenario.vms}) == len(scenario.vms), \
        "every VM needs its own seed, or a leak between VMs would go unseen"
    return scenario


def test_world_switch_preserves_every_register_the_guest_can_observe(start, scenario):
    qemu = start("ctxswitch")
    names = [vm.name for vm in scenario.vms]
    done = qemu.expect_each(names, lambda _: DONE.pattern)

    mismatches = [str(line) for line in qemu.lines()
                  if line.tag in names and MISMATCH.match(line.text)]
    assert not mismatches, "\n".join(mismatches[:40])
    for vm in scenario.vms:
        rounds = int(vm.arg("rounds"))
        assert done[vm.name]["ok"] == str(rounds), qemu.tail()
        reports = [m for line in qemu.lines(vm.name) if (m := ROUND.match(line.text))]
        assert [int(m["n"]) for m in reports] == list(range(1, rounds + 1)), qemu.tail()
        assert all(m["checks"] for m in reports), qemu.tail()
        # Not vacuous: x1-x28 held the pattern while the vCPU was switched
        # out (its counter jumped mid-spin) many times, in most rounds.
        preempted = sum(int(m["preempted"]) for m in reports)
        assert preempted >= rounds, (vm.name, preempted, qemu.tail())

    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()
    hyp = [line.text for line in qemu.lines("phidias")]
    for vm in scenario.vms:
        assert any(re.match(POWERED_OFF.format(vm=re.escape(vm.name)), text) for text in hyp), \
            f"VM '{vm.name}' did not power off\n{qemu.tail()}"
