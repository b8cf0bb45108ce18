# SPDX-License-Identifier: Apache-2.0
"""scenarios/net.xml: two Linux VMs on two CPUs joined by two shmnet links,
lan0 (eth0, MTU 9000) and jumbo (eth1, MTU 65535), run by the shmnet driver
(guests/linux/shmnet/, docs/shmnet.md).

One boot for the whole module; the tests run in file order and the last ones
(MTU change, module reload, reboot) leave the link as they found it.  No
throughput figure is checked here: `make bench-net` reports them.
"""

import re

import pytest

import phidias_qemu
from netlinux import UDPSEQ, ethtool_stats, iperf3, link_stats, ping, run, wait_carrier
from phidias_qemu import RESTARTING, load_scenario

LAN0 = {"linux1": "10.0.0.1", "linux2": "10.0.0.2"}
JUMBO = {"linux1": "10.0.1.1", "linux2": "10.0.1.2"}


@pytest.fixture(scope="module")
def net():
    scenario = load_scenario("net")
    assert [vm.guest for vm in scenario.vms] == ["Image", "Image"]
    with phidias_qemu.booted(scenario, log_name="test_net_linux") as qemu:
        qemu.expect_linux_shells([vm.name for vm in scenario.vms], timeout=300)
        a, b = scenario.vms
        for vm in (a, b):
            wait_carrier(qemu, vm, "eth0")
            wait_carrier(qemu, vm, "eth1")
        yield scenario, qemu


def test_interfaces_come_up_with_the_scenarios_addresses_mac_and_mtu(net):
    scenario, qemu = net
    for vm in scenario.vms:
        out = "\n".join(run(qemu, vm, "ip -o addr show; ip -o link show").output)
        assert f"inet {LAN0[vm.name]}/24" in out and f"inet {JUMBO[vm.name]}/24" in out, out
        assert re.search(r"eth0: <[^>]*LOWER_UP[^>]*> mtu 9000 ", out), out
        assert re.search(r"eth1: <[^>]*LOWER_UP[^>]*> mtu 65535 ", out), out
        dts = open(f"{phidias_qemu.BUILD}/net/gen/vm-{vm.name}.dts").read()
        mac = re.search(r"phidias,name = \"lan0\";.*?local-mac-address = \[([0-9a-f ]+)\]",
                        dts, re.S).group(1).replace(" ", ":")
        assert re.search(rf"eth0: .*link/ether {mac} ", out), (mac, out)
        info = "\n".join(run(qemu, vm, "ethtool -i eth0").output)
        assert "driver: shmnet" in info and "firmware-version: shmnet 1.0" in info, info


@pytest.mark.parametrize("size", [56, 1472, 4000, 8972])
def test_ping_both_ways_on_the_mtu_9000_link_loses_nothing(net, size):
    scenario, qemu = net
    a, b = scenario.vms
    for src, dst in ((a, b), (b, a)):
        sent, got, _ = ping(qemu, src, LAN0[dst.name], size=size)
        assert sent == got == 50, f"{src.name} -> {dst.name} ({size} bytes): {got}/{sent}"


def test_ping_60000_bytes_both_ways_on_the_mtu_65535_link_loses_nothing(net):
    scenario, qemu = net
    a, b = scenario.vms
    for src, dst in ((a, b), (b, a)):
        sent, got, _ = ping(qemu, src, JUMBO[dst.name], size=60000)
        assert sent == got == 50, f"{src.name} -> {dst.name}: {got}/{sent}"


def test_iperf3_tcp_runs_ten_seconds_each_way(net):
    scenario, qemu = net
    a, b = scenario.vms
    for server, client in ((a, b), (b, a)):
        end = iperf3(qemu, server, client, LAN0[server.name], seconds=10)
        received = end["sum_received"]
        assert received["bytes"] > 0 and received["bits_per_second"] > 0, end
        assert end["sum_sent"]["bytes"] >= received["bytes"], end


def test_iperf3_udp_at_a_fixed_rate_delivers(net):
    scenario, qemu = net
    a, b = scenario.vms
    end = iperf3(qemu, b, a, LAN0[b.name], args="-u -b 20M -l 8000", seconds=5)
    total = end["sum"]
    assert total["packets"] > 0 and total["bytes"] > 0, end
    assert total["lost_packets"] < total["packets"], end


def test_numbered_checksummed_datagrams_arrive_complete_and_in_order(net):
    scenario, qemu = net
    a, b = scenario.vms
    count = 2000
    for dst, addr, size, pps in ((b, LAN0[b.name], 8000, 400), (b, JUMBO[b.name], 60000, 150)):
        run(qemu, dst, f"(udpseq recv 7777 {count} 20 >/tmp/udpseq.out 2>&1 &); sleep 1")
        run(qemu, a, f"udpseq send {addr} 7777 {count} {size} {pps}", timeout=300)
        result = run(qemu, dst, "while ! grep -q received /tmp/udpseq.out; do sleep 1; done; "
                     "cat /tmp/udpseq.out", timeout=120)
        m = UDPSEQ.search("\n".join(result.output))
        assert m, f"{result}"
        assert (int(m["got"]), int(m["inorder"]), int(m["bad"]), int(m["dup"])) == \
            (count, count, 0, 0), f"{size}-byte datagrams to {addr}: {m.group(0)}"


def test_counters_show_traffic_and_few_doorbells(net):
    scenario, qemu = net
    a, b = scenario.vms
    stats = link_stats(qemu, a, "eth0")
    assert stats["rx_packets"] > 10000 and stats["tx_packets"] > 10000, stats
    assert stats["rx_errors"] == stats["tx_errors"] == 0, stats
    out = "\n".join(run(qemu, a, "ip -s link show eth0").output)
    assert re.search(r"RX:\s+bytes\s+packets", out), out
    drv = ethtool_stats(qemu, a, "eth0")
    assert drv["protocol_errors"] == 0 and drv["link_resets"] >= 1, drv
    assert drv["polls"] > 0 and drv["doorbells_received"] > 0, drv
    # Notification suppression: far fewer doorbells than packets under bulk traffic.
    assert drv["doorbells_sent"] < (stats["rx_packets"] + stats["tx_packets"]) / 4, (drv, stats)


def test_mtu_changes_within_the_links_maximum(net):
    scenario, qemu = net
    a, b = scenario.vms
    try:
        run(qemu, a, "ip link set eth0 mtu 1500")
        assert qemu.shell(a, "ip link set eth0 mtu 9001").status != 0
        assert qemu.shell(a, "ip link set eth0 mtu 67").status != 0
        run(qemu, a, "ip link set eth0 mtu 68; ip link set eth0 mtu 1500")
        out = "\n".join(run(qemu, a, "cat /sys/class/net/eth0/mtu").output)
        assert out.strip() == "1500"
        # linux2 still sends 9000-byte frames; linux1 fragments to 1500.
        for size in (1472, 4000):
            for src, dst in ((a, b), (b, a)):
                sent, got, _ = ping(qemu, src, LAN0[dst.name], size=size, count=10)
                assert sent == got == 10, f"MTU 1500, {size} bytes, {src.name} -> {dst.name}"
    finally:
        run(qemu, a, "ip link set eth0 mtu 9000")


def test_module_reload_brings_the_link_back_and_the_peer_notices(net):
    scenario, qemu = net
    a, b = scenario.vms
    before = ethtool_stats(qemu, a, "eth0")
    run(qemu, b, "rmmod shmnet; [ ! -e /sys/class/net/eth0 ]")
    wait_carrier(qemu, a, "eth0", "0", timeout=30)
    wait_carrier(qemu, a, "eth1", "0", timeout=30)
    run(qemu, b, "insmod /lib/modules/$(uname -r)/shmnet.ko && phidias-netup")
    for vm in (a, b):
        wait_carrier(qemu, vm, "eth0")
        wait_carrier(qemu, vm, "eth1")
    sent, got, _ = ping(qemu, a, LAN0[b.name], count=10)
    assert sent == got == 10
    sent, got, _ = ping(qemu, b, JUMBO[a.name], size=30000, count=10)
    assert sent == got == 10
    after = ethtool_stats(qemu, a, "eth0")
    assert after["link_downs"] > before["link_downs"], (before, after)
    assert after["peer_restarts"] > before["peer_restarts"], (before, after)
    assert after["protocol_errors"] == before["protocol_errors"], (before, after)


def test_reboot_of_one_vm_takes_the_carrier_down_and_ping_resumes_by_itself(net):
    scenario, qemu = net
    a, b = scenario.vms
    before = ethtool_stats(qemu, a, "eth0")
    since = len(qemu.lines())
    qemu.send_line(b, "reboot")
    qemu.find(lambda l: l.tag == "phidias" and re.search(
        RESTARTING.format(vm=re.escape(b.name)), l.text), f"{b.name} restarting", since=since)
    # linux2 said DOWN as it went: linux1 sees NO-CARRIER.
    wait_carrier(qemu, a, "eth0", "0", timeout=60)
    qemu.expect_linux_shells([b.name], since=since, timeout=300)
    wait_carrier(qemu, a, "eth0", "1", timeout=120)
    sent, got, _ = ping(qemu, a, LAN0[b.name], count=20)
    assert sent == got == 20
    after = ethtool_stats(qemu, a, "eth0")
    assert after["link_downs"] > before["link_downs"] and \
        after["link_ups"] > before["link_ups"], (before, after)
    assert after["protocol_errors"] == before["protocol_errors"], (before, after)


def test_a_peer_gone_silently_is_caught_by_the_watchdog_and_the_link_recovers(net):
    """linux2 panics (no Stop: its block still says UP) and reboots 10 s later
    (kernel.panic=10): linux1's transmit ring fills, the watchdog restarts the
    link (carrier off), and when linux2 is back its new epoch brings the link
    up with no action taken.  Last: it leaves linux2 rebooted."""
    scenario, qemu = net
    a, b = scenario.vms
    before = ethtool_stats(qemu, a, "eth0")
    mac = run(qemu, b, "cat /sys/class/net/eth0/address").output[-1].strip()
    # The frames must reach the ring although linux2 will answer no ARP.
    run(qemu, a, f"ip neigh replace {LAN0[b.name]} lladdr {mac} dev eth0 nud permanent")
    run(qemu, b, "echo 10 >/proc/sys/kernel/panic")
    since = len(qemu.lines())
    qemu.send_line(b, "echo c >/proc/sysrq-trigger")
    qemu.find(lambda l: l.tag == b.name and "Kernel panic" in l.text, "linux2's panic",
              since=since, timeout=60)
    # Far more frames than the ring holds; nobody consumes them.
    run(qemu, a, f"udpseq send {LAN0[b.name]} 7777 3000 1400 1000", timeout=120)
    wait_carrier(qemu, a, "eth0", "0", timeout=60)
    mid = ethtool_stats(qemu, a, "eth0")
    assert mid["tx_timeouts"] > before["tx_timeouts"] and mid["ring_full"] > before["ring_full"], \
        (before, mid)
    qemu.find(lambda l: l.tag == "phidias" and re.search(
        RESTARTING.format(vm=re.escape(b.name)), l.text), f"{b.name} restarting",
        since=since, timeout=120)
    qemu.expect_linux_shells([b.name], since=since, timeout=300)
    wait_carrier(qemu, a, "eth0", "1", timeout=120)
    # (The entry may be gone already; ARP takes over either way.)
    qemu.shell(a, f"ip neigh del {LAN0[b.name]} dev eth0 2>/dev/null; true")
    sent, got, _ = ping(qemu, a, LAN0[b.name], count=20)
    assert sent == got == 20
