#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""make bench-net: network figures between the two Linux VMs of scenarios/net.xml.

Boots `net` under QEMU (real time, not -icount: Linux boots too slowly there)
and measures, over the shmnet link lan0 (eth0, MTU 9000) and jumbo (eth1,
MTU 65535), each beside the same figure over the sending guest's own
loopback (`lo`) in the same run, as a ratio:

  ping round-trip time per payload size (busybox ping, 20 per size);
  iperf3 TCP throughput, each direction;
  iperf3 UDP throughput and loss at rising offered rates;
  doorbells per 1000 packets under a bulk TCP transfer (ethtool -S, both ends).

Figures only, never pass/fail (docs/benchmarks.md, "Network"). Wall-clock
figures depend on the host and its load.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "system"))

import phidias_qemu  # noqa: E402
from netlinux import ethtool_stats, iperf3, link_stats, ping, run, wait_carrier  # noqa: E402

SCENARIO = "net"
TCP_SECONDS = int(os.environ.get("BENCH_NET_SECONDS", "10"))
UDP_SECONDS = 5
UDP_RATES = ["50M", "100M", "200M", "400M"]
UDP_LEN = 8000
PINGS = 20


class Boot:
    def __enter__(self):
        phidias_qemu.ensure_built(SCENARIO)
        self.scenario = phidias_qemu.load_scenario(SCENARIO)
        self.qemu = phidias_qemu.boot(SCENARIO, log_name="bench-net")
        self.qemu.expect("phidias", phidias_qemu.banner_of(self.scenario))
        self.qemu.expect_linux_shells([vm.name for vm in self.scenario.vms], timeout=300)
        for vm in self.scenario.vms:
            wait_carrier(self.qemu, vm, "eth0")
            wait_carrier(self.qemu, vm, "eth1")
        return self

    def __exit__(self, *exc):
        self.qemu.kill()


def mbps(end, key):
    return end[key]["bits_per_second"] / 1e6


def main():
    rows = []  # (figure, value, unit, loopback, ratio-is-good-when-high)

    def add(figure, value, unit, loop):
        rows.append((figure, value, unit, loop))

    with Boot() as boot:
        q = boot.qemu
        a, b = boot.scenario.vms
        peer = {"eth0": "10.0.0.2", "eth1": "10.0.1.2"}
        peer_a = {"eth0": "10.0.0.1", "eth1": "10.0.1.1"}

        for size, ifname in ((56, "eth0"), (1472, "eth0"), (4000, "eth0"), (8972, "eth0"),
                             (60000, "eth1")):
            sent, got, rtt = ping(q, a, peer[ifname], size=size, count=PINGS, interval="0.05")
            lsent, lgot, lrtt = ping(q, a, "127.0.0.1", size=size, count=PINGS, interval="0.05")
            add(f"ping RTT {size} B ({ifname}), ms", rtt, "ms", lrtt)
            add(f"ping loss {size} B ({ifname}), %", 100.0 * (sent - got) / sent, "%",
                100.0 * (lsent - lgot) / lsent)

        loop_a = iperf3(q, a, a, "127.0.0.1", seconds=TCP_SECONDS)
        loop_b = iperf3(q, b, b, "127.0.0.1", seconds=TCP_SECONDS)

        before = [ethtool_stats(q, vm, "eth0") for vm in (a, b)]
        pk_before = [link_stats(q, vm, "eth0") for vm in (a, b)]
        ab = iperf3(q, b, a, peer["eth0"], seconds=TCP_SECONDS)
        after = [ethtool_stats(q, vm, "eth0") for vm in (a, b)]
        pk_after = [link_stats(q, vm, "eth0") for vm in (a, b)]
        ba = iperf3(q, a, b, peer_a["eth0"], seconds=TCP_SECONDS)
        jab = iperf3(q, b, a, peer["eth1"], seconds=TCP_SECONDS)

        add("TCP linux1 -> linux2 (eth0, MTU 9000), Mbit/s", mbps(ab, "sum_received"), "Mbit/s",
            mbps(loop_a, "sum_received"))
        add("TCP linux2 -> linux1 (eth0, MTU 9000), Mbit/s", mbps(ba, "sum_received"), "Mbit/s",
            mbps(loop_b, "sum_received"))
        add("TCP linux1 -> linux2 (eth1, MTU 65535), Mbit/s", mbps(jab, "sum_received"),
            "Mbit/s", mbps(loop_a, "sum_received"))

        bells = sum(after[i]["doorbells_sent"] - before[i]["doorbells_sent"] for i in (0, 1))
        packets = sum(pk_after[i]["tx_packets"] - pk_before[i]["tx_packets"] for i in (0, 1))
        add("doorbells per 1000 packets, TCP bulk (eth0)", 1000.0 * bells / max(packets, 1),
            "", None)
        full = sum(after[i]["ring_full"] - before[i]["ring_full"] for i in (0, 1))
        add("ring-full events per 1000 packets, TCP bulk", 1000.0 * full / max(packets, 1),
            "", None)

        for rate in UDP_RATES:
            args = f"-u -b {rate} -l {UDP_LEN}"
            u = iperf3(q, b, a, peer["eth0"], args=args, seconds=UDP_SECONDS)
            lu = iperf3(q, a, a, "127.0.0.1", args=args, seconds=UDP_SECONDS)
            add(f"UDP {rate}bit/s offered (eth0): received, Mbit/s",
                u["sum"]["bits_per_second"] * (1 - u["sum"]["lost_percent"] / 100) / 1e6,
                "Mbit/s", lu["sum"]["bits_per_second"] * (1 - lu["sum"]["lost_percent"] / 100)
                / 1e6)
            add(f"UDP {rate}bit/s offered (eth0): loss, %", u["sum"]["lost_percent"], "%",
                lu["sum"]["lost_percent"])

        run(q, a, "true")

    print(f"Phidias network benchmarks: scenario {SCENARIO}, real time "
          f"(host-dependent), iperf3 {TCP_SECONDS} s TCP / {UDP_SECONDS} s UDP\n")
    print(f"{'figure':<56} {'value':>10} {'loopback':>10} {'ratio':>8}")
    for figure, value, unit, loop in rows:
        shown = "-" if value is None else f"{value:.2f}"
        lshown = "-" if loop is None else f"{loop:.2f}"
        ratio = f"{value / loop:.2f}" if value is not None and loop else "-"
        print(f"{figure:<56} {shown:>10} {lshown:>10} {ratio:>8}")
    print()
    for figure, value, unit, loop in rows:
        name = "".join(c if c.isalnum() else "_" for c in figure.split(",")[0]).strip("_")
        print(f"BENCH-RESULT scenario={SCENARIO} name={name} value={value} unit={unit or '1'} "
              f"reference=loopback reference_value={loop}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
