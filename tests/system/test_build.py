# SPDX-License-Identifier: Apache-2.0
"""What `make` does for a user (README.md, docs/scenario.md, docs/baremetal.md).

A scenario and a bare-metal guest kept in a folder of their own, outside the
tree, build and boot the documented way; an unknown scenario is answered with
the list of those that exist; `make list` describes every scenario; the build
prints one short line per step (full commands with V=1); `make run` prints
the QEMU command it runs; identical guest images are embedded once.
"""

import os
import re
import shutil

import pytest

from phidias_qemu import (ALL_STOPPED, BUILD, POWERED_OFF, REPO, banner_of, ensure_built,
                          image_path, load_scenario, make, qemu_argv, scenario_names)

GUEST_SOURCE = r"""
#include <bm/bm.h>

/* Prints its VM's name and n= from the bootargs, then powers off. */
int main(const void *dtb)
{
	uint64_t n = 0;

	(void)dtb;
	if (bm_bootargs_get_u64(bm_bootargs(), "n", &n) < 0)
		n = 0;
	bm_printf("outsider in %s, n=%lu\n", bm_vm_name(), (unsigned long)n);
	return 0;
}
"""

SCENARIO = """<?xml version="1.0"?>
<!-- Outside the tree: a guest of its own and an image from IMAGE_PATH. -->
<scenario name="outside-tree" platform="qemu-virt">
  <hypervisor cpus="2"/>
  <vm name="own">
    <vcpu pcpu="0"/>
    <memory size="1M"/>
    <kernel file="outsider.bin"/>
    <bootargs>n=42</bootargs>
    <uart/>
  </vm>
  <vm name="borrowed">
    <vcpu pcpu="1"/>
    <memory size="2M"/>
    <kernel file="greeter.bin"/>
    <uart/>
  </vm>
</scenario>
"""

STEP = re.compile(r"^  [A-Z]+ +\S|^built build/\S+ \(memory map: build/\S+\)$")


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A folder outside the tree: outside-tree.xml, its guest outsider.c and
    images/greeter.bin (a copy of the hello guest under another name)."""
    ensure_built("hello")  # makes build/guests/hello.bin
    root = tmp_path_factory.mktemp("own")
    (root / "outsider.c").write_text(GUEST_SOURCE)
    (root / "images").mkdir()
    shutil.copy(os.path.join(BUILD, "guests", "hello.bin"), root / "images" / "greeter.bin")
    xml = root / "outside-tree.xml"
    xml.write_text(SCENARIO)
    variables = [f"SCENARIO={xml}", f"EXTRA_GUESTS={root / 'outsider.c'}",
                 f"IMAGE_PATH={root / 'images'}"]
    return root, xml, variables, make(*variables)


def test_a_scenario_and_a_guest_outside_the_tree_build_and_boot(start, outside):
    root, xml, _variables, _ = outside
    assert os.path.exists(image_path(str(xml))), "built into build/<file name>/"
    scenario = load_scenario(str(xml))
    qemu = start(argv=qemu_argv(str(xml)))
    qemu.expect("phidias", banner_of(scenario))
    qemu.expect_each(["own", "borrowed"], lambda vm: {
        "own": r"^outsider in own, n=42$", "borrowed": r"^Hello from borrowed!$"}[vm])
    for vm in ("own", "borrowed"):
        qemu.find(lambda line, v=vm: line.tag == "phidias" and
                  re.match(POWERED_OFF.format(vm=v), line.text), f"{vm} powered off")
    qemu.expect("phidias", ALL_STOPPED)
    assert qemu.wait_exit() == 0, qemu.tail()


def test_the_build_prints_one_short_line_per_step_and_everything_with_v1(outside):
    root, _xml, variables, first = outside
    lines = first.stdout.splitlines()
    assert any(line.startswith("  GUEST ") and "outsider" in line for line in lines), first.stdout
    assert any(line.startswith("  SCHISM ") for line in lines), first.stdout
    assert all(STEP.match(line) for line in lines), \
        "not a short step line:\n" + "\n".join(line for line in lines if not STEP.match(line))
    os.utime(root / "outsider.c")  # rebuild the guest, the tables and the image
    verbose = make(*variables, "V=1").stdout
    assert re.search(r"^aarch64-linux-gnu-gcc .*outsider\.c", verbose, re.M), verbose
    assert re.search(r"^build/host/schism .*-I \S*images .*outside-tree\.xml$", verbose, re.M), verbose
    assert not re.search(r"^  (GUEST|CC|SCHISM|LD) ", verbose, re.M), verbose


def test_an_unknown_scenario_gets_one_line_naming_those_that_exist():
    result = make("SCENARIO=linux-par", check=False)
    assert result.returncode != 0
    errors = [line for line in result.stdout.splitlines() if "linux-par" in line and "error" in line]
    assert len(errors) == 1, result.stdout
    assert all(re.search(rf"\b{re.escape(n)}\b", errors[0]) for n in scenario_names()), errors[0]
    assert "No rule to make target" not in result.stdout


def test_a_scenario_can_be_named_with_its_file_name():
    result = make("SCENARIO=hello.xml")
    assert os.path.exists(image_path("hello")), result.stdout


def test_make_list_describes_every_scenario():
    out = make("list").stdout.splitlines()
    listed = {line.split()[0]: line.split(None, 1)[1] for line in out if line.strip()}
    shipped = {os.path.splitext(f)[0] for f in os.listdir(os.path.join(REPO, "scenarios"))
               if f.endswith(".xml")}  # every one, QEMU's or a board's
    assert set(listed) == shipped, out
    with open(os.path.join(REPO, "scenarios", "rr.xml")) as f:
        assert listed["rr"].split()[0] in f.read()
    assert all(text != "(no description comment)" for text in listed.values()), out


def test_make_run_prints_its_qemu_command_and_the_keys_the_hypervisor_takes():
    result = make("run", "SCENARIO=hello")  # hello powers off: QEMU exits
    lines = result.stdout.splitlines()
    argv = " ".join(qemu_argv("hello")).replace(REPO + "/", "")
    assert argv in lines, result.stdout
    banner = next(line for line in lines if line.startswith("Booting 'hello'"))
    hyp = next(line for line in lines if "console input -> 'hello'" in line)
    keys = re.search(r"Ctrl-\\ then (\S+) or n", banner).group(1)
    assert re.search(rf"Ctrl-\\ then {re.escape(keys)} or n switches", hyp), (banner, hyp)


def test_identical_guest_images_are_embedded_once():
    """linux-pair's two VMs boot the same kernel and initramfs: its image is
    about as large as that of `linux` (one Linux VM), not twice."""
    pair = os.path.getsize(ensure_built("linux-pair"))
    single = os.path.getsize(ensure_built("linux"))
    kernel = os.path.getsize(os.path.join(BUILD, "guests", "linux", "Image"))
    assert pair < single + kernel // 4, f"linux-pair {pair} bytes, linux {single}, Image {kernel}"
    with open(os.path.join(BUILD, "linux-pair", "memmap.txt")) as f:
        memmap = f.read()
    assert re.search(r"blob: kernel 'Image' of VMs 'linux1', 'linux2'", memmap), memmap
