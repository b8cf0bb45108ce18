# SPDX-License-Identifier: Apache-2.0
"""Every Linux VM of every scenario that has one boots to a working shell.

A Linux VM counts as up when /init's `phidias-linux: up` line and then its
shell prompt (`<vm>:~ # `) appear, tagged with the VM, and the shell answers
a command (`hostname` prints the VM's name, so the answer came from that VM's
shell and not from another).  No VM may fault on the way.
"""

import re

import pytest

from phidias_qemu import ANY_FAULT, banner_of, load_scenario, scenario_names


def linux_scenarios():
    return [n for n in scenario_names()
            if any(vm.guest == "Image" for vm in load_scenario(n).vms)]


def test_the_linux_scenarios_of_issue_3_exist():
    assert {"linux", "linux-pair", "mixed"} <= set(linux_scenarios())


@pytest.mark.parametrize("name", linux_scenarios())
def test_every_linux_vm_boots_to_a_shell_that_answers(start, name):
    scenario = load_scenario(name)
    linux = [vm for vm in scenario.vms if vm.guest == "Image"]
    qemu = start(name)
    qemu.expect("phidias", banner_of(scenario))
    up = qemu.expect_linux_shells([vm.name for vm in linux])
    for vm in linux:
        assert int(up[vm.name]["cpus"]) == len(vm.pcpus), qemu.tail()
        result = qemu.shell(vm, "hostname")
        assert result.status == 0 and result.output == [vm.name], \
            f"{result}\n{qemu.tail()}"
    for vm in scenario.vms:
        fault = re.compile(ANY_FAULT.format(vm=re.escape(vm.name)))
        assert not [line for line in qemu.lines("phidias") if fault.search(line.text)], \
            f"VM '{vm.name}' faulted\n{qemu.tail()}"
