# SPDX-License-Identifier: Apache-2.0
"""scenarios/net-smp.xml: the shmnet driver on SMP guests.

Both VMs have two vCPUs on the two physical CPUs. Parallel TCP streams in
both directions at once, with the doorbell interrupt moved to the other vCPU
than the one the iperf3 threads start on, make transmit, NAPI and the
interrupt run concurrently; afterwards nothing was dropped by the driver, no
protocol error was seen by either end, and ping still answers.
"""

import pytest

import phidias_qemu
from netlinux import ethtool_stats, link_stats, ping, run, wait_carrier
from phidias_qemu import load_scenario

ADDR = {"smp1": "10.0.3.1", "smp2": "10.0.3.2"}


@pytest.fixture(scope="module")
def smp():
    scenario = load_scenario("net-smp")
    with phidias_qemu.booted(scenario, log_name="test_net_linux_smp") as qemu:
        found = qemu.expect_linux_shells([vm.name for vm in scenario.vms], timeout=300)
        assert all(m["cpus"] == "2" for m in found.values()), found
        for vm in scenario.vms:
            wait_carrier(qemu, vm, "eth0")
        yield scenario, qemu


def test_parallel_streams_both_ways_on_two_vcpus(smp):
    scenario, qemu = smp
    a, b = scenario.vms
    for vm in (a, b):
        # The doorbell on vCPU 1; iperf3 servers for the other VM's clients.
        run(qemu, vm, "irq=$(grep shmnet /proc/interrupts | cut -d: -f1 | tr -d ' '); "
            "echo 2 >/proc/irq/$irq/smp_affinity; iperf3 -s -D -p 5202")
    run(qemu, a, f"(iperf3 -c {ADDR[b.name]} -p 5202 -P 4 -t 8 >/tmp/a.out 2>&1 &)")
    run(qemu, b, f"iperf3 -c {ADDR[a.name]} -p 5202 -P 4 -t 8 -R >/tmp/b.out 2>&1; "
        "tail -3 /tmp/b.out", timeout=120)
    out = run(qemu, a, "sleep 2; while pidof iperf3 >/dev/null && ! grep -q Done /tmp/a.out; "
              "do sleep 1; done; tail -3 /tmp/a.out", timeout=120)
    assert any("receiver" in line for line in out.output), out
    for vm in (a, b):
        stats = ethtool_stats(qemu, vm, "eth0")
        assert stats["protocol_errors"] == 0 and stats["link_downs"] == 0, (vm.name, stats)
        assert stats["rx_dropped_nomem"] == 0 and stats["tx_dropped_no_link"] == 0, stats
        counts = link_stats(qemu, vm, "eth0")
        assert counts["rx_packets"] > 1000 and counts["tx_errors"] == 0, counts
    for src, dst in ((a, b), (b, a)):
        sent, got, _ = ping(qemu, src, ADDR[dst.name], size=1472)
        assert sent == got == 50, f"{src.name} -> {dst.name}: {got}/{sent}"
