#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: boot the benchmark scenarios under QEMU -icount and print figures.

Every figure that has one is printed beside its bare reference: the same bench
guest booted directly by QEMU, without the hypervisor, in the same run
(build/guests/qemu/bench.bin, `bench=local`), and the ratio of the two.
Under -icount shift=0 one nanosecond of guest time is one guest instruction,
so the figures repeat exactly from run to run.
Output: a table, then one machine-readable line per figure.  No pass/fail.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICOUNT = ["-icount", "shift=0,sleep=off"]
TIMEOUT = 600
LINE = re.compile(r"^(?:\[(?P<vm>[^\]]+)\] )?BENCH (?P<name>\S+) (?P<value>\d+\.\d) n=(?P<n>\d+)")
BARE_IMAGE = ROOT / "build" / "guests" / "qemu" / "bench.bin"
# The bare machine: what schism's qemu.args give the hypervisor, without EL2.
BARE_MACHINE = ["-M", "virt,gic-version=2", "-cpu", "cortex-a57", "-smp", "2", "-m", "128M"]
BARE_BOOTARGS = "bench=local n=20000"
DESCRIPTIONS = {
    "el1_svc_roundtrip": "guest's own EL1 exception round trip (SVC)",
    "hvc_roundtrip": "null hypercall round trip (HVC)",
    "psci_version": "PSCI_VERSION call",
    "uart_fr_trap": "32-bit read, UART flag register",
    "gicd_read": "32-bit read, GIC distributor register (GICD_CTLR)",
    "timer_take": "timer armed 10 ms ahead, WFI, taken (above 10 ms)",
    "ipi_roundtrip": "SGI round trip, vCPU 0 -> 1 on another CPU",
    "yield_switch": "yield + vCPU switch (two VMs, one CPU)",
    "yield_switch_fp": "yield + vCPU switch, guests using FP/SIMD",
    "doorbell_same": "doorbell one-way latency, same CPU",
    "doorbell_cross": "doorbell one-way latency, across CPUs",
}


def qemu(cmd, what):
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, errors="replace", timeout=TIMEOUT).stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        print(f"bench: {what} did not finish in {TIMEOUT} s; figures so far only",
              file=sys.stderr)
    results = []
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            results.append((m["vm"] or "bare", m["name"], float(m["value"]), int(m["n"])))
    if not results:
        print(f"bench: {what} printed no figures:\n{out[-2000:]}", file=sys.stderr)
    return results


def run(scenario):
    build = ROOT / "build" / scenario
    args = (build / "gen" / "qemu.args").read_text().split()
    return qemu(["qemu-system-aarch64", *args, "-nographic", "-monitor", "none",
                 "-kernel", str(build / "phidias.bin"), *ICOUNT], scenario)


def run_bare():
    return qemu(["qemu-system-aarch64", *BARE_MACHINE, "-nographic", "-monitor", "none",
                 "-kernel", str(BARE_IMAGE), "-append", BARE_BOOTARGS, *ICOUNT],
                "bare QEMU")


def main(scenarios):
    bare = {name: value for _, name, value, _ in run_bare()}
    rows = []
    seen = set()
    for scenario in scenarios:
        for vm, name, value, n in run(scenario):
            if name == "el1_svc_roundtrip" and name in seen:
                continue  # the guest's own exception: shown once
            seen.add(name)
            rows.append((scenario, vm, name, value, n, bare.get(name)))
    print("Phidias benchmarks: QEMU -icount shift=0, 1 ns = 1 guest instruction")
    print("bare = the same guest on QEMU without the hypervisor, same run\n")
    print(f"{'figure':<56} {'ns/op':>9} {'bare':>8} {'ratio':>7}")
    for scenario, vm, name, value, n, ref in rows:
        desc = DESCRIPTIONS.get(name, name)
        if sum(1 for r in rows if r[0] == scenario and r[2] == name) > 1:
            desc = f"{desc} [{vm}]"
        ratio = f"{value / ref:.1f}x" if ref else "-"
        refs = f"{ref:.1f}" if ref is not None else "-"
        print(f"{desc:<56} {value:>9.1f} {refs:>8} {ratio:>7}")
    print()
    for scenario, vm, name, value, n, ref in rows:
        print(f"BENCH-RESULT scenario={scenario} vm={vm} name={name} value={value:.1f} "
              f"unit=ns n={n} bare={ref if ref is not None else '-'}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
