# SPDX-License-Identifier: Apache-2.0
"""Network helpers for Linux VMs on shmnet links (tests/system/test_net_linux*.py
and scripts/bench_net.py): ping, iperf3 (-J), ethtool -S, carrier, parsed from
the shells of phidias_qemu.Qemu."""

import json
import re
import time

PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
PING_RTT = re.compile(r"(?:round-trip|rtt) min/avg/max(?:/mdev)? = ([\d.]+)/([\d.]+)/([\d.]+)")
UDPSEQ = re.compile(r"udpseq: received (?P<got>\d+) of (?P<count>\d+), in order (?P<inorder>\d+), "
                    r"out of order (?P<ooo>\d+), duplicates (?P<dup>\d+), corrupt (?P<bad>\d+), "
                    r"lost (?P<lost>\d+)")


def run(qemu, vm, command, timeout=None):
    """Run a command; fail with its output unless it exits 0."""
    result = qemu.shell(vm, command, timeout=timeout)
    assert result.status == 0, f"{result}\n{qemu.tail()}"
    return result


def ping(qemu, vm, addr, size=56, count=50, interval="0.01", deadline=120, timeout=300):
    """iputils ping (it waits for all `count` replies until `deadline` s);
    returns (transmitted, received, avg RTT in ms or None)."""
    result = qemu.shell(vm, f"ping -q -c {count} -i {interval} -w {deadline} -s {size} {addr}",
                        timeout=timeout)
    text = "\n".join(result.output)
    m = PING_SUMMARY.search(text)
    assert m, f"no ping summary\n{result}\n{qemu.tail()}"
    rtt = PING_RTT.search(text)
    return int(m.group(1)), int(m.group(2)), float(rtt.group(2)) if rtt else None


def ethtool_stats(qemu, vm, ifname):
    """ethtool -S IF as {name: value}."""
    result = run(qemu, vm, f"ethtool -S {ifname}")
    stats = {}
    for line in result.output:
        m = re.match(r"^\s+(\w+): (\d+)$", line)
        if m:
            stats[m.group(1)] = int(m.group(2))
    assert "doorbells_sent" in stats, f"{result}"
    return stats


def link_stats(qemu, vm, ifname):
    """The kernel's counters of IF (/sys/class/net/IF/statistics)."""
    names = ["rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_errors", "tx_errors",
             "rx_dropped", "tx_dropped"]
    result = run(qemu, vm, "cd /sys/class/net/%s/statistics && cat %s; cd" % (ifname, " ".join(names)))
    values = [int(v) for v in result.output if v.strip().isdigit()]
    assert len(values) == len(names), f"{result}"
    return dict(zip(names, values))


def carrier(qemu, vm, ifname):
    result = qemu.shell(vm, f"cat /sys/class/net/{ifname}/carrier")
    return result.output[-1].strip() if result.status == 0 and result.output else None


def wait_carrier(qemu, vm, ifname, want="1", timeout=120):
    deadline = time.monotonic() + timeout
    while True:
        state = carrier(qemu, vm, ifname)
        if state == want:
            return
        assert time.monotonic() < deadline, \
            f"{vm.name}: {ifname} carrier is {state}, not {want}, after {timeout} s\n{qemu.tail()}"
        qemu.drain(0.5)


def iperf3(qemu, server, client, addr, args="", seconds=10, timeout=300):
    """iperf3 client on `client` against a one-shot server on `server`; returns
    the `end` section of the client's -J report (a dict)."""
    run(qemu, server, "iperf3 -s -D -1 -I /tmp/iperf3.pid; sleep 1")
    # Only the `end` object (the last member of the report) crosses the console
    # (no tab in the typed line: the shell would complete).
    result = qemu.shell(client, f"iperf3 -c {addr} -t {seconds} {args} -J >/tmp/iperf3.json; "
                        "s=$?; sed -n '/\"end\":[[:space:]]*{/,$p' /tmp/iperf3.json | tr -d '[:space:]'; "
                        "echo; [ $s = 0 ]", timeout=timeout)
    text = "".join(line for line in result.output if not line.startswith("["))
    assert result.status == 0, f"iperf3 failed\n{result}\n{qemu.tail()}"
    m = re.search(r'"end":(\{.*\})\}\s*$', text)
    assert m, f"no end section in the iperf3 report\n{result}"
    return json.loads(m.group(1))
