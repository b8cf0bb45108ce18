# SPDX-License-Identifier: Apache-2.0
"""schism's guest device trees and the new scenario elements end to end:
a Linux-like scenario (2 vCPUs, Image + initrd, a passed-through device,
shared memory, capabilities both ways) is generated, every DTB decompiled
with dtc and its nodes and properties compared with docs/devicetree.md;
the generated config.c carries the vGIC distributor, GICV and device
mappings and the VM's SPIs. Checks that need a special platform file run
with a private copy of config/platforms.
Run: /usr/bin/python3 -m pytest tests/schism
"""
import re
import shutil
import subprocess

import pytest

from test_bad_scenarios import ROOT, run, schism, make_arm64_image  # noqa: F401

LINUX = """<?xml version="1.0"?>
<scenario name="lx" platform="qemu-virt">
  <hypervisor cpus="2"/>
  <shmem name="net0" size="2M"/>
  <shmem name="log" size="64K" base="0x7f000000"/>
  <vm name="linux">
    <vcpu pcpu="0"/>
    <vcpu pcpu="1"/>
    <memory size="128M"/>
    <kernel file="Image"/>
    <initrd file="initrd.img"/>
    <bootargs>console=ttyAMA0 root=/dev/ram0</bootargs>
    <uart/>
    <device ref="rtc"/>
    <shmem ref="net0" base="0x50000000"/>
    <shmem ref="log" base="0x50200000" access="ro"/>
    <cap type="ipc" target_xref="bm" param="40"/>
    <cap type="ipc" target_xref="bm" param="0x5"/>
  </vm>
  <vm name="bm">
    <vcpu pcpu="1"/>
    <memory size="16M"/>
    <kernel file="hello.bin"/>
    <psci conduit="smc"/>
    <device ref="gpio"/>
    <shmem ref="net0" base="0x60000000"/>
    <cap type="ipc" target_xref="linux" param="41"/>
    <cap type="ipc" target_xref="linux" param="3"/>
  </vm>
</scenario>
"""

INITRD_SIZE = 3 * 1024 * 1024 + 5


@pytest.fixture(scope="module")
def dt_images(tmp_path_factory):
    d = tmp_path_factory.mktemp("dtimg")
    make_arm64_image(d / "Image", image_size=0x1800000)
    (d / "initrd.img").write_bytes(b"\x1f\x8b" + b"\x01" * (INITRD_SIZE - 2))
    (d / "hello.bin").write_bytes(b"\x01" * 5000)
    return d


def parse_dts(text):
    """{node path: {property: value text or True}} of dtc's output."""
    nodes, stack = {}, []
    for raw in text.splitlines():
        line = raw.strip()
        if line.endswith("{"):
            name = line[:-1].strip().split(":")[-1].strip()
            stack.append(name)
            path = "/" + "/".join(stack[1:]) if len(stack) > 1 else "/"
            nodes[path] = {}
        elif line == "};":
            stack.pop()
        elif line.endswith(";") and stack:
            path = "/" + "/".join(stack[1:]) if len(stack) > 1 else "/"
            if " = " in line:
                k, v = line[:-1].split(" = ", 1)
                nodes[path][k] = v
            else:
                nodes[path][line[:-1]] = True
    return nodes


def decompile(dtb):
    return subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def linux_out(schism, dt_images, tmp_path_factory):
    d = tmp_path_factory.mktemp("lx")
    scen = d / "lx.xml"
    scen.write_text(LINUX)
    out = d / "out"
    r = run(schism, scen, out, [dt_images])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return out


def cells(v):
    return [int(x, 16) for x in re.findall(r"0x[0-9a-f]+", v)]


def test_dts_compiles_without_dtc_warnings(linux_out):
    for name in ("linux", "bm"):
        r = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", "/dev/null",
                            str(linux_out / "gen" / f"vm-{name}.dts")],
                           capture_output=True, text=True)
        assert r.returncode == 0 and r.stderr == "", r.stderr


def test_linux_vm_tree_has_what_linux_needs(linux_out):
    n = parse_dts(decompile(linux_out / "gen" / "vm-linux.dtb"))
    root = n["/"]
    assert root["compatible"] == '"linux,dummy-virt"'
    assert cells(root["#address-cells"]) == [2] and cells(root["#size-cells"]) == [2]
    gic = n["/intc@8000000"]
    assert gic["compatible"] == '"arm,cortex-a15-gic"'
    assert "interrupt-controller" in gic and cells(gic["#interrupt-cells"]) == [3]
    assert cells(gic["reg"]) == [0, 0x8000000, 0, 0x1000, 0, 0x8010000, 0, 0x2000]
    assert cells(root["interrupt-parent"]) == cells(gic["phandle"])
    assert cells(n["/memory@40000000"]["reg"]) == [0, 0x40000000, 0, 128 << 20]
    cpus = [p for p in n if p.startswith("/cpus/cpu@")]
    assert sorted(cpus) == ["/cpus/cpu@0", "/cpus/cpu@1"]
    for i, c in enumerate(sorted(cpus)):
        assert n[c]["enable-method"] == '"psci"' and cells(n[c]["reg"]) == [i]
    psci = n["/psci"]
    assert psci["compatible"] == '"arm,psci-1.0\\0arm,psci-0.2\\0arm,psci"'
    assert psci["method"] == '"hvc"'
    timer = n["/timer"]
    # PPIs 13, 14, 11, 10, level, GICv2 CPU mask of 2 vCPUs (as QEMU)
    assert cells(timer["interrupts"]) == [1, 13, 0x304, 1, 14, 0x304,
                                          1, 11, 0x304, 1, 10, 0x304]
    assert "always-on" in timer
    clk = n["/apb-pclk"]
    assert cells(clk["clock-frequency"]) == [24000000]
    uart = n["/pl011@9000000"]
    assert uart["compatible"] == '"arm,pl011\\0arm,primecell"'
    assert cells(uart["interrupts"]) == [0, 1, 4]
    assert cells(uart["clocks"]) == cells(clk["phandle"]) * 2
    assert uart["clock-names"] == '"uartclk\\0apb_pclk"'
    rtc = n["/rtc@9010000"]
    assert rtc["compatible"] == '"arm,pl031\\0arm,primecell"'
    assert cells(rtc["reg"]) == [0, 0x9010000, 0, 0x1000]
    assert cells(rtc["interrupts"]) == [0, 2, 4]
    assert rtc["clock-names"] == '"apb_pclk"'
    assert "gpio@9030000" not in " ".join(n)       # the other VM's device


def test_chosen_has_bootargs_console_and_initrd(linux_out):
    n = parse_dts(decompile(linux_out / "gen" / "vm-linux.dtb"))
    ch = n["/chosen"]
    assert ch["bootargs"] == '"console=ttyAMA0 root=/dev/ram0"'
    assert ch["stdout-path"] == '"/pl011@9000000"'
    assert ch["phidias,vm-name"] == '"linux"'
    start = cells(ch["linux,initrd-start"])
    end = cells(ch["linux,initrd-end"])
    assert len(start) == 2 and len(end) == 2          # 64-bit
    start = start[0] << 32 | start[1]
    end = end[0] << 32 | end[1]
    dtb = 0x40000000 + (128 << 20) - (2 << 20)
    assert end - start == INITRD_SIZE
    assert start % 4096 == 0 and end <= dtb and dtb - start < INITRD_SIZE + 4096
    assert start >= 0x40080000 + 0x1800000          # above the kernel's image_size
    cfg = (linux_out / "gen" / "config.c").read_text()
    assert f".dst_ipa = 0x{start:x}ull" in cfg
    assert ".nr_blobs = 3" in cfg


def test_shared_memory_binding(linux_out):
    n = parse_dts(decompile(linux_out / "gen" / "vm-linux.dtb"))
    rsv = n["/reserved-memory/shmem@50000000"]
    assert "no-map" in rsv and cells(rsv["reg"]) == [0, 0x50000000, 0, 0x200000]
    ph = n["/phidias"]
    assert ph["compatible"] == '"phidias,hypervisor"'
    assert ph["phidias,vm-name"] == '"linux"'
    net = n["/phidias/shmem@50000000"]
    assert net["compatible"] == '"phidias,shmem"'
    assert cells(net["reg"]) == [0, 0x50000000, 0, 0x200000]
    assert net["phidias,name"] == '"net0"' and net["phidias,access"] == '"rw"'
    assert cells(net["memory-region"]) == cells(rsv["phandle"])
    assert net["phidias,peers"] == '"bm"'
    assert cells(net["phidias,caps"]) == [0, 1]       # both caps ring 'bm'
    assert cells(net["interrupts"]) == [0, 41 - 32, 1]  # bm rings SPI 41
    assert cells(net["phidias,sgis"]) == [3]
    log = n["/phidias/shmem@50200000"]
    assert log["phidias,access"] == '"ro"' and log["phidias,name"] == '"log"'
    assert "phidias,peers" not in log                  # 'bm' does not map it
    assert "interrupts" not in log and "phidias,caps" not in log


def test_capabilities_and_doorbells(linux_out):
    n = parse_dts(decompile(linux_out / "gen" / "vm-linux.dtb"))
    c0, c1 = n["/phidias/capabilities/cap@0"], n["/phidias/capabilities/cap@1"]
    assert c0["phidias,type"] == '"ipc"' and c0["phidias,target"] == '"bm"'
    assert cells(c0["phidias,intid"]) == [40] and cells(c1["phidias,intid"]) == [5]
    d0, d1 = n["/phidias/doorbells/doorbell@0"], n["/phidias/doorbells/doorbell@1"]
    assert d0["phidias,source"] == '"bm"' and cells(d0["phidias,source-cap"]) == [0]
    assert cells(d0["phidias,intid"]) == [41] and cells(d0["interrupts"]) == [0, 9, 1]
    assert cells(d1["phidias,sgi"]) == [3] and "interrupts" not in d1
    b = parse_dts(decompile(linux_out / "gen" / "vm-bm.dtb"))
    assert b["/psci"]["method"] == '"smc"'
    assert "stdout-path" not in b["/chosen"] and "pl011@9000000" not in b
    assert "linux,initrd-start" not in b["/chosen"]
    assert cells(b["/phidias/doorbells/doorbell@1"]["phidias,sgi"]) == [5]
    assert cells(b["/phidias/shmem@60000000"]["phidias,caps"]) == [0, 1]
    assert cells(b["/phidias/shmem@60000000"]["interrupts"]) == [0, 8, 1]
    assert cells(b["/timer"]["interrupts"])[2] == 0x104
    assert "gpio-controller" in b["/gpio@9030000"]
    assert cells(b["/gpio@9030000"]["#gpio-cells"]) == [2]


def test_config_tables(linux_out):
    cfg = (linux_out / "gen" / "config.c").read_text()
    assert cfg.count("PHIDIAS_EMUL_VGICD, .irq = 0, .ipa = 0x8000000ull, "
                     ".size = 0x1000ull") == 2
    assert "static const uint32_t vm0_irqs[] = { 34, };" in cfg
    assert "static const uint32_t vm1_irqs[] = { 39, };" in cfg
    assert cfg.count(".nr_irqs = 1,") == 2
    assert cfg.count('.kind = PHIDIAS_MEM_PASSTHRU, .name = "gicv"') == 2
    assert '.kind = PHIDIAS_MEM_SHARED, .name = "net0"' in cfg


def test_unused_region_is_a_warning(schism, dt_images, tmp_path):
    scen = tmp_path / "w.xml"
    scen.write_text("""<?xml version="1.0"?>
<scenario name="w" platform="qemu-virt">
  <shmem name="spare" size="64K"/>
  <vm name="a"><vcpu pcpu="0"/><memory size="8M"/><kernel file="hello.bin"/></vm>
</scenario>
""")
    r = run(schism, scen, tmp_path / "o", [dt_images])
    assert r.returncode == 0, r.stderr
    assert f"{scen}:3: warning: shared region 'spare' is mapped by no VM" in r.stderr
    assert "error" not in r.stderr


def custom_platform(tmp_path, device_xml):
    plats = tmp_path / "platforms"
    plats.mkdir()
    text = (ROOT / "config/platforms/qemu-virt.xml").read_text()
    text = text.replace("  <qemu ", device_xml + "\n  <qemu ")
    (plats / "qemu-virt.xml").write_text(text)
    shutil.copy(ROOT / "config/platform.xsd", plats.parent / "platform.xsd")
    shutil.copy(ROOT / "config/scenario.xsd", plats.parent / "scenario.xsd")
    return plats


def run_custom(schism, tmp_path, plats, scen_text, images):
    scen = tmp_path / "s.xml"
    scen.write_text(scen_text)
    cmd = [str(schism), "-I", str(images), "--platforms", str(plats),
           "--schema", str(tmp_path / "scenario.xsd"), "--out",
           str(tmp_path / "o"), str(scen)]
    return subprocess.run(cmd, capture_output=True, text=True), scen


@pytest.mark.parametrize("device,vm_extra,expect", [
    ('<device name="big" compatible="x,y" base="0x0a000000" size="0x1000" irq="200"/>',
     '<device ref="big"/>', "s.xml:4: error: device 'big' raises INTID 200, but a "
     "VM's virtual GIC has INTIDs 0-127 only"),
    ('<device name="u2" compatible="x,y" base="0x0a000000" size="0x1000" irq="33"/>',
     '<uart/><device ref="u2"/>', "qemu-virt.xml:18: error: device 'u2' uses irq 33, "
     "the interrupt of the hypervisor's console UART"),
    ('<device name="g" compatible="x,y" base="0x08040000" size="0x1000" irq="50"/>',
     '<device ref="g"/>', "qemu-virt.xml:18: error: device 'g' overlaps the GIC "
     "virtual CPU interface of the platform"),
    ('<device name="p" compatible="x,y" base="0x0a000000" size="0x1000" irq="20"/>',
     '<device ref="p"/>', "qemu-virt.xml:18: error: device 'p': irq 20 is not an SPI"),
    ('<device name="rtc2" compatible="x,y" base="0x0a000000" size="0x1000" irq="34"/>',
     '<device ref="rtc"/></vm><vm name="b"><vcpu pcpu="0"/><memory size="8M"/>'
     '<kernel file="hello.bin"/><device ref="rtc2"/>',
     "device 'rtc2' raises SPI 34, which VM 'a' already owns"),
])
def test_platform_device_checks(schism, dt_images, tmp_path, device, vm_extra,
                                expect):
    plats = custom_platform(tmp_path, "  " + device)
    r, _ = run_custom(schism, tmp_path, plats, f"""<?xml version="1.0"?>
<scenario name="d" platform="qemu-virt">
  <vm name="a"><vcpu pcpu="0"/><memory size="8M"/><kernel file="hello.bin"/>
   {vm_extra}</vm>
</scenario>
""", dt_images)
    assert r.returncode == 1
    assert expect in r.stderr, r.stderr
    assert not (tmp_path / "o").exists()


def test_kernel_image_size_must_fit_below_initrd(schism, dt_images, tmp_path):
    img = tmp_path / "img"
    img.mkdir()
    make_arm64_image(img / "Image", image_size=13 << 20)   # 13 MiB incl. bss
    (img / "initrd.img").write_bytes(b"\0" * (1 << 20))
    scen = tmp_path / "k.xml"
    scen.write_text("""<?xml version="1.0"?>
<scenario name="k" platform="qemu-virt">
  <vm name="a"><vcpu pcpu="0"/><memory size="16M"/>
    <kernel file="Image"/>
    <initrd file="initrd.img"/></vm>
</scenario>
""")
    r = run(schism, scen, tmp_path / "o", [img])
    assert r.returncode == 1
    assert (f"{scen}:4: error: kernel image 'Image' (13 MiB incl. bss) of VM 'a' "
            "overlaps its initrd at 0x40d00000") in r.stderr, r.stderr


LINKS = ROOT / "tests/schism/good/links.xml"


@pytest.fixture(scope="module")
def links_out(schism, dt_images, tmp_path_factory):
    out = tmp_path_factory.mktemp("links") / "out"
    r = run(schism, LINKS.relative_to(ROOT), out, [dt_images])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    return out


def shmnet_nodes(n):
    return [p for p in n if p.startswith("/phidias/shmnet@")]


def test_link_node_has_every_property_of_the_binding(links_out):
    n = parse_dts(decompile(links_out / "gen" / "vm-a.dtb"))
    nodes = shmnet_nodes(n)
    # a's links in scenario order: lan0 (end 0), then jumbo (end 1)
    assert [n[p]["phidias,name"] for p in nodes] == ['"lan0"', '"jumbo"']
    lan = n[nodes[0]]
    assert lan["compatible"] == '"phidias,shmnet"'
    reg = cells(lan["reg"])
    base, size = reg[0] << 32 | reg[1], reg[2] << 32 | reg[3]
    assert nodes[0] == f"/phidias/shmnet@{base:x}"
    assert 0x20000000 <= base and base + size <= 0x40000000
    assert base != 0x20000000                 # the <shmem> 'blk' is there
    assert size == 0x600000                   # MTU 9000: 256 x 9024, 2 MiB
    rsv = n[f"/reserved-memory/link@{base:x}"]
    assert "no-map" in rsv and cells(rsv["reg"]) == reg
    assert cells(lan["memory-region"]) == cells(rsv["phandle"])
    assert cells(lan["phidias,end"]) == [0]
    assert lan["phidias,peer"] == '"b"'
    assert cells(lan["phidias,mtu"]) == [9000]
    assert cells(lan["phidias,ring-slots"]) == [256]
    assert cells(lan["phidias,slot-size"]) == [9024]
    assert lan["local-mac-address"] == "[02 00 00 00 00 01]"
    assert lan["phidias,ip"] == '"10.0.0.1/24"'
    # its cap comes after a's own <cap> and rings b; the doorbell is an SPI
    cap = cells(lan["phidias,cap"])[0]
    assert cap == 1
    c = n[f"/phidias/capabilities/cap@{cap}"]
    assert c["phidias,target"] == '"b"'
    irq = cells(lan["interrupts"])
    assert irq[0] == 0 and irq[2] == 1        # SPI, edge rising
    intid = irq[1] + 32
    assert intid not in (33, 34)              # a's UART and its rtc
    bells = [n[p] for p in n if p.startswith("/phidias/doorbells/doorbell@")]
    mine = [d for d in bells if cells(d["phidias,intid"]) == [intid]]
    assert len(mine) == 1 and mine[0]["phidias,source"] == '"b"'
    jumbo = n[nodes[1]]
    assert cells(jumbo["phidias,end"]) == [1]
    assert jumbo["phidias,peer"] == '"c"'
    assert cells(jumbo["phidias,mtu"]) == [65535]
    assert cells(jumbo["phidias,ring-slots"]) == [32]
    assert cells(jumbo["phidias,slot-size"]) == [65600]
    assert "phidias,ip" not in jumbo
    mac = bytes.fromhex(jumbo["local-mac-address"].strip("[]").replace(" ", ""))
    assert len(mac) == 6 and mac[0] & 1 == 0 and mac[0] & 2 == 2
    # a link's region is not a phidias,shmem node, and the 'blk' shmem node
    # does not list link caps or link doorbells
    assert [p for p in n if p.startswith("/phidias/shmem@")] == ["/phidias/shmem@20000000"]
    blk = n["/phidias/shmem@20000000"]
    assert cells(blk["phidias,caps"]) == [0]
    assert cells(blk["interrupts"]) == [0, 65 - 32, 1]   # b's own cap 0


def test_link_ends_agree(links_out):
    trees = {v: parse_dts(decompile(links_out / "gen" / f"vm-{v}.dtb"))
             for v in "abc"}
    seen = {}
    for v, n in trees.items():
        for p in shmnet_nodes(n):
            node = n[p]
            seen.setdefault(node["phidias,name"], {})[v] = node
    assert sorted(seen) == ['"jumbo"', '"lan0"', '"tiny"']
    macs = []
    for name, ends in seen.items():
        assert len(ends) == 2, name
        (va, a), (vb, b) = sorted(ends.items())
        assert a["phidias,peer"] == f'"{vb}"' and b["phidias,peer"] == f'"{va}"'
        assert sorted(cells(a["phidias,end"]) + cells(b["phidias,end"])) == [0, 1]
        for prop in ("phidias,mtu", "phidias,ring-slots", "phidias,slot-size"):
            assert a[prop] == b[prop], (name, prop)
        assert cells(a["reg"])[2:] == cells(b["reg"])[2:]     # same size
        for v, node in ((va, a), (vb, b)):
            # the cap rings the peer with the INTID the peer's node names
            peer = vb if v == va else va
            other = b if node is a else a
            cap = trees[v][f"/phidias/capabilities/cap@{cells(node['phidias,cap'])[0]}"]
            assert cap["phidias,target"] == f'"{peer}"'
            assert cells(cap["phidias,intid"]) == [cells(other["interrupts"])[1] + 32]
            macs.append(node["local-mac-address"])
    assert len(set(macs)) == 6
    tiny = seen['"tiny"']["b"]
    assert cells(tiny["phidias,ring-slots"]) == [2] and cells(tiny["phidias,slot-size"]) == [128]


def test_link_appears_in_memmap(links_out):
    mm = (links_out / "memmap.txt").read_text()
    assert "link 'lan0' (shmnet, VM 'a' <-> VM 'b', MTU 9000, 256 slots of 9024 bytes)" in mm
    assert "link 'lan0' end 0 to VM 'b' (rw, mac 02:00:00:00:00:01, cap 1" in mm
    assert "(doorbell of link 'jumbo')" in mm
