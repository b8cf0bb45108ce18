# SPDX-License-Identifier: Apache-2.0
"""The system-test harness and the scenario files, checked on the host.

These run without a hypervisor image: the harness against small shell
commands and a bare QEMU, the trace analysis against made-up traces (a
good one must pass, broken ones must fail), and the scenarios in
scenarios/ against the rules docs/scenario.md states for them ("Scenarios
in scenarios/"), nothing more.
"""

import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from phidias_qemu import (ESCAPE, REPO, Line, Qemu, guest_names, load_scenario,
                          parse_duration_us, parse_size, scenario_names)
from ticks import Tick, bursts, progress_problems, slice_problems

NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")  # docs/scenario.md, "Value syntax"


def platform_cpus(platform):
    root = ET.parse(os.path.join(REPO, "config", "platforms", platform + ".xml")).getroot()
    return len(root.findall("cpus/cpu"))


# -- scenarios -----------------------------------------------------------------


def test_the_five_issue_scenarios_exist():
    assert {"hello", "rr", "two-cpus", "isolation", "console"} <= set(scenario_names())


def test_guest_names_come_from_the_build():
    with open(os.path.join(REPO, "guests", "baremetal", "guests.mk")) as f:
        listed = re.search(r"^BAREMETAL_GUESTS := (.*)$", f.read(), re.M).group(1).split()
    assert guest_names() == set(listed) | {"Image"}


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_follows_the_rules_for_shipped_scenarios(name):
    """docs/scenario.md: the general rules (names, vCPU pins, memory size)
    and those of "Scenarios in scenarios/" (name = file name, a description
    comment, every VM with a <uart/>, images the build makes)."""
    s = load_scenario(name)
    assert s.name == name, "the scenario's name must be its file name"
    root = ET.parse(s.path).getroot()
    assert 1 <= s.cpus <= platform_cpus(root.get("platform"))
    names = [vm.name for vm in s.vms]
    assert len(set(names)) == len(names), "VM names must be unique"
    for vm, el in zip(s.vms, root.findall("vm")):
        assert NAME.fullmatch(vm.name), f"VM name {vm.name!r}"
        assert vm.guest in guest_names(), f"VM {vm.name}: {vm.guest} is not built by make"
        assert vm.pcpus and all(0 <= p < s.cpus for p in vm.pcpus)
        assert vm.memory >= 128 << 10 and vm.memory % 4096 == 0
        assert el.find("uart") is not None, f"VM {vm.name} has no <uart/>: the tests read every VM"
    with open(s.path) as f:
        comments = [c for c in re.findall(r"<!--(.*?)-->", f.read(), re.S)
                    if "SPDX-License-Identifier" not in c]
    assert comments and comments[0].strip(), "no description comment (make list shows it)"


def test_two_cpus_uses_both_cpus_and_shares_one():
    s = load_scenario("two-cpus")
    used = [p for vm in s.vms for p in vm.pcpus]
    assert s.cpus == 2 and set(used) == {0, 1}
    assert any(used.count(p) >= 2 for p in set(used))


@pytest.mark.parametrize("name", scenario_names(r"isolation(-.*)?"))
def test_isolation_crash_shares_a_cpu_with_a_ticker(name):
    s = load_scenario(name)
    (crash,) = s.vms_running("crash")
    assert any(set(vm.pcpus) & set(crash.pcpus) for vm in s.vms_running("ticker"))


def test_sizes_and_durations_parse():
    assert parse_size("16M") == 16 << 20 and parse_size("0x1000") == 4096
    assert parse_duration_us("10ms") == 10000 and parse_duration_us("250us") == 250


# -- console reading -------------------------------------------------------------


def test_lines_are_split_by_tag_and_exit_status_is_kept():
    script = r"printf '[phidias] up\r\n[alpha] tick 1 cnt=5 freq=10\r\nqemu says\r\n[beta] no newline'; exit 3"
    with Qemu(["sh", "-c", script]) as q:
        q.expect("phidias", r"^up$")
        assert q.expect("alpha", r"tick (\d+)")[1] == "1"
        assert q.expect("beta", r"^no newline$")
        assert q.wait_exit() == 3
        assert [(line.tag, line.text) for line in q.lines()] == [
            ("phidias", "up"), ("alpha", "tick 1 cnt=5 freq=10"),
            (None, "qemu says"), ("beta", "no newline")]


def test_expect_fails_with_the_console_tail_when_qemu_exits_early():
    with Qemu(["sh", "-c", "echo '[a] last words'"]) as q:
        with pytest.raises(AssertionError, match=r"(?s)QEMU exited.*last words"):
            q.expect("a", "never")


def test_expect_times_out_and_kill_stops_the_process():
    q = Qemu(["sh", "-c", "echo '[a] hi'; sleep 600"])
    with pytest.raises(AssertionError, match="timed out"):
        q.expect("a", "never", timeout=1)
    q.kill()
    assert not q.child.isalive()


def test_input_reaches_the_process():
    with Qemu(["sh", "-c", 'read x; echo "[t] got $x"']) as q:
        q.type("abc\r")
        q.expect("t", r"^got abc$")


@pytest.mark.skipif(not shutil.which("qemu-system-aarch64"), reason="no QEMU")
def test_qemu_passes_ctrl_backslash_to_the_guest():
    """The -nographic console must not turn 0x1c into SIGQUIT."""
    argv = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=2",
            "-cpu", "cortex-a57", "-m", "128", "-nographic"]
    with Qemu(argv) as q:
        q.send(b"\x01c")  # Ctrl-A c: to the monitor; its prompt shows QEMU is up
        q.wait_for(lambda line: True, "the QEMU monitor banner")
        q.send(b"\x01c" + ESCAPE + b"\x01x")  # back, Ctrl-\, then Ctrl-A x: quit
        assert q.wait_exit() == 0 and q.signalstatus is None


# -- trace analysis -------------------------------------------------------------


def make_trace(vms, slice_ticks, rounds, period=1000, gap_n=None):
    """A perfect round robin: each VM ticks slice_ticks times per slice."""
    ticks, n, cnt = [], {vm: 0 for vm in vms}, 0
    for _ in range(rounds):
        for vm in vms:
            for _ in range(slice_ticks):
                cnt += period
                n[vm] += 1
                ticks.append(Tick(vm, n[vm], cnt, 1000000, len(ticks)))
    if gap_n is not None:
        ticks = [t for t in ticks if not (t.vm == vms[0] and t.n == gap_n)]
    return ticks


VMS = ["a", "b", "c"]


def test_good_round_robin_trace_passes():
    ticks = make_trace(VMS, 10, 20)
    assert len(bursts(ticks)) == 60
    assert progress_problems(ticks, VMS, 200) == []
    assert slice_problems(ticks, VMS, 10000, 1000) == []


def test_tick_by_tick_alternation_fails_the_slice_check():
    assert slice_problems(make_trace(VMS, 1, 200), VMS, 10000, 1000)


def test_one_vm_hogging_the_cpu_fails():
    ticks = make_trace(VMS, 10, 20)
    last = ticks[-1]
    ticks += [Tick("a", last.n + i, last.cnt + 1000 * i, 1000000, len(ticks) + i)
              for i in range(1, 401)]
    assert any("unfair" in p for p in progress_problems(ticks, VMS, 200))


def test_slices_ten_times_too_long_fail():
    assert slice_problems(make_trace(VMS, 100, 10), VMS, 10000, 1000)


def test_a_lost_tick_fails_progress():
    problems = progress_problems(make_trace(VMS, 10, 20, gap_n=55), VMS, 100)
    assert problems and "tick 54 followed by tick 56" in problems[0]


def test_line_str_shows_the_tag():
    assert str(Line(0, "a", "x")) == "[a] x" and str(Line(0, None, "x")) == "x"


# -- images ---------------------------------------------------------------------


def test_an_image_older_than_a_source_is_made_again_once(tmp_path, monkeypatch):
    import phidias_qemu as h

    made = []
    image = tmp_path / "phidias.bin"
    image.write_bytes(b"")
    monkeypatch.setattr(h, "image_path", lambda s: str(image))
    monkeypatch.setattr(h, "make", lambda *a: made.append(a))
    monkeypatch.setattr(h, "_made", set())
    monkeypatch.setattr(h._newest_source, "cache", os.path.getmtime(image) - 10)
    h.ensure_built("hello")
    assert made == []                     # newer than every source: as it is
    h._newest_source.cache = os.path.getmtime(image) + 10
    h.ensure_built("hello")
    h.ensure_built("hello")
    assert made == [("SCENARIO=hello",)]  # an edit since: made, once per run
