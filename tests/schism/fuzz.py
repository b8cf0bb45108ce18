#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Mutation fuzzer for schism (docs/security.md, "How the limits are tested").

Takes the good scenarios (tests/schism/good/, scenarios/), mutates them the
way XML is structured - attribute values (numbers at the edges: 0, -1, +2,
" 1 ", 2^32, 2^64, wrapping sizes, hex where decimal is due), attribute
and element names (typos, unknown ones), elements dropped, duplicated many
times (vCPUs, caps, VMs), moved or renamed, DOCTYPEs and entities, plus
raw byte damage; one mutant in ten damages the platform files instead -
and runs schism (normally the ASan+UBSan build) on each.

For every mutant:
  - schism exits 0 or 1, within the time limit, with no sanitizer report;
  - every line it prints is "<mutant>:<line>: error|warning: ..." or its
    "schism: ..." summary;
  - rejected: every error line has a line inside the file, and nothing was
    written;
  - accepted: dtc decompiles every VM's device tree, and the physical memory
    map (memmap.txt) has no two regions that overlap - so no two VMs, and no
    VM and the hypervisor, share memory.
Failing mutants are kept in --failures with schism's output. Prints the seed
and the counts; exit status 1 if any mutant failed.

  fuzz.py --schism build/host/asan/schism --time 60 --seed 1
"""
import argparse
import copy
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

NUMBERS = ["0", "1", "-1", "+2", " 1 ", "-0", "0x2", "2", "3", "4", "7", "8",
           "9", "15", "16", "31", "32", "33", "127", "128", "255", "256",
           "1019", "1020", "4294967295", "4294967296", "18446744073709551615",
           "18446744073709551616", "99999999999999999999999", "0x0",
           "0xffffffffffffffff", "0xfffffffffffff000", "0x40000000",
           "0x40000001", "0x7fffffff", "0x80000000", "0x8000000000",
           "0x7fffffffff", "0x9000000", "0x8000000", "0x8010000", "1K", "4K",
           "64K", "128K", "2M", "16M", "1G", "2G", "512G", "0x10M", "16Q",
           "", " ", "1 2", "0x", "x1", "1.5", "1e3", "10ms", "100us", "1s",
           "50us", "0ms"]
WORDS = ["ipc", " ipc ", "IPC", "mem", "rw", "ro", " ro", "hvc", "smc",
         "rtc", "gpio", "uart2", "alpha", "beta", "linux1", "nobody", "a" * 17,
         "A", "x y", "..", "../../etc/passwd", "/etc/hostname", ".",
         "hello.bin", "ticker.bin", "Image", "nosuch.bin", "sub/hello.bin",
         "a*b", "q??/", "qemu-virt", "hikey", "raspi9", ""]
ELEMENTS = ["vcpu", "memory", "kernel", "initrd", "psci", "device", "shmem",
            "bootargs", "uart", "cap", "vm", "hypervisor", "memroy", "link",
            "disk"]
DOCTYPES = ['<!DOCTYPE scenario [ <!ENTITY a "x"> ]>\n',
            '<!DOCTYPE scenario [ <!ATTLIST shmem access CDATA "rw"> ]>\n',
            '<!DOCTYPE scenario SYSTEM "file:///etc/passwd">\n',
            '<!DOCTYPE scenario [ <!ENTITY x SYSTEM "file:///etc/hostname"> ]>\n']


def images_for(corpus, d):
    """Dummy images for every file= the corpus names; an ARM64 Image."""
    names = {"hello.bin", "ticker.bin", "echo.bin", "crash.bin"}
    for text in corpus:
        names.update(re.findall(r'file="([^"]*)"', text))
    for n in names:
        if "/" in n or n.startswith("."):
            continue
        p = d / n
        if n == "Image":
            hdr = bytearray(64)
            hdr[8:16] = (0x80000).to_bytes(8, "little")
            hdr[16:24] = (0x200000).to_bytes(8, "little")
            hdr[56:60] = b"ARM\x64"
            p.write_bytes(bytes(hdr) + b"\0" * 8192)
        else:
            p.write_bytes(os.urandom(4096 + len(n) * 100))
    (d / "sub").mkdir(exist_ok=True)
    (d / "sub" / "hello.bin").write_bytes(b"\1" * 5000)


def elements(root):
    return [e for e in root.iter()]


def mutate_tree(rng, root):
    all_el = elements(root)
    op = rng.randrange(10)
    e = rng.choice(all_el)
    if op <= 2 and e.attrib:                      # attribute value
        k = rng.choice(list(e.attrib))
        e.set(k, rng.choice(NUMBERS if rng.random() < 0.6 else WORDS))
    elif op == 3 and e.attrib:                    # attribute name
        k = rng.choice(list(e.attrib))
        v = e.attrib.pop(k)
        if rng.random() < 0.5 and len(k) > 2:     # a typo
            i = rng.randrange(len(k) - 1)
            k = k[:i] + k[i + 1] + k[i] + k[i + 2:]
        else:
            k = rng.choice(["base", "size", "pcpu", "cpus", "file", "load",
                            "entry", "param", "ref", "access", "name", "x"])
        e.set(k, v)
    elif op == 4 and e is not root:               # drop an element
        parent = next(p for p in all_el if e in list(p))
        parent.remove(e)
    elif op in (5, 6) and e is not root:          # duplicate, maybe many times
        parent = next(p for p in all_el if e in list(p))
        n = rng.choice([1, 1, 2, 7, 8, 9, 16, 64, 255, 256])
        i = list(parent).index(e)
        for j in range(n):
            c = copy.deepcopy(e)
            if c.get("name") and rng.random() < 0.95:
                c.set("name", f"{c.get('name')[:10]}{j}")
            parent.insert(i + 1, c)
    elif op == 7 and e is not root:               # rename an element
        e.tag = rng.choice(ELEMENTS)
    elif op == 8:                                 # move an element elsewhere
        if e is not root:
            parent = next(p for p in all_el if e in list(p))
            parent.remove(e)
            rng.choice([p for p in elements(root)]).append(e)
    else:                                         # element text
        e.text = rng.choice(["&amp;", "console=ttyAMA0", "x" * 1025,
                             "\u00e9\u4e2d", "a\nb", "]]>", ""])


def mutate(rng, text):
    """One mutant of a scenario's text."""
    r = rng.random()
    if r < 0.08:                                  # raw damage
        b = bytearray(text.encode())
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(b))
            b[i] = rng.choice(b"<>&\"'/= \n\0\xff" + bytes([rng.randrange(256)]))
        if rng.random() < 0.3:
            b = b[:rng.randrange(len(b))]
        return bytes(b)
    if r < 0.13:                                  # a DOCTYPE
        decl, _, rest = text.partition("?>")
        return (decl + "?>\n" + rng.choice(DOCTYPES) + rest).encode()
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return text.encode()
    for _ in range(rng.choice([1, 1, 1, 2, 3, 5])):
        mutate_tree(rng, root)
    out = ET.tostring(root, encoding="unicode")
    if rng.random() < 0.05:
        out = out.replace("&amp;", "&a;", 1)
    return ('<?xml version="1.0"?>\n' + out + "\n").encode()


def memmap_overlaps(memmap):
    """Pairs of overlapping regions in the physical table of memmap.txt."""
    regions = []
    for line in memmap.read_text().splitlines():
        if line.startswith("# Guest-physical"):
            break
        m = re.match(r"0x([0-9a-f]{16})  0x([0-9a-f]{16})\s+\S+(?: \S+)?  (.*)",
                     line)
        if m:
            regions.append((int(m.group(1), 16), int(m.group(2), 16),
                            m.group(3)))
    bad = []
    # blobs and padding lie inside the hypervisor's code budget region
    # rows are disjoint and sorted by construction; check it
    rows = sorted(regions)
    for a, b in zip(rows, rows[1:]):
        if b[0] <= a[1]:
            bad.append((a, b))
    ram = [r for r in regions if r[2].startswith("RAM of VM") or
           r[2].startswith("shared region")]
    if not ram and regions:
        bad.append(("no VM RAM listed", regions[:3]))
    return bad


def check_one(args, path, data, images, work, platforms=None):
    """Runs schism on one mutant; platforms: a folder with a mutated
    platform file (its errors may name it, with or without a line)."""
    out = work / "out"
    if out.exists():
        shutil.rmtree(out)
    path.write_bytes(data)
    env = dict(os.environ,
               ASAN_OPTIONS="abort_on_error=0:exitcode=99:detect_leaks=1",
               UBSAN_OPTIONS="halt_on_error=1:exitcode=98:print_stacktrace=1")
    cmd = [str(args.schism), "-I", str(images), "--platforms",
           str(platforms or ROOT / "config" / "platforms"), "--schema",
           str(ROOT / "config" / "scenario.xsd"), "--out", str(out), str(path)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           timeout=args.timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return "timeout", ""
    err = r.stderr
    if r.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err:
        return f"crash (exit {r.returncode})", err
    nlines = data.count(b"\n") + 1
    # every line schism prints is a diagnostic of this file or its summary
    plat_re = (re.escape(str(platforms)) + r"/[^:]*\.xml(:\d+)?: (error|warning): |"
               if platforms else "")
    line_re = re.compile(plat_re + re.escape(str(path)) +
                         r":\d+: (error|warning): |schism: ")
    for l in err.splitlines():
        if l and not line_re.match(l):
            return "stray output line", err
    if r.returncode == 1:
        errs = [l for l in err.splitlines() if ": error: " in l]
        if not errs:
            return "rejected without an error line", err
        for l in errs:
            if platforms and l.startswith(str(platforms) + "/"):
                continue        # checked by line_re above
            m = re.match(re.escape(str(path)) + r":(\d+): error: ", l)
            if not m or not 1 <= int(m.group(1)) <= nlines + 1:
                return "error without file:line", err
        if out.exists():
            return "output written despite errors", err
        return "rejected", err
    gen = out / "gen"
    for dtb in sorted(gen.glob("vm-*.dtb")):
        d = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", "-o",
                            os.devnull, str(dtb)], capture_output=True, text=True)
        if d.returncode:
            return f"dtc rejects {dtb.name}", d.stderr
    if not list(gen.glob("vm-*.dtb")):
        return "accepted without device trees", err
    bad = memmap_overlaps(out / "memmap.txt")
    if bad:
        return "memory overlaps", repr(bad)
    return "accepted", err


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schism", required=True, type=Path)
    ap.add_argument("--time", type=float, default=60, help="seconds to run")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--max", type=int, default=0, help="stop after N mutants")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--failures", type=Path, default=None)
    args = ap.parse_args()

    corpus_paths = sorted((ROOT / "tests" / "schism" / "good").glob("*.xml")) + \
        sorted((ROOT / "scenarios").glob("*.xml"))
    corpus = [p.read_text() for p in corpus_paths]
    rng = random.Random(args.seed)
    print(f"fuzz: seed {args.seed}, {len(corpus)} seed scenarios, "
          f"{args.time:g} s, {args.schism}", flush=True)
    counts = {}
    failures = 0
    with tempfile.TemporaryDirectory(prefix="schism-fuzz-") as tmp:
        tmp = Path(tmp)
        images = tmp / "images"
        images.mkdir()
        images_for(corpus, images)
        path = tmp / "mutant.xml"
        end = time.monotonic() + args.time
        n = 0
        while time.monotonic() < end and (not args.max or n < args.max):
            src = rng.randrange(len(corpus))
            data = mutate(rng, corpus[src])
            plats = None
            if rng.random() < 0.1:      # the platform file instead
                data = corpus[src].encode()
                plats = tmp / "platforms"
                shutil.rmtree(plats, ignore_errors=True)
                shutil.copytree(ROOT / "config" / "platforms", plats)
                for pf in plats.glob("*.xml"):
                    pf.write_bytes(mutate(rng, pf.read_text()))
            verdict, detail = check_one(args, path, data, images, tmp, plats)
            n += 1
            counts[verdict] = counts.get(verdict, 0) + 1
            if verdict not in ("accepted", "rejected"):
                failures += 1
                print(f"FAIL #{n} ({corpus_paths[src].name}): {verdict}\n"
                      f"{detail[:2000]}", flush=True)
                if args.failures:
                    args.failures.mkdir(parents=True, exist_ok=True)
                    (args.failures / f"{args.seed}-{n}.xml").write_bytes(data)
                    (args.failures / f"{args.seed}-{n}.txt").write_text(
                        f"{verdict}\n{detail}")
    print(f"fuzz: seed {args.seed}: {n} mutants: " +
          ", ".join(f"{v} {c}" for v, c in sorted(counts.items())), flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
