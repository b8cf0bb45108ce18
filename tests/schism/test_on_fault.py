# SPDX-License-Identifier: Apache-2.0
"""<vm on-fault>: schism puts each VM's policy into its generated table
(inject unless the scenario says stop)."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SCHISM = ROOT / "build" / "host" / "schism"

SCENARIO = """<?xml version="1.0"?>
<scenario name="t" platform="qemu-virt">
  <hypervisor cpus="1"/>
  <vm name="plain"><vcpu pcpu="0"/><memory size="16M"/><kernel file="k.bin"/></vm>
  <vm name="strict" on-fault="stop"><vcpu pcpu="0"/><memory size="16M"/><kernel file="k.bin"/></vm>
  <vm name="given" on-fault="inject"><vcpu pcpu="0"/><memory size="16M"/><kernel file="k.bin"/></vm>
</scenario>
"""


def test_on_fault_reaches_the_vm_table(tmp_path):
    if not SCHISM.exists():
        subprocess.run(["make", "-C", str(ROOT), "build/host/schism"], check=True)
    (tmp_path / "k.bin").write_bytes(b"\0" * 4096)
    (tmp_path / "t.xml").write_text(SCENARIO)
    r = subprocess.run([str(SCHISM), "-I", str(tmp_path),
                        "--platforms", str(ROOT / "config" / "platforms"),
                        "--schema", str(ROOT / "config" / "scenario.xsd"),
                        "--out", str(tmp_path / "out"), str(tmp_path / "t.xml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    config = (tmp_path / "out" / "gen" / "config.c").read_text()
    got = re.findall(r'\.name = "(\w+)",.*?\.on_fault = (\w+),', config, re.S)
    assert got == [("plain", "PHIDIAS_FAULT_INJECT"), ("strict", "PHIDIAS_FAULT_STOP"),
                   ("given", "PHIDIAS_FAULT_INJECT")], got
