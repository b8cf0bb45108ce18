# SPDX-License-Identifier: Apache-2.0
"""scenarios/linux-pair.xml: reboot and poweroff act on one Linux VM only.

`reboot` (PSCI SYSTEM_RESET) restarts that VM from its pristine images while
the other VM goes on: its shell answers a command sent while the first one is
still booting again.  `poweroff` (PSCI SYSTEM_OFF) stops one VM; once every
VM has stopped, the machine powers off and QEMU exits 0.
"""

import re

import pytest

from phidias_qemu import (ALL_STOPPED, LINUX_UP, POWERED_OFF, RESTARTING, banner_of,
                          load_scenario)


@pytest.fixture
def pair(start):
    scenario = load_scenario("linux-pair")
    assert [vm.guest for vm in scenario.vms] == ["Image", "Image"]
    assert {p for vm in scenario.vms for p in vm.pcpus} == {0, 1}
    qemu = start("linux-pair")
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect_linux_shells([vm.name for vm in scenario.vms])
    return scenario, qemu


def test_reboot_restarts_only_that_linux_vm_and_the_other_shell_keeps_answering(pair):
    scenario, qemu = pair
    linux1, linux2 = scenario.vms
    qemu.send_line(linux1, "reboot")
    restart = qemu.find(lambda l: l.tag == "phidias" and re.search(
        RESTARTING.format(vm=re.escape(linux1.name)), l.text), "linux1 restarting")
    up = re.compile(LINUX_UP)

    # linux2 answers while linux1 has not yet reached its `up` line again.
    answer = qemu.shell(linux2, "echo linux2 is here")
    assert answer.output == ["linux2 is here"], f"{answer}\n{qemu.tail()}"
    again = [l for l in qemu.lines(linux1.name, since=restart.index + 1) if up.search(l.text)]
    assert not again or again[0].index > answer.index, \
        ("linux1 was up again before linux2 answered; the test proves nothing "
         f"about linux2 during the reboot\n{qemu.tail()}")

    qemu.expect_linux_shells([linux1.name], since=restart.index + 1)
    result = qemu.shell(linux1, "hostname; cat /proc/uptime")
    assert result.status == 0 and result.output[0] == linux1.name, f"{result}\n{qemu.tail()}"
    assert float(result.output[1].split()[0]) < 60, \
        f"linux1's uptime did not start again from 0\n{result}"

    # Only linux1 restarted: linux2 printed `up` once and was not restarted.
    assert len([l for l in qemu.lines(linux2.name) if up.search(l.text)]) == 1, qemu.tail()
    assert not [l for l in qemu.lines("phidias") if re.search(
        RESTARTING.format(vm=re.escape(linux2.name)), l.text)], qemu.tail()
    answer = qemu.shell(linux2, "hostname")
    assert answer.output == [linux2.name], f"{answer}\n{qemu.tail()}"


def test_poweroff_in_every_linux_vm_ends_qemu(pair):
    scenario, qemu = pair
    for vm in scenario.vms:
        qemu.send_line(vm, "poweroff")
        qemu.expect("phidias", POWERED_OFF.format(vm=re.escape(vm.name)))
    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()
