# SPDX-License-Identifier: Apache-2.0
"""The bootloader path of a real board, on QEMU: Debian's U-Boot for QEMU
(u-boot-qemu, qemu_arm64/u-boot.bin) starts at EL2 with -M
virt,virtualization=on and enters phidias.bin with `booti`, as U-Boot does
on the HiKey (docs/hikey.md).  The scenario then runs exactly as under
-kernel.  Also the console UART: -kernel leaves QEMU's PL011 at its reset
state (UARTCR.UARTEN clear), so the hypervisor programs it itself; U-Boot
hands it over enabled, and the hypervisor keeps it as it is.
"""
import os
import re
import subprocess
import time

import pytest

from phidias_qemu import (REPO, _make_env, ensure_built, image_path, load_scenario,
                          machine_args)
from test_boot import expect_every_vm

UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
UART_PROGRAMMED = r"^console UART programmed: 115200 baud 8N1 from a 24000000 Hz clock$"

pytestmark = pytest.mark.skipif(not os.path.exists(UBOOT),
                                reason=f"{UBOOT} missing: make deps installs u-boot-qemu")


def run_uboot_argv(scenario):
    """The QEMU command `make run-uboot SCENARIO=<s>` runs (from make -n),
    its boot disk made first."""
    ensure_built(scenario)
    make = ["make", "-s", "--no-print-directory"]
    subprocess.run(make + [f"build/{scenario}/uboot-disk.img"], cwd=REPO,
                   env=_make_env(), check=True)
    out = subprocess.run(make + ["-n", "run-uboot", f"SCENARIO={scenario}"], cwd=REPO,
                         env=_make_env(), capture_output=True, text=True,
                         check=True).stdout
    cmd = out.replace("\\\n", " ")
    (line,) = [l for l in cmd.splitlines() if l.strip().startswith("qemu-system-aarch64")]
    return ["bash", "-c", "exec " + line.strip()]


def wait_text(qemu, pattern, timeout=90):
    """Wait for U-Boot's output (untagged, a prompt has no newline yet)."""
    regex = re.compile(pattern)
    deadline = time.monotonic() + timeout
    seen = 0
    while True:
        for line in qemu.lines(since=seen):
            if line.tag is None and regex.search(line.text):
                return
        seen = len(qemu.lines())
        if regex.search(qemu._partial.decode("utf-8", "replace")):
            return
        assert time.monotonic() < deadline and not qemu._eof, \
            f"no /{pattern}/ from U-Boot\n{qemu.tail()}"
        qemu._pump(1.0)


def uboot_command(qemu, command):
    wait_text(qemu, r"^=> $")
    qemu._partial = b""         # the prompt, consumed
    qemu.type(command + "\r")


@pytest.mark.parametrize("name", ["two-cpus", "mixed"])
def test_make_run_uboot_boots_every_vm_through_booti(start, name):
    """U-Boot's autoboot (distro boot) finds extlinux.conf on the boot
    disk, loads the image to $kernel_addr_r and runs booti; then every VM
    prints, tagged."""
    qemu = start(argv=run_uboot_argv(name))
    wait_text(qemu, r"^Found /extlinux/extlinux.conf$")
    wait_text(qemu, r"^Retrieving file: /phidias.bin$")
    wait_text(qemu, r"^Starting kernel \.\.\.$")
    expect_every_vm(qemu, load_scenario(name))
    assert not [l for l in qemu.lines("phidias") if re.search(UART_PROGRAMMED, l.text)], \
        "the UART U-Boot had set up was reprogrammed"


def test_booti_from_a_disk_image_with_typed_commands(start, tmp_path):
    """What a user types on a board: read the image from a block device to
    $kernel_addr_r (above the link address, overlapping the image's own
    destination), then booti with U-Boot's device tree."""
    name = "two-cpus"
    image = ensure_built(name)
    disk = tmp_path / "boot.img"
    data = open(image, "rb").read()
    disk.write_bytes(data + b"\0" * (-len(data) % 512))
    blocks = os.path.getsize(disk) // 512
    qemu = start(argv=["qemu-system-aarch64"] + machine_args(name) + [
        "-nographic", "-nic", "none", "-bios", UBOOT,
        "-drive", f"if=none,file={disk},format=raw,id=boot",
        "-device", "virtio-blk-device,drive=boot"])
    wait_text(qemu, r"Hit any key to stop autoboot")
    qemu.send(" ")
    uboot_command(qemu, "virtio read ${kernel_addr_r} 0 %x" % blocks)
    wait_text(qemu, rf"{blocks} blocks read: OK")
    uboot_command(qemu, "booti ${kernel_addr_r} - ${fdtcontroladdr}")
    wait_text(qemu, r"^Starting kernel \.\.\.$")
    expect_every_vm(qemu, load_scenario(name))
    assert not [l for l in qemu.lines("phidias") if re.search(UART_PROGRAMMED, l.text)]


def test_hypervisor_programs_a_uart_left_at_reset(start):
    """Under -kernel nothing touches the PL011 before the hypervisor: it
    finds UARTEN clear, programs divisor, 8N1 and enable from the
    platform's clock, and everything after that reaches the console."""
    scenario = load_scenario("two-cpus")
    qemu = start(argv=["qemu-system-aarch64"] + machine_args("two-cpus")
                 + ["-nographic", "-kernel", image_path("two-cpus")])
    qemu.expect("phidias", r"^Phidias booting scenario 'two-cpus'")
    qemu.expect("phidias", UART_PROGRAMMED)
    qemu.expect_each([vm.name for vm in scenario.vms], lambda n: r".")


def test_image_entered_at_el1_says_so_and_stops(start):
    """A bootloader that drops to EL1 (QEMU without virtualization=on does)
    gets one clear line on the console instead of silence, and no VM runs."""
    machine = [a.replace(",virtualization=on", "") for a in machine_args("hello")]
    qemu = start(argv=["qemu-system-aarch64"] + machine
                 + ["-nographic", "-kernel", image_path("hello")])
    qemu.wait_for(lambda l: "phidias: not entered at EL2; the bootloader must start "
                  "the image at EL2" in l.text, "the EL1 message")
    qemu.drain(1.0)
    assert not [l for l in qemu.lines() if l.tag], qemu.tail()
