# SPDX-License-Identifier: Apache-2.0
"""The Linux shmnet driver against other peers (scenarios from docs/shmnet.md's
scenario set):

- net-bridge: three Linux VMs; the middle one bridges its two links with the
  Linux bridge (phidias.bridge= in its bootargs); the outer two ping and run
  iperf3 through it, two hops;
- net-mixed: Linux and the bare-metal peer (netpeer) sharing a CPU: Linux
  pings it and gets its UDP echoes back byte for byte;
- net-hostile: the hostile bare-metal peer (netevil) attacks the ring; Linux
  counts protocol errors, resets the link, carries on, and pings it afterwards.

The addresses come from the scenarios' <link><end ip=...> elements.
"""

import os
import re
import xml.etree.ElementTree as ET

import pytest

import phidias_qemu
from netlinux import ethtool_stats, iperf3, ping, run, wait_carrier
from phidias_qemu import load_scenario


def links_of(name):
    """[(link name, mtu, [(vm, ip without prefix or None), ...]), ...] in file order."""
    root = ET.parse(os.path.join(phidias_qemu.SCENARIO_DIR, name + ".xml")).getroot()
    links = []
    for link in root.findall("link"):
        ends = [(e.get("vm"), (e.get("ip") or "").split("/")[0] or None)
                for e in link.findall("end")]
        links.append((link.get("name"), int(link.get("mtu", "1500")), ends))
    return links


def ifname_of(name, vm, link_name):
    """eth<N>: N counts the VM's links in scenario order."""
    mine = [l for l in links_of(name) if vm in [e[0] for e in l[2]]]
    return "eth%d" % [l[0] for l in mine].index(link_name)


def boot_or_skip(name):
    if not os.path.exists(os.path.join(phidias_qemu.SCENARIO_DIR, name + ".xml")):
        pytest.skip(f"scenarios/{name}.xml is not there yet")
    scenario = load_scenario(name)
    return scenario, phidias_qemu.booted(scenario, log_name=f"test_net_linux_{name}")


# ---------------------------------------------------------------------------
# net-bridge


@pytest.fixture(scope="module")
def bridge():
    scenario, booting = boot_or_skip("net-bridge")
    links = links_of("net-bridge")
    assert len(links) == 2, links
    (_, _, ends0), (_, _, ends1) = links
    middle = ({e[0] for e in ends0} & {e[0] for e in ends1}).pop()
    outer = [e for e in ends0 + ends1 if e[0] != middle]
    assert len(outer) == 2 and all(ip for _, ip in outer), outer
    with booting as qemu:
        qemu.expect_linux_shells([vm.name for vm in scenario.vms], timeout=300)
        for vm in scenario.vms:
            wait_carrier(qemu, vm, "eth0")
        yield scenario, qemu, scenario.vm(middle), [(scenario.vm(v), ip) for v, ip in outer]


def test_bridge_middle_vm_bridges_its_two_links(bridge):
    scenario, qemu, middle, _ = bridge
    out = "\n".join(run(qemu, middle, "bridge link show; ip -o link show").output)
    assert re.search(r"eth0.*master (\w+)", out) and re.search(r"eth1.*master (\w+)", out), out


def test_outer_vms_ping_each_other_through_the_bridge(bridge):
    scenario, qemu, _, ((a, a_ip), (c, c_ip)) = bridge
    for src, dst_ip in ((a, c_ip), (c, a_ip)):
        for size in (56, 1472):
            sent, got, _ = ping(qemu, src, dst_ip, size=size)
            assert sent == got == 50, f"{src.name} -> {dst_ip} ({size} bytes): {got}/{sent}"


def test_iperf3_through_the_bridge(bridge):
    scenario, qemu, _, ((a, a_ip), (c, c_ip)) = bridge
    end = iperf3(qemu, c, a, c_ip, seconds=10)
    assert end["sum_received"]["bytes"] > 0, end
    end = iperf3(qemu, a, c, a_ip, args="-u -b 10M -l 1400", seconds=5)
    assert end["sum"]["packets"] > 0 and end["sum"]["lost_packets"] < end["sum"]["packets"], end


# ---------------------------------------------------------------------------
# net-mixed


@pytest.fixture(scope="module")
def mixed():
    scenario, booting = boot_or_skip("net-mixed")
    linux = [vm for vm in scenario.vms if vm.guest == "Image"]
    peers = [vm for vm in scenario.vms if vm.guest == "netpeer"]
    assert linux and peers, scenario
    with booting as qemu:
        qemu.expect_linux_shells([vm.name for vm in linux], timeout=300)
        pairs = []
        for name, _, ends in links_of("net-mixed"):
            vms = dict(ends)
            lx = [vm for vm in linux if vm.name in vms]
            bm = [vm for vm in peers if vm.name in vms]
            if lx and bm:
                pairs.append((lx[0], ifname_of("net-mixed", lx[0].name, name), vms[bm[0].name]))
        assert pairs, "no link between Linux and netpeer in net-mixed"
        for vm, ifname, _ in pairs:
            wait_carrier(qemu, vm, ifname)
        yield scenario, qemu, pairs


def test_linux_pings_the_bare_metal_peer(mixed):
    scenario, qemu, pairs = mixed
    for vm, _, peer_ip in pairs:
        for size in (56, 1472):
            sent, got, _ = ping(qemu, vm, peer_ip, size=size)
            assert sent == got == 50, f"{vm.name} -> {peer_ip} ({size} bytes): {got}/{sent}"


def test_bare_metal_udp_echo_returns_every_byte(mixed):
    scenario, qemu, pairs = mixed
    for vm, _, peer_ip in pairs:
        for size in (12, 512, 1472):
            out = "\n".join(run(qemu, vm, f"udpseq echo {peer_ip} 7 50 {size}").output)
            m = re.search(r"udpseq: echoed (\d+) of (\d+), mismatched (\d+), lost (\d+)", out)
            assert m and m.group(1) == m.group(2) == "50", f"{size} bytes to {peer_ip}: {out}"


# ---------------------------------------------------------------------------
# net-hostile


@pytest.fixture(scope="module")
def hostile():
    scenario, booting = boot_or_skip("net-hostile")
    linux = [vm for vm in scenario.vms if vm.guest == "Image"]
    evil = [vm for vm in scenario.vms if vm.guest == "netevil"]
    assert len(linux) == 1 and len(evil) == 1, scenario
    lx, ev = linux[0], evil[0]
    link = [l for l in links_of("net-hostile") if {lx.name, ev.name} <= dict(l[2]).keys()][0]
    with booting as qemu:
        qemu.expect_linux_shells([lx.name], timeout=300)
        qemu.expect(ev.name, r"^netevil: attacks done", timeout=600)
        yield scenario, qemu, lx, ev, ifname_of("net-hostile", lx.name, link[0]), \
            dict(link[2])[ev.name]


def test_linux_counts_the_attacks_resets_and_keeps_running(hostile):
    scenario, qemu, lx, ev, ifname, _ = hostile
    stats = ethtool_stats(qemu, lx, ifname)
    assert stats["protocol_errors"] > 0, stats
    assert stats["link_resets"] > 1, stats
    out = "\n".join(run(qemu, lx, "uname -r; cat /proc/uptime").output)
    assert "cloud-arm64" in out, out
    assert not [l for l in qemu.lines(lx.name) if re.search(
        r"Oops|BUG:|Unable to handle|Kernel panic|rcu_sched self-detected", l.text)], qemu.tail()


def test_linux_pings_the_hostile_peer_once_it_behaves(hostile):
    scenario, qemu, lx, ev, ifname, ev_ip = hostile
    wait_carrier(qemu, lx, ifname, timeout=60)
    sent, got, _ = ping(qemu, lx, ev_ip, count=20, interval="0.05")
    assert got == sent == 20, f"{got}/{sent}"
