# SPDX-License-Identifier: Apache-2.0
"""Shared memory, doorbells and the hypercall ABI (issue 4): scenarios
pingpong*, ipc-denied, shmem-ro with the `pingpong` and `ipctest` guests
(docs/baremetal.md).  Every figure is the guests' counter, never wall time."""

import re

import pytest

from phidias_qemu import (ALL_STOPPED, FAULT, STOPPED, banner_of, load_scenario)

PASS_PING = (r"^pingpong: PASS (?P<n>\d+) round trips in (?P<ticks>\d+) ticks "
             r"\((?P<each>\d+) ticks each, (?P<hz>\d+) Hz\)$")


@pytest.mark.parametrize("name", ["pingpong", "pingpong-1cpu"])
def test_pingpong_passes_every_value_through_shared_memory(start, name):
    scenario = load_scenario(name)
    with open(scenario.path) as f:
        assert '<cap type="ipc" target_xref="pong" param="0x9"/>' in f.read(), \
            "the scenario must use the original cap syntax literally"
    rounds = int(scenario.vm("ping").arg("rounds"))
    qemu = start(name)
    qemu.expect("phidias", banner_of(scenario))
    # Discovery from the device tree: each side sees its own mapping address.
    qemu.expect("ping", r"^pingpong: ping \d+ rounds via cap 0, doorbell 40, "
                        r"region link at 0x50000000$")
    qemu.expect("phidias", ALL_STOPPED)
    text = "\n".join(str(line) for line in qemu.lines())
    assert "FAIL" not in text, qemu.tail()
    m = [re.match(PASS_PING, line.text) for line in qemu.lines("ping")]
    m = [x for x in m if x]
    assert len(m) == 1 and int(m[0]["n"]) == rounds, qemu.tail()
    assert [line for line in qemu.lines("pong")
            if line.text.startswith(f"pingpong: PASS answered {rounds},")], qemu.tail()
    assert any("doorbell 9, region link at 0x60000000" in line.text
               for line in qemu.lines("pong"))


def test_vm_without_the_capability_cannot_ring_and_abi_answers(start):
    scenario = load_scenario("ipc-denied")
    qemu = start("ipc-denied")
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect("phidias", ALL_STOPPED)
    lines = {vm.name: [line.text for line in qemu.lines(vm.name)] for vm in scenario.vms}
    for name, texts in lines.items():
        assert not [t for t in texts if "FAIL" in t], qemu.tail()
        assert f"ipctest: done, 0 failed" in texts, f"{name}\n{qemu.tail()}"
    intruder = [t for t in lines["intruder"] if re.match(r"ipctest: (invoke|info)-\w+: PASS", t)]
    assert len(intruder) >= 10 and all(t.endswith("0xfffffffffffffffd") for t in intruder)
    assert "ipctest: listener: PASS no interrupt delivered" in lines["listener"]
    for check in ["smccc-version: PASS 0x10001", "abi-version: PASS 0x10000",
                  "unknown-id: PASS 0xffffffffffffffff", "hvc-imm1: PASS 0xffffffffffffffff",
                  "uid0: PASS 0x521a3c7b", "revision: PASS 0x10000"]:
        assert "ipctest: " + check in lines["abi"], qemu.tail()


def test_read_only_mapping_write_stops_only_that_vm(start):
    scenario = load_scenario("shmem-ro")
    qemu = start("shmem-ro")
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect("reader", r"^ipctest: ro-writer: read 0x5a5aa5a5, writing 0x58000000$")
    fault = qemu.expect("phidias", FAULT.format(vm="reader"))
    assert int(fault["ipa"], 16) == 0x58000000
    esr = int(fault["esr"], 16)
    assert esr >> 26 == 0x24 and esr & (1 << 6), f"not a data-abort write: 0x{esr:x}"
    assert esr & 0x3c == 0x0c, f"DFSC 0x{esr & 0x3f:x}: want a permission fault"
    qemu.expect("phidias", STOPPED.format(vm="reader"))
    stopped = qemu.position
    qemu.expect("owner", r"^ipctest: alive 40$")
    assert qemu.lines("owner", since=stopped), "owner stopped printing"
    assert not [line for line in qemu.lines("reader", since=stopped)]
    assert not [line for line in qemu.lines("reader") if "did not fault" in line.text]
