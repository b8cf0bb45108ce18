# SPDX-License-Identifier: Apache-2.0
"""build/<s>/phidias.bin: its ARM64 Image header, and the configuration check.

The header is what QEMU -kernel, U-Boot booti and other loaders read
(Linux Documentation/arch/arm64/booting.rst); the configuration tables carry
a signature and the scenario's hash, and a hypervisor whose tables do not
match refuses to run (core/main.c, check_config).
"""

import os
import re
import shutil
import struct

import pytest

from phidias_qemu import BUILD, ensure_built, image_path, machine_args

SCENARIO = "hello"
SIGNATURE = b"PHIDCFG\0"


def gen_define(scenario, name):
    with open(os.path.join(BUILD, scenario, "gen", "phidias_gen.h")) as f:
        m = re.search(rf"^#define {name} (0x[0-9a-fA-F]+|\d+)", f.read(), re.M)
    assert m, f"{name} not in phidias_gen.h"
    return int(m.group(1), 0)


def test_image_has_a_valid_arm64_image_header():
    image = ensure_built(SCENARIO)
    data = open(image, "rb").read()
    code0, _code1, text_offset, image_size, flags = struct.unpack_from("<IIQQQ", data, 0)
    (magic,) = struct.unpack_from("<I", data, 56)
    assert magic == 0x644d5241, f"magic 0x{magic:08x} at offset 56, want 'ARM\\x64'"
    # code0 is an unconditional branch (B imm26) forward, over the header.
    assert code0 >> 26 == 0b000101, f"code0 0x{code0:08x} is not a branch"
    assert 0 < (code0 & 0x3ffffff) * 4 < len(data), f"code0 0x{code0:08x} branches outside"
    hyp, ram = gen_define(SCENARIO, "PHIDIAS_HYP_BASE"), gen_define(SCENARIO, "PHIDIAS_RAM_BASE")
    assert text_offset == hyp - ram, \
        f"text_offset 0x{text_offset:x}, link base - RAM base is 0x{hyp - ram:x}"
    assert image_size >= len(data), f"image_size {image_size} < file size {len(data)}"
    assert flags & 1 == 0, "flags bit 0: the image is little-endian"
    assert flags & (1 << 3), "flags bit 3: the image may be placed anywhere in RAM"


def corrupted_copy(tmp_path, corrupt):
    """A copy of build/hello/phidias.bin with the configuration table's
    signature (followed, 16 bytes on, by the scenario hash) changed by corrupt()."""
    image = ensure_built(SCENARIO)
    data = bytearray(open(image, "rb").read())
    scenario_hash = struct.pack("<Q", gen_define(SCENARIO, "PHIDIAS_SCENARIO_HASH"))
    tables = [m.start() for m in re.finditer(re.escape(SIGNATURE), data)
              if data[m.start() + 16:m.start() + 24] == scenario_hash]
    assert len(tables) == 1, f"configuration table found {len(tables)} times"
    corrupt(data, tables[0])
    copy = tmp_path / "phidias.bin"
    copy.write_bytes(bytes(data))
    return str(copy)


@pytest.mark.parametrize("what,message", [
    ("signature", r"^configuration tables have no valid signature$"),
    ("scenario-hash", r"^configuration tables belong to another build$"),
])
def test_hypervisor_refuses_configuration_tables_that_do_not_match(start, tmp_path, what, message):
    def corrupt(data, at):
        if what == "signature":
            data[at:at + 7] = b"XHIDCFX"
        else:
            data[at + 16] ^= 0xff

    copy = corrupted_copy(tmp_path, corrupt)
    qemu = start(argv=["qemu-system-aarch64"] + machine_args(SCENARIO)
                 + ["-nographic", "-kernel", copy])
    qemu.expect("phidias", message)
    qemu.expect("phidias", r"panic")
    qemu.drain(0.5)
    assert not [line for line in qemu.lines() if line.tag not in ("phidias", None)], \
        f"a VM ran with corrupted tables\n{qemu.tail()}"
    # The machine stays halted; the fixture kills QEMU.
