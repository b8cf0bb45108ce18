# SPDX-License-Identifier: Apache-2.0
"""The hypervisor's PL011 driver brings a UART up from reset (host unit
test of drivers/pl011.c against the TRM's register values, test_pl011.c).
Run: /usr/bin/python3 -m pytest tests/host"""
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def test_pl011_init_sequence(tmp_path):
    exe = tmp_path / "test_pl011"
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-Wshadow",
                    "-Wconversion", "-Wno-sign-conversion", "-O1",
                    "-I", str(ROOT / "drivers/include"), "-o", str(exe),
                    str(HERE / "test_pl011.c"), str(ROOT / "drivers/pl011.c")],
                   check=True)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    print(r.stdout)
    assert r.returncode == 0, r.stdout
    assert ", 0 failed" in r.stdout
