# SPDX-License-Identifier: Apache-2.0
"""scenarios/console.xml: typed input goes to the VM in focus, and only to it.

The checks barely need timing: an echo VM handles its input in order, so
once it has echoed the line typed to it last, it has echoed everything it
received before.  Typing to every VM in turn, and to the first one again at
the end, shows misrouted input without waiting for anything.
"""

import os
import re

import pytest

from phidias_qemu import FOCUS, PROMPT, REPO, booted, load_scenario


@pytest.fixture
def console(start):
    scenario = load_scenario("console")
    assert 2 <= len(scenario.vms) <= 9 and {vm.guest for vm in scenario.vms} == {"echo"}
    qemu = start("console")
    qemu.expect_each([vm.name for vm in scenario.vms], lambda _: r"^echo: ready$")
    return scenario, qemu


def focus(qemu, key, vm):
    qemu.focus(key)
    qemu.expect("phidias", FOCUS.format(vm=re.escape(vm.name)))


def type_line(qemu, vm, text):
    qemu.type(text + "\r")
    qemu.expect(vm.name, rf"^echo: got '{re.escape(text)}'$")


def echoed(qemu, vm):
    return [m[1] for line in qemu.lines(vm.name)
            if (m := re.match(r"^echo: got '(.*)'$", line.text))]


def test_typed_input_reaches_only_the_vm_in_focus(console):
    scenario, qemu = console
    vms = scenario.vms
    # Second VM first (the boot-time focus is presumably the first).
    order = vms[1:] + vms[:1] + vms[1:2]
    sent = {vm.name: [] for vm in vms}
    for i, vm in enumerate(order):
        text = f"hello-{vm.name}-{i}"
        focus(qemu, str(vm.position), vm)
        type_line(qemu, vm, text)
        sent[vm.name].append(text)
    qemu.drain(1.0)  # let a stray echo of the last line show up, if any
    for vm in vms:
        assert echoed(qemu, vm) == sent[vm.name], qemu.tail()


def test_escape_n_cycles_focus_through_all_vms(console):
    scenario, qemu = console
    vms = scenario.vms
    focus(qemu, "1", vms[0])
    for i in range(1, len(vms) + 1):  # one full round, back to the first
        vm = vms[i % len(vms)]
        focus(qemu, "n", vm)
        type_line(qemu, vm, f"cycled-{i}")
    assert echoed(qemu, vms[0]) == [f"cycled-{len(vms)}"]


def test_escape_twice_sends_one_literal_escape_to_the_guest(console):
    scenario, qemu = console
    vm = scenario.vms[0]
    focus(qemu, "1", vm)
    mark = qemu.position
    qemu.send(b"\x1c\x1c")
    qemu.type("lit\r")
    # The echo guest shows control characters in caret notation
    # (docs/baremetal.md): exactly one 0x1c reached it, and the pair neither
    # moved the focus nor ate the text after it.
    qemu.expect(vm.name, r"^echo: got '\^\\lit'$")
    assert not [line for line in qemu.lines("phidias", since=mark)
                if line.text.startswith("console input ->")], qemu.tail()


# -- scenarios/console-stop.xml: a VM that stops, a VM that reads slowly ------


@pytest.fixture
def console_stop(start):
    scenario = load_scenario("console-stop")
    qemu = start("console-stop")
    qemu.expect_each([vm.name for vm in scenario.vms_running("echo")], lambda _: r"^echo: ready$")
    return scenario, qemu


def test_focus_moves_off_a_vm_that_stops_and_a_stopped_vm_cannot_be_picked(console_stop):
    scenario, qemu = console_stop
    once, slow, other = (scenario.vm(n) for n in ("once", "slow", "other"))
    # The boot-time focus is the first VM, and the hypervisor says so.
    assert [line for line in qemu.lines("phidias")
            if re.match(FOCUS.format(vm="once"), line.text)], qemu.tail()
    type_line(qemu, once, "bye")  # lines=1: it powers off after this
    qemu.expect("phidias", r"^VM 'once' powered off$")
    qemu.expect("phidias", r"^console input -> 'slow' \('once' stopped; Ctrl-\\ then 1-4 or n switches\)$")
    type_line(qemu, slow, "to-slow")
    qemu.focus("1")
    qemu.expect("phidias", r"^console: VM 'once' is stopped; input stays with 'slow'$")
    type_line(qemu, slow, "still-slow")
    focus(qemu, "n", other)
    focus(qemu, "n", scenario.vm("deaf"))
    focus(qemu, "n", slow)  # round past the stopped 'once'
    assert echoed(qemu, other) == [] and echoed(qemu, once) == ["bye"], qemu.tail()


def test_a_burst_far_beyond_the_uart_fifo_waits_and_arrives_whole(console_stop):
    """`slow` pauses after every line; 16 lines of 100 characters sent at
    once (3 times its 512-byte receive FIFO) must all come back, in order:
    the console stops reading the physical UART while the VM has no room."""
    scenario, qemu = console_stop
    slow = scenario.vm("slow")
    focus(qemu, "2", slow)
    lines = [f"{i:02d}-" + "abcdefghijklmnopqrstuvwxyz0123456789"[i % 36] * 97 for i in range(16)]
    qemu.send("".join(line + "\r" for line in lines))
    qemu.expect(slow.name, rf"^echo: got '{lines[-1]}'$", timeout=120)
    assert echoed(qemu, slow) == lines, qemu.tail()
    assert not [line for line in qemu.lines("phidias") if "reads no input" in line.text]


# -- the `make run` default (scenarios/net.xml, two Linux VMs linux1 and
# linux2): what `make run` shows (one boot, tests in order) --


def default_scenario():
    """DEFAULT_SCENARIO of the Makefile: the one `make run` boots."""
    with open(os.path.join(REPO, "Makefile")) as f:
        return re.search(r"^DEFAULT_SCENARIO := (\S+)$", f.read(), re.M).group(1)


@pytest.fixture(scope="module")
def pair():
    name = default_scenario()
    scenario = load_scenario(name)
    with booted(scenario, log_name="console-" + name) as qemu:
        qemu.expect_linux_shells(["linux1", "linux2"])
        yield scenario, qemu


def test_make_run_ends_with_the_focused_vms_prompt_after_both_boot_logs(pair):
    """Both Linux VMs print their boot logs, every line tagged; once the
    output settles the last thing on the screen is the hint of who has the
    keyboard and how to switch, then linux1's prompt (linux1 has the focus).
    Typing then goes to linux1.  (First in this module: it reads the boot.)"""
    scenario, qemu = pair
    linux1, linux2 = scenario.vm("linux1"), scenario.vm("linux2")
    hint = re.compile(FOCUS.format(vm="linux1"))
    prompt = re.compile(PROMPT.format(vm="linux1"))

    def settled(lines):
        after = max((line.index for line in lines if line.tag == "linux2"), default=-1)
        hinted = any(line.index > after and line.tag == "phidias" and hint.match(line.text)
                     and "Ctrl-\\ then 1-2 or n switches" in line.text for line in lines)
        last = qemu._partial_line()
        return hinted and last is not None and last.tag == "linux1" and prompt.match(last.text)

    qemu.collect(settled, "the hint and linux1's prompt after linux2's last line")
    qemu._focused = linux1.name  # the harness's own record: no Ctrl-\ was typed
    result = qemu.shell(linux1, "hostname")
    assert result.output == ["linux1"], f"{result}\n{qemu.tail()}"
    # A switch shows the VM's prompt again, right after the focus line:
    # away to linux2 and back to linux1, which waits at the prompt shell()
    # saw last.
    qemu.focus_vm(linux2)
    mark = len(qemu.lines())
    qemu.focus_vm(linux1)

    def reshown(lines):
        last = qemu._partial_line()
        return (last is not None and last.index > mark and last.tag == "linux1"
                and prompt.match(last.text))

    qemu.collect(reshown, "linux1's prompt shown again after the switch back")


def test_input_storm_to_a_linux_vm_on_the_other_cpu_arrives_whole(pair):
    """2000 bytes pasted at once into linux2's shell (CPU 1) while the
    console takes them in on CPU 0: the UART's interrupt level and the
    vGIC's must agree however the two CPUs interleave (a line left high
    while the UART's is low makes Linux disable the interrupt, and the
    shell goes deaf), and flow control must keep every byte."""
    scenario, qemu = pair
    linux2 = scenario.vm("linux2")
    start_at = len(qemu.lines())
    qemu.send_line(linux2, "echo =S=; wc -c; echo =E=")
    qemu.find(lambda line: line.tag == "linux2" and line.text == "=S=", "=S=", since=start_at)
    payload = "".join(f"{i:03d}" + "z" * 95 + "\r" for i in range(20)).encode()  # 99 bytes a line
    qemu.send(payload + b"\x04")
    end = qemu.find(lambda line: line.tag == "linux2" and line.text == "=E=", "=E=",
                    since=start_at, timeout=180)
    counts = [line.text for line in qemu.lines("linux2", since=start_at)[-40:]
              if line.index < end.index and re.fullmatch(r"\d+", line.text)]
    assert counts == [str(20 * 99)], qemu.tail()
    assert qemu.shell(linux2, "hostname").output == ["linux2"], qemu.tail()


def test_a_vm_that_never_reads_cannot_keep_the_keyboard(console_stop):
    """`deaf` never reads its UART: what is typed for it fills its FIFO, the
    console stops reading, gives up on it after a while (and says so), and
    Ctrl-\\ still moves the keyboard to another VM, which gets what follows."""
    scenario, qemu = console_stop
    deaf, other = scenario.vm("deaf"), scenario.vm("other")
    focus(qemu, "4", deaf)
    qemu.send(b"x" * 1500)
    qemu.expect("phidias", r"^console: 'deaf' reads no input; what is typed for it is dropped "
                           r"\(Ctrl-\\ still switches\)$", timeout=120)
    focus(qemu, "3", other)
    type_line(qemu, other, "free-again")
    assert echoed(qemu, other) == ["free-again"], qemu.tail()
