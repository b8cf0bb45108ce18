# SPDX-License-Identifier: Apache-2.0
"""Platform descriptions (config/platforms/*.xml): the HiKey's facts as
hi6220.dtsi / hi6220-hikey.dts give them, and the platform checks — RAM
banks, firmware-reserved ranges, the MPIDR list, the console UART's clock —
each rejected with the platform file's line.
Run: /usr/bin/python3 -m pytest tests/schism/test_platforms.py"""
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from test_bad_scenarios import ROOT, run, schism  # noqa: F401

HIKEY = ROOT / "config/platforms/hikey.xml"


def num(v):
    m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|[0-9]+)([KMG]?)", v)
    return int(m.group(1), 0) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]


def test_hikey_platform_has_the_boards_facts():
    p = ET.parse(HIKEY).getroot()
    assert [num(c.get("mpidr")) for c in p.find("cpus")] == \
        [0x000, 0x001, 0x002, 0x003, 0x100, 0x101, 0x102, 0x103]
    g = p.find("gic").attrib
    assert (num(g["gicd"]), num(g["gicc"]), num(g["gich"]), num(g["gicv"])) == \
        (0xF6801000, 0xF6802000, 0xF6804000, 0xF6806000)
    assert num(g["maintenance-irq"]) == 16 + 9          # PPI 9
    t = p.find("timer").attrib
    # PPIs 13 (secure), 14 (EL1 phys), 11 (virt), 10 (hyp)
    assert (num(t["phys-irq"]), num(t["virt-irq"]), num(t["hyp-irq"])) == \
        (16 + 14, 16 + 11, 16 + 10)
    u = p.find("uart").attrib
    assert (num(u["base"]), num(u["irq"])) == (0xF7113000, 32 + 39)   # UART3
    assert (num(u["clock"]), num(u["baud"])) == (19200000, 115200)
    assert p.find("psci").get("conduit") == "smc"
    banks = [(num(m.get("base")), num(m.get("size"))) for m in p.findall("memory")]
    assert banks[0] == (0, 1 << 30)
    holes = {r.get("name"): (num(r.get("base")), num(r.get("size")))
             for r in p.findall("reserved")}
    # the ranges the hi6220-hikey.dts memory node leaves out of the first GiB
    assert holes == {
        "mcu-firmware": (0x05E00000, 0x100000),
        "reboot-reason": (0x05F01000, 0x1000),
        "mailbox": (0x06DFF000, 0x1000),
        "mcu-section": (0x0740F000, 0x1000),
        "ramoops": (0x21F00000, 0x100000),
        "optee": (0x3E00_0000, 0x2000000),
    }
    load = num(p.find("hypervisor").get("load"))
    assert load % (2 << 20) == 0
    assert all(not (b <= load < b + s) for b, s in holes.values())


def platform_with(tmp_path, edit):
    plats = tmp_path / "platforms"
    plats.mkdir()
    text = HIKEY.read_text()
    new = edit(text)
    assert new != text, "the edit changed nothing"
    (plats / "hikey.xml").write_text(new)
    shutil.copy(ROOT / "config/platform.xsd", tmp_path / "platform.xsd")
    shutil.copy(ROOT / "config/scenario.xsd", tmp_path / "scenario.xsd")
    return plats


def run_on(schism, tmp_path, plats):  # noqa: F811
    img = tmp_path / "img"
    img.mkdir()
    (img / "hello.bin").write_bytes(b"\1" * 5000)
    scen = tmp_path / "s.xml"
    scen.write_text("""<?xml version="1.0"?>
<scenario name="s" platform="hikey">
  <vm name="a"><vcpu pcpu="0"/><memory size="16M"/><kernel file="hello.bin"/></vm>
</scenario>
""")
    cmd = [str(schism), "-I", str(img), "--platforms", str(plats), "--schema",
           str(tmp_path / "scenario.xsd"), "--out", str(tmp_path / "o"), str(scen)]
    return subprocess.run(cmd, capture_output=True, text=True)


def line_of(text, needle):
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


@pytest.mark.parametrize("old,new,where,expect", [
    ('<reserved name="ramoops" base="0x21f00000"', '<reserved name="ramoops" base="0x81f00000"',
     'name="ramoops"', "reserved range 'ramoops' (0x81f00000-0x81ffffff) is not inside one RAM bank"),
    ('<reserved name="mailbox" base="0x06dff000" size="4K"/>',
     '<reserved name="mailbox" base="0x06dff000" size="4K"/><reserved name="mbox2" base="0x06dfe000" size="8K"/>',
     'name="mailbox"', "reserved range 'mailbox' overlaps 'mbox2'"),
    ('<cpu mpidr="0x101"/>', '<cpu mpidr="0x001"/>', 'mpidr="0x102"',
     "MPIDR 0x1 is given twice (also pcpu 1)"),
    ('<cpu mpidr="0x103"/>', '<cpu mpidr="0x80000103"/>', 'mpidr="0x102"',
     'only the affinity fields'),
    ('clock="19200000"', 'clock="1000000"', '<uart ',
     'no PL011 divisor gives that baud rate'),
    ('<memory base="0x40000000" size="1G"/>', '<memory base="0x3ff00000" size="1G"/>',
     'base="0x3ff00000"', "RAM bank at 0x3ff00000 overlaps the bank at line"),
    ('<hypervisor load="0x08000000"/>', '<hypervisor load="0x3e000000"/>', '<hypervisor ',
     "clear of the firmware's reserved range 'optee'"),
    # below the first 2 MiB: no reserved range to name (the fuzzer's crash)
    ('<hypervisor load="0x08000000"/>', '<hypervisor load="0x0"/>', '<hypervisor ',
     "must lie in one RAM bank, above the first 2 MiB of RAM\n"),
    ('base="0xf8003000" size="0x1000" irq="44"', 'base="0x00400000" size="0x1000" irq="44"',
     'name="rtc"', "device 'rtc' overlaps RAM of the platform"),
])
def test_platform_error_names_the_platform_line(schism, tmp_path, old, new, where,
                                                expect):  # noqa: F811
    plats = platform_with(tmp_path, lambda t: t.replace(old, new))
    text = (plats / "hikey.xml").read_text()
    r = run_on(schism, tmp_path, plats)
    assert r.returncode == 1, r.stderr
    assert expect in r.stderr, r.stderr
    assert f"hikey.xml:{line_of(text, where)}: error: " in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()


def test_hikey_scenario_memory_map_shows_the_holes(schism, tmp_path):  # noqa: F811
    plats = platform_with(tmp_path, lambda t: t.replace("<!-- DRAM", "<!-- RAM"))
    r = run_on(schism, tmp_path, plats)
    assert r.returncode == 0, r.stderr
    mm = (tmp_path / "o" / "memmap.txt").read_text()
    assert "reserved by the firmware: optee" in mm
    assert "load phidias.bin at 0x8000000" in mm


@pytest.fixture(scope="module")
def guest_images(tmp_path_factory):
    from test_bad_scenarios import make_arm64_image
    d = tmp_path_factory.mktemp("guests")
    for i, name in enumerate(["hello.bin", "ticker.bin", "echo.bin"]):
        (d / name).write_bytes(bytes([i + 1]) * (4096 + 100 * i))
    make_arm64_image(d / "Image", image_size=8 << 20)
    (d / "initramfs.cpio.gz").write_bytes(b"\x1f\x8b" + b"\0" * 300000)
    return d


@pytest.mark.parametrize("name", ["hikey-net", "hikey-mixed"])
def test_guests_see_the_same_machine_on_hikey_as_on_qemu(schism, guest_images, tmp_path,
                                                         name):  # noqa: F811
    """The same scenario on both platforms gives every VM the same device
    tree (RAM at 0x40000000, GIC, PL011, timer, PSCI, shared regions): the
    board shows only in the tables.  The trees compile without warnings."""
    text = (ROOT / "scenarios" / f"{name}.xml").read_text()
    # qemu-virt has 4 CPUs: move what runs on CPU 4 to CPU 1
    qtext = text.replace('platform="hikey"', 'platform="qemu-virt"') \
                .replace('cpus="5"', 'cpus="2"').replace('pcpu="4"', 'pcpu="1"')
    trees = {}
    for plat, scen_text in (("hikey", text), ("qemu-virt", qtext)):
        scen = tmp_path / plat / f"{name}.xml"
        scen.parent.mkdir()
        scen.write_text(scen_text)
        out = tmp_path / plat / "out"
        r = run(schism, scen, out, [guest_images])
        assert r.returncode == 0, r.stderr
        trees[plat] = {}
        for dts in sorted((out / "gen").glob("vm-*.dts")):
            body = dts.read_text().split("\n", 1)[1]     # first line names the file
            trees[plat][dts.name] = body
            c = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", "/dev/null", str(dts)],
                               capture_output=True, text=True)
            assert c.returncode == 0 and not c.stderr, f"{dts.name}: {c.stderr}"
    assert trees["hikey"] and trees["hikey"].keys() == trees["qemu-virt"].keys()
    for vm, body in trees["hikey"].items():
        assert body == trees["qemu-virt"][vm], f"{name}: {vm} differs between the boards"
        assert "memory@40000000" in body
