#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: boot the benchmark scenarios under QEMU -icount and print figures.

Every figure comes with a reference measured in the same run (the guest's own
EL1 exception round trip).  Under -icount shift=0 one nanosecond of guest
time is one guest instruction, so the figures repeat exactly from run to run.
Output: a table, then one machine-readable line per figure.  No pass/fail.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICOUNT = ["-icount", "shift=0"]
TIMEOUT = 600
LINE = re.compile(r"^\[(?P<vm>[^\]]+)\] BENCH (?P<name>\S+) (?P<value>\d+\.\d) n=(?P<n>\d+)")
REFERENCE = "el1_svc_roundtrip"
DESCRIPTIONS = {
    "el1_svc_roundtrip": "guest's own EL1 exception round trip (SVC)",
    "hvc_roundtrip": "hypercall round trip (HVC, ABI version)",
    "psci_version": "PSCI_VERSION call",
    "uart_fr_trap": "emulated register read (UART flags)",
    "yield_switch": "yield + vCPU switch (two VMs, one CPU)",
    "doorbell_same": "doorbell one-way latency, same CPU",
    "doorbell_cross": "doorbell one-way latency, across CPUs",
}


def run(scenario):
    build = ROOT / "build" / scenario
    args = (build / "gen" / "qemu.args").read_text().split()
    cmd = ["qemu-system-aarch64", *args, "-nographic", "-monitor", "none",
           "-kernel", str(build / "phidias.bin"), *ICOUNT]
    try:
        out = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, errors="replace", timeout=TIMEOUT).stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        print(f"bench: {scenario} did not finish in {TIMEOUT} s; figures so far only",
              file=sys.stderr)
    results = []
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if m:
            results.append((m["vm"], m["name"], float(m["value"]), int(m["n"])))
    if not results:
        print(f"bench: {scenario} printed no figures:\n{out[-2000:]}", file=sys.stderr)
    return results


def main(scenarios):
    rows = []
    for scenario in scenarios:
        results = run(scenario)
        refs = {vm: value for vm, name, value, _ in results if name == REFERENCE}
        for vm, name, value, n in results:
            if name == REFERENCE and scenario != scenarios[0]:
                continue  # shown once, with the first scenario
            rows.append((scenario, vm, name, value, n, refs.get(vm)))
    print("Phidias benchmarks: QEMU -icount shift=0, 1 ns = 1 guest instruction\n")
    print(f"{'figure':<52} {'ns/op':>9} {'reference':>10} {'ratio':>8}")
    for scenario, vm, name, value, n, ref in rows:
        desc = DESCRIPTIONS.get(name, name)
        if sum(1 for r in rows if r[0] == scenario and r[2] == name) > 1:
            desc = f"{desc} [{vm}]"
        ratio = f"{value / ref:.0f}x" if ref else "-"
        print(f"{desc:<52} {value:>9.1f} {ref if ref is not None else '-':>10} {ratio:>8}")
    print()
    for scenario, vm, name, value, n, ref in rows:
        print(f"BENCH-RESULT scenario={scenario} vm={vm} name={name} value={value:.1f} "
              f"unit=ns n={n} reference={REFERENCE} reference_value={ref}")
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
