#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write a directory tree as a "newc" cpio archive, the format Linux unpacks as
initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).

The archive is reproducible: entries sorted by path, owner root:root, every mtime
SOURCE_DATE_EPOCH (default 0), inode numbers in order, and with --gzip a gzip
header without name or time. Device nodes are added from --node specs, so no
mknod (and no root) is needed.

    mkcpio.py --root DIR [--node "/dev/console c 5 1 0600"]... [--gzip] -o OUT
"""

import argparse
import gzip
import os
import stat
import sys

MAGIC = b"070701"


def header(ino, mode, nlink, mtime, size, rdev, name):
    """One newc header plus the NUL-terminated name, padded to 4 bytes."""
    name_b = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0,
              os.major(rdev), os.minor(rdev), len(name_b), 0]
    hdr = MAGIC + b"".join(b"%08X" % f for f in fields) + name_b
    return hdr + b"\0" * (-len(hdr) % 4)


def pad(data):
    return data + b"\0" * (-len(data) % 4)


def parse_node(spec):
    """"/dev/console c 5 1 0600" -> (name, mode, rdev)"""
    try:
        path, kind, major, minor, perm = spec.split()
        kinds = {"c": stat.S_IFCHR, "b": stat.S_IFBLK}
        return (path.lstrip("/"), kinds[kind] | int(perm, 8),
                os.makedev(int(major), int(minor)))
    except (ValueError, KeyError):
        sys.exit(f"mkcpio: bad --node '{spec}' (want: PATH c|b MAJOR MINOR MODE)")


def entries(root, nodes):
    """(name, mode, rdev, data) for every path under root and every node, sorted."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for n in dirnames + filenames:
            full = os.path.join(dirpath, n)
            name = os.path.relpath(full, root)
            st = os.lstat(full)
            mode = stat.S_IFMT(st.st_mode) | stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(full).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(full, "rb") as f:
                    data = f.read()
            elif stat.S_ISDIR(st.st_mode):
                data = b""
            else:
                sys.exit(f"mkcpio: {full}: only files, directories and symlinks; "
                         "add device nodes with --node")
            out[name] = (mode, 0, data)
    for spec in nodes:
        name, mode, rdev = parse_node(spec)
        out[name] = (mode, rdev, b"")
    # A directory sorts before its contents, so the kernel can create them in order.
    return [(n,) + out[n] for n in sorted(out, key=lambda n: n.split("/"))]


def build(root, nodes, mtime):
    chunks = []
    for ino, (name, mode, rdev, data) in enumerate(entries(root, nodes), start=1):
        nlink = 2 if stat.S_ISDIR(mode) else 1
        chunks.append(header(ino, mode, nlink, mtime, len(data), rdev, name))
        chunks.append(pad(data))
    chunks.append(header(0, 0, 1, 0, 0, 0, "TRAILER!!!"))
    return b"".join(chunks)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True, help="directory that becomes /")
    ap.add_argument("--node", action="append", default=[],
                    help='device node: "PATH c|b MAJOR MINOR MODE"')
    ap.add_argument("--gzip", action="store_true", help="gzip the archive")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    if not os.path.isdir(args.root):
        sys.exit(f"mkcpio: {args.root}: not a directory")
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    data = build(args.root, args.node, mtime)
    with open(args.output, "wb") as f:
        if args.gzip:
            with gzip.GzipFile(filename="", mode="wb", fileobj=f,
                               compresslevel=9, mtime=0) as gz:
                gz.write(data)
        else:
            f.write(data)


if __name__ == "__main__":
    main()
