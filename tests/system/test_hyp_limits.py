# SPDX-License-Identifier: Apache-2.0
"""The hypervisor's own guard on architectural limits (no QEMU needed).

schism rejects a scenario beyond the limits of core/include/phidias/config.h;
the hypervisor asserts them again where it relies on them, so generated
tables from a schism that let one through do not build.  These tests compile
the hypervisor files that rely on a limit against a made-up phidias_gen.h.
"""

import os
import subprocess

import pytest

from phidias_qemu import REPO

CROSS_GCC = "aarch64-linux-gnu-gcc"


def _compile(tmp_path, source, pcpus, vms, vcpus):
    gen = tmp_path / "gen"
    gen.mkdir(exist_ok=True)
    (gen / "phidias_gen.h").write_text(
        "#define PHIDIAS_NR_PCPUS %d\n#define PHIDIAS_NR_VMS %d\n"
        "#define PHIDIAS_NR_VCPUS %d\n#define PHIDIAS_TIMESLICE_US 10000\n"
        "#define PHIDIAS_SCENARIO_HASH 0ull\n" % (pcpus, vms, vcpus))
    isystem = subprocess.run([CROSS_GCC, "-print-file-name=include"],
                             capture_output=True, text=True, check=True).stdout.strip()
    cmd = [CROSS_GCC, "-std=c11", "-ffreestanding", "-nostdinc", "-isystem", isystem,
           "-mgeneral-regs-only", "-fsyntax-only", "-Wall", "-Werror",
           "-Icore/include", "-Iarch/arm64/include", "-Idrivers/include",
           "-Iemul/include", "-I" + str(gen), source]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)


@pytest.mark.parametrize("source", ["emul/vgic.c", "core/vm.c", "core/xcore.c"])
def test_within_limits_builds(tmp_path, source):
    r = _compile(tmp_path, source, pcpus=8, vms=2, vcpus=16)
    assert r.returncode == 0, r.stderr


def test_vm_with_nine_vcpus_does_not_build(tmp_path):
    """The vGIC's per-vCPU masks are 8 bits (GICD_SGIR, GICD_ITARGETSR)."""
    r = _compile(tmp_path, "emul/vgic.c", pcpus=4, vms=1, vcpus=9)
    assert r.returncode != 0
    assert "more vCPUs than a GICv2 has CPU interfaces" in r.stderr


def test_nine_pcpus_do_not_build(tmp_path):
    r = _compile(tmp_path, "core/xcore.c", pcpus=9, vms=1, vcpus=1)
    assert r.returncode != 0
    assert "more physical CPUs than GICv2 can signal" in r.stderr


def test_256_vms_do_not_build(tmp_path):
    r = _compile(tmp_path, "core/vm.c", pcpus=1, vms=256, vcpus=256)
    assert r.returncode != 0
    assert "more VMs than 8-bit VMIDs" in r.stderr
