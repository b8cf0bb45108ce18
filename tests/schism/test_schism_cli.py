# SPDX-License-Identifier: Apache-2.0
"""schism as a user meets it and as an adversary feeds it (issues 10, 11):
command line (--help, --version, unknown options, --check, default
--platforms/--schema), all-or-nothing output (rollback, no parent folders
before success), limits that need their own platform file, paths that are
directories or hold comment-breaking characters, and integer forms the
schema allows. Bad scenarios with one file each live in tests/schism/bad/.
Run: /usr/bin/python3 -m pytest tests/schism/test_schism_cli.py
"""
import shutil
import subprocess

import pytest

from test_bad_scenarios import ROOT, images, run, schism  # noqa: F401

GOOD = ROOT / "tests" / "schism" / "good"
BAD = ROOT / "tests" / "schism" / "bad"


def cli(schism, *args, cwd=ROOT):
    return subprocess.run([str(schism), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def test_help_and_version(schism):
    r = cli(schism, "--help")
    assert r.returncode == 0 and "--check" in r.stdout and "--out" in r.stdout
    r = cli(schism, "--version")
    assert r.returncode == 0 and r.stdout.startswith("schism (Phidias) ")
    assert "configuration format" in r.stdout and r.stderr == ""


@pytest.mark.parametrize("opt,expect", [
    ("--foo", "unknown option '--foo'; see 'schism --help'"),
    ("--vesion", "unknown option '--vesion' (did you mean '--version'?)"),
    ("--chek", "did you mean '--check'?"),
])
def test_unknown_option_is_named(schism, opt, expect):
    r = cli(schism, opt)
    assert r.returncode == 1
    assert expect in r.stderr, r.stderr
    assert "needs an argument" not in r.stderr


def test_option_without_value(schism):
    r = cli(schism, "x.xml", "--out")
    assert r.returncode == 1 and "option --out needs an argument" in r.stderr


def test_out_or_check_required(schism):
    r = cli(schism, GOOD / "minimal.xml")
    assert r.returncode == 1 and "--check" in r.stderr


def test_defaults_find_the_source_tree_config(schism, images, tmp_path):
    # no --platforms/--schema, run from another folder
    out = tmp_path / "o"
    r = cli(schism, "-I", images, "--out", out, GOOD / "two-vms.xml",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (out / "gen" / "config.c").is_file()


def test_defaults_of_an_installed_schism(schism, images, tmp_path):
    prefix = tmp_path / "usr"
    (prefix / "bin").mkdir(parents=True)
    shutil.copy(schism, prefix / "bin" / "schism")
    r = cli(prefix / "bin" / "schism", "--check", "-I", images,
            GOOD / "minimal.xml", cwd=tmp_path)
    assert r.returncode == 1 and "cannot find this installation's config/" in r.stderr
    shutil.copytree(ROOT / "config", prefix / "share" / "phidias" / "config")
    r = cli(prefix / "bin" / "schism", "--check", "-I", images,
            GOOD / "minimal.xml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr


def test_check_writes_nothing(schism, images, tmp_path):
    r = cli(schism, "--check", "-I", images, GOOD / "two-vms.xml",
            cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(": ok")
    assert list(tmp_path.iterdir()) == []


def test_check_finds_what_only_emitting_finds(schism, images, tmp_path):
    # a device tree overflow is found by dtc, after every other pass
    r = cli(schism, "--check", "-I", images, BAD / "dtb-overflow-caps.xml",
            cwd=tmp_path)
    assert r.returncode == 1
    assert "mostly /phidias/capabilities" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_failed_output_creates_no_parent_folders(schism, images, tmp_path):
    out = tmp_path / "a" / "b" / "out"
    r = run(schism, BAD / "dtb-overflow-caps.xml", out, [images])
    assert r.returncode == 1 and "does not fit in 65536 bytes" in r.stderr
    assert list(tmp_path.iterdir()) == [], "created before all checks passed"


def test_successful_output_creates_parent_folders(schism, images, tmp_path):
    out = tmp_path / "a" / "b" / "out"
    r = run(schism, GOOD / "two-vms.xml", out, [images])
    assert r.returncode == 0, r.stderr
    assert (out / "memmap.txt").is_file()
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["out"]


def test_failed_commit_rolls_back(schism, images, tmp_path):
    out = tmp_path / "out"
    assert run(schism, GOOD / "minimal.xml", out, [images]).returncode == 0
    before = {p.name: p.read_bytes() for p in (out / "gen").iterdir()}
    (out / "memmap.txt").unlink()
    (out / "memmap.txt").mkdir()      # renaming the new map over it fails
    (out / "memmap.txt" / "keep").write_text("mine")
    r = run(schism, GOOD / "two-vms.xml", out, [images])
    assert r.returncode == 1
    assert "cannot move the memory map into place" in r.stderr
    after = {p.name: p.read_bytes() for p in (out / "gen").iterdir()}
    assert after == before, "gen/ not restored"
    assert (out / "memmap.txt" / "keep").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_scenario_path_that_is_a_directory(schism, tmp_path):
    r = run(schism, tmp_path, tmp_path / "o", [])
    assert r.returncode == 1
    assert f"{tmp_path}: error: '{tmp_path}' is a directory" in r.stderr


@pytest.mark.parametrize("dirname", ["x*", "new\nline", "q??/", "back\\slash"])
def test_scenario_path_cannot_break_generated_files(schism, images, tmp_path,
                                                    dirname):
    d = tmp_path / dirname
    d.mkdir()
    scen = d / "s.xml"
    shutil.copy(GOOD / "two-vms.xml", scen)
    out = tmp_path / "o"
    r = run(schism, scen, out, [images])
    assert r.returncode == 0, r.stderr     # dtc accepted the DTS comments
    gen = out / "gen"
    for c in ["config.c", "pagetables.c"]:
        subprocess.run(["gcc", "-std=c11", "-fsyntax-only", "-Wall", "-Werror",
                        "-I", str(ROOT / "core" / "include"), "-I", str(gen),
                        str(gen / c)], check=True)
    subprocess.run(["gcc", "-std=c11", "-E", "-D__ASSEMBLER__", "-I", str(gen),
                    "-o", "/dev/null", str(gen / "blobs.S")], check=True)
    first = (gen / "config.c").read_text().splitlines()[0]
    assert "\n" not in dirname or "new\\x0aline" in first


def private_platforms(tmp_path, **repl):
    d = tmp_path / "platforms"
    shutil.copytree(ROOT / "config" / "platforms", d)
    p = d / "qemu-virt.xml"
    text = p.read_text()
    for a, b in repl.items():
        text = text.replace(a, b)
    p.write_text(text)
    return d


def test_more_physical_cpus_than_the_gic_has_interfaces(schism, images, tmp_path):
    four = "".join(f'<cpu mpidr="0x{i:x}"/>' for i in range(4))
    sixteen = "".join(f'<cpu mpidr="0x{i >> 2:x}{i & 3:02x}"/>' for i in range(16))
    plats = private_platforms(tmp_path, **{four: sixteen})
    scen = tmp_path / "s.xml"
    scen.write_text("""<?xml version="1.0"?>
<scenario name="s" platform="qemu-virt">
  <hypervisor cpus="9"/>
  <vm name="a"><vcpu pcpu="8"/><memory size="4M"/><kernel file="hello.bin"/></vm>
</scenario>
""")
    r = subprocess.run([str(schism), "-I", str(images), "--platforms", str(plats),
                        "--schema", str(ROOT / "config" / "scenario.xsd"),
                        "--check", str(scen)], capture_output=True, text=True)
    assert r.returncode == 1
    assert (f"{scen}:3: error: the hypervisor would use 9 physical CPUs, but "
            "Phidias supports at most 8") in r.stderr, r.stderr
    # and the platform's default (all its CPUs) is checked the same way
    scen.write_text(scen.read_text().replace('<hypervisor cpus="9"/>', ""))
    r = subprocess.run([str(schism), "-I", str(images), "--platforms", str(plats),
                        "--schema", str(ROOT / "config" / "scenario.xsd"),
                        "--check", str(scen)], capture_output=True, text=True)
    assert "would use 16 physical CPUs" in r.stderr, r.stderr
    # beyond both: one message, with the lower bound
    scen.write_text(scen.read_text().replace('<vm name="a">',
                                             '<hypervisor cpus="20"/><vm name="a">'))
    r = subprocess.run([str(schism), "-I", str(images), "--platforms", str(plats),
                        "--schema", str(ROOT / "config" / "scenario.xsd"),
                        "--check", str(scen)], capture_output=True, text=True)
    assert "platform 'qemu-virt' has only 16 CPU(s); use at most 8" in r.stderr, r.stderr
    assert "would use" not in r.stderr


def test_integer_forms_are_read_as_the_schema_reads_them(schism, images, tmp_path):
    out = tmp_path / "o"
    r = run(schism, GOOD / "integer-forms.xml", out, [images])
    assert r.returncode == 0, r.stderr
    assert "#define PHIDIAS_NR_PCPUS 2\n" in (out / "gen" / "phidias_gen.h").read_text()
    cfg = (out / "gen" / "config.c").read_text()
    assert "{ .vm = 0, .index = 0, .pcpu = 1," in cfg
    assert "{ .vm = 0, .index = 1, .pcpu = 0," in cfg
    assert "{ .vm = 1, .index = 0, .pcpu = 1," in cfg
    assert "PHIDIAS_CAP_IPC" in cfg


def test_errors_of_every_pass_in_one_run_in_line_order(schism, images, tmp_path):
    r = run(schism, BAD / "newcomer-three-mistakes.xml", tmp_path / "o", [images])
    lines = [l for l in r.stderr.splitlines() if ": error: " in l]
    assert len(lines) == 3, r.stderr
    assert "pinned to physical CPU 5" in lines[0]
    assert "did you mean 'echo'?" in lines[1]
    assert "not enough RAM" in lines[2]
