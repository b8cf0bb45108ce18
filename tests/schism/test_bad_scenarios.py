# SPDX-License-Identifier: Apache-2.0
"""schism end to end: every scenario in tests/schism/bad/ is rejected with
the expected file:line and message and nothing written; every good scenario
(tests/schism/good/, scenarios/) is accepted and generates all files.

Each bad file states what it expects in comments near its top:
    <!-- expect: <message fragment> -->
    <!-- expect-line: <line of the error> -->
(several pairs may be given). Run: /usr/bin/python3 -m pytest tests/schism
"""
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHISM = ROOT / "build" / "host" / "schism"
BAD = sorted((HERE / "bad").glob("*.xml"))
GOOD = sorted((HERE / "good").glob("*.xml"))
SCENARIOS = sorted((ROOT / "scenarios").glob("*.xml"))

# Dummy guest images the fixtures refer to.
SMALL_IMAGES = ["hello.bin", "ticker.bin", "crash.bin", "echo.bin"]
BIG_IMAGE = "big.bin"           # 8 MiB, too large for small VMs
ARM64_IMAGE = "Image"           # with an ARM64 Image header, text_offset 0x80000


@pytest.fixture(scope="session")
def schism():
    if not SCHISM.exists():
        subprocess.run(["make", "-C", str(ROOT), "build/host/schism"],
                       check=True)
    assert SCHISM.exists(), f"{SCHISM} not built (make build/host/schism)"
    return SCHISM


def make_arm64_image(path, text_offset=0x80000, image_size=0x20000):
    hdr = bytearray(64)
    hdr[0:4] = (0x14000000 + 16).to_bytes(4, "little")   # b +64
    hdr[8:16] = text_offset.to_bytes(8, "little")
    hdr[16:24] = image_size.to_bytes(8, "little")
    hdr[56:60] = b"ARM\x64"
    path.write_bytes(bytes(hdr) + b"\0" * 4032)


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    d = tmp_path_factory.mktemp("images")
    for i, name in enumerate(SMALL_IMAGES):
        (d / name).write_bytes(bytes([i + 1]) * (4096 + 100 * i))
    with open(d / BIG_IMAGE, "wb") as f:
        f.truncate(8 << 20)
    make_arm64_image(d / ARM64_IMAGE)
    return d


def run(schism, scenario, out, incdirs, env=None):
    cmd = [str(schism)]
    for d in incdirs:
        cmd += ["-I", str(d)]
    cmd += ["--platforms", "config/platforms", "--schema",
            "config/scenario.xsd", "--out", str(out), str(scenario)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          env=env)


def expectations(path):
    text = path.read_text()
    frags = re.findall(r"<!-- expect: (.*?) -->", text)
    lines = [int(x) for x in re.findall(r"<!-- expect-line: (\d+) -->", text)]
    return frags, lines


def test_bad_corpus_is_large_enough():
    assert len(BAD) >= 15


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_scenario_is_rejected(schism, images, tmp_path, path):
    out = tmp_path / "out" / "scenario"
    rel = path.relative_to(ROOT)
    r = run(schism, rel, out, [images])
    frags, lines = expectations(path)
    assert frags, f"{path.name} has no <!-- expect: ... --> comment"
    assert r.returncode == 1, r.stderr
    nlines = len(path.read_text().splitlines())
    for frag in frags:
        assert frag in r.stderr, f"expected '{frag}' in:\n{r.stderr}"
    for line in lines:
        assert f"{rel}:{line}: error: " in r.stderr, r.stderr
    # every error line names this file with a line inside it
    errs = [l for l in r.stderr.splitlines() if ": error: " in l
            and not l.startswith("schism:")]
    assert errs, r.stderr
    seen = []
    for l in errs:
        m = re.match(re.escape(str(rel)) + r":(\d+): error: ", l)
        assert m, f"not file:line: {l}"
        assert 1 <= int(m.group(1)) <= nlines + 1  # EOF errors: last line + 1
        seen.append(int(m.group(1)))
    assert seen == sorted(seen), f"errors not in line order:\n{r.stderr}"
    assert not out.exists(), "output written despite errors"
    assert not any(out.parent.iterdir()) if out.parent.exists() else True


def test_error_leaves_old_output_untouched(schism, images, tmp_path):
    out = tmp_path / "keep"
    out.mkdir()
    (out / "gen").mkdir()
    (out / "gen" / "config.c").write_text("old")
    (out / "phidias.elf").write_text("elf")
    r = run(schism, BAD[0].relative_to(ROOT), out, [images])
    assert r.returncode == 1
    assert (out / "gen" / "config.c").read_text() == "old"
    assert sorted(p.name for p in out.iterdir()) == ["gen", "phidias.elf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep"]


GEN_FILES = ["phidias_gen.h", "config.c", "pagetables.c", "blobs.S",
             "phidias.ld", "qemu.args"]


def check_generated(scenario, out):
    gen = out / "gen"
    for f in GEN_FILES:
        assert (gen / f).is_file(), f
    assert (out / "memmap.txt").is_file()
    root = ET.parse(scenario).getroot()
    for vm in root.findall("vm"):
        name = vm.get("name")
        assert (gen / f"vm-{name}.dts").is_file()
        dtb = gen / f"vm-{name}.dtb"
        assert dtb.stat().st_size == 0x10000
        dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dtb)],
                             capture_output=True, text=True, check=True).stdout
        assert f'phidias,vm-name = "{name}"' in dts
        assert dts.count("device_type = \"cpu\"") == len(vm.findall("vcpu"))
        assert ("pl011@9000000" in dts) == (vm.find("uart") is not None)
    for line in (gen / "blobs.S").read_text().splitlines():
        m = re.search(r'\.incbin "(.*)"', line)
        if m:
            assert os.path.isabs(m.group(1))


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_fixture_is_accepted(schism, images, tmp_path, path):
    out = tmp_path / "build" / path.stem
    r = run(schism, path.relative_to(ROOT), out, [images])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    check_generated(path, out)
    assert [p.name for p in out.parent.iterdir()] == [path.stem], \
        "temporary directory left behind"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_repo_scenario_is_accepted(schism, images, tmp_path, path):
    # Real guests if they are built, dummies for the rest.
    incdirs = [d for d in [ROOT / "build" / "guests"] if d.is_dir()]
    dummies = tmp_path / "dummies"
    dummies.mkdir()
    root = ET.parse(path).getroot()
    for k in [*root.iter("kernel"), *root.iter("initrd")]:
        (dummies / os.path.basename(k.get("file"))).write_bytes(b"\0" * 4096)
    out = tmp_path / path.stem
    r = run(schism, path.relative_to(ROOT), out, incdirs + [dummies])
    assert r.returncode == 0, r.stderr
    check_generated(path, out)


def test_rerun_replaces_gen_and_keeps_other_files(schism, images, tmp_path):
    path = GOOD[0]
    out = tmp_path / "s"
    assert run(schism, path.relative_to(ROOT), out, [images]).returncode == 0
    first = {p.name: p.read_bytes() for p in (out / "gen").iterdir()}
    (out / "gen" / "stale.o").write_text("x")
    (out / "phidias.elf").write_text("elf")
    assert run(schism, path.relative_to(ROOT), out, [images]).returncode == 0
    second = {p.name: p.read_bytes() for p in (out / "gen").iterdir()}
    assert first == second, "output is not deterministic"
    assert (out / "phidias.elf").exists()


def test_arm64_image_header_sets_load_address(schism, images, tmp_path):
    scen = tmp_path / "img.xml"
    scen.write_text("""<?xml version="1.0"?>
<scenario name="img" platform="qemu-virt">
  <vm name="linux"><vcpu pcpu="0"/><memory size="64M"/><kernel file="Image"/></vm>
</scenario>
""")
    out = tmp_path / "o"
    r = run(schism, scen, out, [images])
    assert r.returncode == 0, r.stderr
    cfg = (out / "gen" / "config.c").read_text()
    assert ".entry = 0x40080000ull" in cfg
    assert ".dst_ipa = 0x40080000ull" in cfg


def test_missing_dtc_is_reported(schism, images, tmp_path):
    env = dict(os.environ, SCHISM_DTC=str(tmp_path / "no-such-dtc"))
    out = tmp_path / "o"
    r = run(schism, GOOD[0].relative_to(ROOT), out, [images], env=env)
    assert r.returncode == 1
    assert "cannot run" in r.stderr and "device-tree-compiler" in r.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_scenario_hash_covers_scenario_and_platform(schism, images, tmp_path):
    path = GOOD[0]
    out = tmp_path / "o"
    assert run(schism, path.relative_to(ROOT), out, [images]).returncode == 0
    h = 0xcbf29ce484222325
    for b in path.read_bytes() + (ROOT / "config/platforms/qemu-virt.xml").read_bytes():
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    gen_h = (out / "gen" / "phidias_gen.h").read_text()
    assert f"#define PHIDIAS_SCENARIO_HASH 0x{h:016x}ull" in gen_h
