# SPDX-License-Identifier: Apache-2.0
"""Boot Phidias under QEMU and read its multiplexed console.

The system tests talk to QEMU through a pseudo-terminal (pexpect), the way a
user at `make run` does: QEMU gets `-nographic`, so its stdio is a mux with
the monitor that only intercepts Ctrl-A and passes Ctrl-\\ (0x1c, Phidias'
console escape) through to the guest.  (A plain `-serial stdio` would leave
the terminal's ISIG on, and 0x1c would SIGQUIT QEMU.)

Every console line is kept, split into its tag (`[alpha] tick 3 ...` has tag
`alpha` and text `tick 3 ...`) so tests can expect lines of one VM, look back
over everything that was printed, and wait for QEMU to exit.  Timeouts are
generous and only guard against hangs; no test measures wall-clock time.
"""

import contextlib
import dataclasses
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

import pexpect

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(REPO, "build")
SCENARIO_DIR = os.path.join(REPO, "scenarios")
LOG_DIR = os.path.join(BUILD, "test-logs")

# Hangs are caught by these; a healthy boot takes a second or two.  Slow or
# loaded hosts can scale them: PHIDIAS_TEST_TIMEOUT=300.
DEFAULT_TIMEOUT = float(os.environ.get("PHIDIAS_TEST_TIMEOUT", "90"))

PHIDIAS_GUEST_RAM = 0x40000000  # every VM's RAM starts here (IPA)
ESCAPE = b"\x1c"  # Ctrl-\, the console multiplexer's escape key

# `[tag] text`; the tag is a VM name or `phidias`.
_TAGGED = re.compile(r"^\[([a-z0-9][a-z0-9_-]{0,15})\] ?(.*)$")


# ---------------------------------------------------------------------------
# Scenario files


@dataclasses.dataclass
class Vm:
    name: str
    position: int  # 1-based, as Ctrl-\ <digit> counts
    guest: str  # kernel file name without extension: hello, ticker, ...
    bootargs: dict
    pcpus: list
    memory: int
    on_fault: str = "inject"  # <vm on-fault>

    def arg(self, key, default=None):
        return self.bootargs.get(key, default)


@dataclasses.dataclass
class Scenario:
    name: str
    path: str
    cpus: int
    timeslice_us: int
    vms: list

    def vm(self, name):
        for vm in self.vms:
            if vm.name == name:
                return vm
        raise KeyError(name)

    def vms_running(self, guest):
        return [vm for vm in self.vms if vm.guest == guest]


def parse_size(text):
    """`16M`, `0x1000000`, `64K` -> bytes."""
    m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)\s*([KMG]?)", text.strip())
    if not m:
        raise ValueError(f"bad size {text!r}")
    return int(m.group(1), 0) << {"": 0, "K": 10, "M": 20, "G": 30}[m.group(2)]


def parse_duration_us(text):
    """`10ms`, `500us`, `1s` -> microseconds."""
    m = re.fullmatch(r"(\d+)\s*(us|ms|s)", text.strip())
    if not m:
        raise ValueError(f"bad duration {text!r}")
    return int(m.group(1)) * {"us": 1, "ms": 1000, "s": 1000000}[m.group(2)]


def parse_bootargs(text):
    """`period=1ms count=5 quiet` -> {'period': '1ms', 'count': '5', 'quiet': ''}."""
    args = {}
    for word in (text or "").split():
        key, _, value = word.partition("=")
        args[key] = value
    return args


def scenario_path(name):
    """scenarios/<name>.xml, or `name` itself if it is the path of an .xml file."""
    if name.endswith(".xml"):
        return os.path.abspath(name)
    return os.path.join(SCENARIO_DIR, name + ".xml")


def build_name(scenario):
    """The folder under build/ that `make SCENARIO=<scenario>` builds into:
    the file name without .xml (docs/scenario.md)."""
    return os.path.splitext(os.path.basename(scenario))[0]


def load_scenario(name):
    """A scenario by name (scenarios/<name>.xml) or by the path of its file."""
    path = scenario_path(name)
    root = ET.parse(path).getroot()
    hyp = root.find("hypervisor")
    vms = []
    for i, el in enumerate(root.findall("vm"), start=1):
        kernel = el.find("kernel").get("file")
        vms.append(Vm(
            name=el.get("name"),
            position=i,
            guest=os.path.splitext(os.path.basename(kernel))[0],
            bootargs=parse_bootargs(el.findtext("bootargs")),
            pcpus=[int(v.get("pcpu"), 0) for v in el.findall("vcpu")],
            memory=parse_size(el.find("memory").get("size")),
            on_fault=el.get("on-fault", "inject"),
        ))
    return Scenario(
        name=root.get("name"),
        path=path,
        cpus=int(hyp.get("cpus", "1"), 0),
        timeslice_us=parse_duration_us(hyp.get("timeslice", "10ms")),
        vms=vms,
    )


def runs_on_qemu(name):
    """Whether QEMU models the scenario's platform (its platform file has a
    <qemu> element); the HiKey scenarios only build here."""
    platform = ET.parse(os.path.join(SCENARIO_DIR, name + ".xml")).getroot().get("platform")
    path = os.path.join(REPO, "config", "platforms", platform + ".xml")
    return os.path.exists(path) and ET.parse(path).getroot().find("qemu") is not None


def scenario_names(pattern=r".*"):
    """The scenarios QEMU can boot whose name matches pattern."""
    names = sorted(os.path.splitext(f)[0] for f in os.listdir(SCENARIO_DIR)
                   if f.endswith(".xml"))
    return [n for n in names if re.fullmatch(pattern, n) and runs_on_qemu(n)]


def _make_list(makefile, variable):
    """The words of `variable := ...` in one of the build's makefiles."""
    with open(os.path.join(REPO, makefile)) as f:
        m = re.search(rf"^{variable}\s*:?=(.*(?:\\\n.*)*)$", f.read(), re.M)
    assert m, f"{variable} not found in {makefile}"
    return m.group(1).replace("\\\n", " ").split()


def guest_names():
    """Kernel file names (without extension) of the guests the build makes:
    the bare-metal guests of guests/baremetal/guests.mk and the Linux
    kernel of guests/linux/linux.mk (`Image`)."""
    bare = _make_list("guests/baremetal/guests.mk", "BAREMETAL_GUESTS")
    linux = [os.path.splitext(os.path.basename(w))[0]
             for w in _make_list("guests/linux/linux.mk", "LINUX_IMAGES")
             if not w.endswith(".gz")]
    return set(bare) | set(linux)


# ---------------------------------------------------------------------------
# Building


def _make_env():
    # Under `make test` the parent make's jobserver descriptors are not
    # inherited; drop its flags so the nested make does not warn about them.
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    return env


def image_path(scenario):
    return os.path.join(BUILD, build_name(scenario), "phidias.bin")


def make(*args, check=True):
    """Run `make args...` in the repository; its exit status and output."""
    result = subprocess.run(["make"] + list(args), cwd=REPO, env=_make_env(),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"`make {' '.join(args)}` failed "
                           f"(exit {result.returncode}):\n{result.stdout[-4000:]}")
    return result


# What an image is built from, in the tree, besides the Makefile and its scenario.
SOURCE_DIRS = ("arch", "config", "core", "drivers", "emul", "guests", "schism")


def _newest_source():
    """The newest modification time of the tree's build inputs (one walk
    per test run: sources do not change while the tests run)."""
    if _newest_source.cache is None:
        newest = os.path.getmtime(os.path.join(REPO, "Makefile"))
        for d in SOURCE_DIRS:
            for root, _dirs, files in os.walk(os.path.join(REPO, d)):
                for f in files:
                    newest = max(newest, os.path.getmtime(os.path.join(root, f)))
        _newest_source.cache = newest
    return _newest_source.cache


_newest_source.cache = None
_made = set()   # (scenario, make_vars) made in this run: make knows the rest


def _stale_image(scenario, image):
    """An image older than a source: the tree was edited and `pytest`
    runs without `make` first."""
    xml = scenario if scenario.endswith(".xml") else os.path.join(REPO, "scenarios", scenario + ".xml")
    newest = max(_newest_source(), os.path.getmtime(xml) if os.path.exists(xml) else 0)
    return os.path.getmtime(image) < newest


def ensure_built(scenario, make_vars=()):
    """Return build/<s>/phidias.bin, running `make SCENARIO=<s>` (plus
    make_vars such as `EXTRA_GUESTS=...`) if it is missing or older than a
    source (an edit, then `pytest` without `make`); `scenario` is a name or
    the path of an .xml file."""
    image = image_path(scenario)
    key = (scenario, tuple(make_vars))
    stale = os.path.exists(image) and key not in _made and _stale_image(scenario, image)
    if not os.path.exists(image) or stale:
        _made.add(key)
        make(f"SCENARIO={scenario}", *make_vars)
        if not os.path.exists(image):
            raise RuntimeError(f"`make SCENARIO={scenario}` did not write {image}")
    return image


def machine_args(scenario):
    """schism's QEMU machine options for the scenario (gen/qemu.args)."""
    ensure_built(scenario)
    with open(os.path.join(BUILD, build_name(scenario), "gen", "qemu.args")) as f:
        return f.read().split()


def qemu_argv(scenario, extra=()):
    """The command line of `make run SCENARIO=<s>` (plus `extra`)."""
    return (["qemu-system-aarch64"] + machine_args(scenario)
            + ["-nographic", "-kernel", image_path(scenario)] + list(extra))


# ---------------------------------------------------------------------------
# Running


@dataclasses.dataclass
class Line:
    index: int
    tag: str  # VM name, "phidias", or None for an untagged line (QEMU itself)
    text: str

    def __str__(self):
        return f"[{self.tag}] {self.text}" if self.tag else self.text


class QemuExited(AssertionError):
    pass


class Qemu:
    """One QEMU process and everything it printed.

    `expect()` scans forward from a cursor: each match moves the cursor past
    the matching line, so a sequence of expects checks order.  `lines()`
    returns everything seen so far regardless of the cursor.
    """

    def __init__(self, argv, log_path=None):
        self.argv = list(argv)
        self.log_path = log_path
        self._log = None
        if log_path:
            os.makedirs(os.path.dirname(log_path), exist_ok=True)
            self._log = open(log_path, "wb")
            self._log.write(("$ " + " ".join(self.argv) + "\n").encode())
        self._lines = []
        self._partial = b""
        self._cursor = 0
        self._eof = False
        self._focused = None  # VM name, once focus_vm() has moved the focus
        self._markers = 0  # shell(): numbers the end-of-command markers
        self.exitstatus = None
        self.signalstatus = None
        self.child = pexpect.spawn(self.argv[0], self.argv[1:], cwd=REPO,
                                   echo=False, dimensions=(50, 250),
                                   timeout=DEFAULT_TIMEOUT)

    # -- reading ------------------------------------------------------------

    def _feed(self, data):
        if self._log:
            self._log.write(data)
            self._log.flush()
        self._partial += data
        *complete, self._partial = self._partial.split(b"\n")
        for raw in complete:
            self._add_line(raw)

    def _add_line(self, raw):
        text = raw.decode("utf-8", "replace").replace("\r", "")
        m = _TAGGED.match(text)
        if m:
            line = Line(len(self._lines), m.group(1), m.group(2))
        else:
            line = Line(len(self._lines), None, text)
        self._lines.append(line)

    def _pump(self, timeout):
        """Read what QEMU prints within `timeout` s; False once it has exited."""
        if self._eof:
            return False
        try:
            data = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            self._eof = True
            if self._partial:
                self._add_line(self._partial)
                self._partial = b""
            self._reap()
            return False
        self._feed(data)
        return True

    def _reap(self):
        if self.exitstatus is None and self.signalstatus is None:
            self.child.close(force=True)
            self.exitstatus = self.child.exitstatus
            self.signalstatus = self.child.signalstatus
            if self._log:
                self._log.write(f"\n# exit status {self.exitstatus}, "
                                f"signal {self.signalstatus}\n".encode())
                self._log.close()
                self._log = None

    def tail(self, n=40):
        shown = "\n".join("    " + str(line) for line in self._lines[-n:])
        log = f" (full log: {self.log_path})" if self.log_path else ""
        return f"last {min(n, len(self._lines))} console lines{log}:\n{shown}"

    def _scan(self, predicate, what, start, timeout):
        """Index and value of the first line at index >= start for which
        predicate(line) is true, reading more until it comes.  Fails with
        the console's tail when QEMU exits or time runs out."""
        deadline = time.monotonic() + (timeout or DEFAULT_TIMEOUT)
        i = start
        while True:
            while i < len(self._lines):
                value = predicate(self._lines[i])
                if value:
                    return i, value
                i += 1
            left = deadline - time.monotonic()
            if self._eof:
                raise QemuExited(f"QEMU exited (status {self.exitstatus}, signal "
                                 f"{self.signalstatus}) before {what}\n{self.tail()}")
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}\n{self.tail()}")
            self._pump(min(left, 1.0))

    def wait_for(self, predicate, what, timeout=None):
        """Scan lines after the cursor until predicate(line) is true.

        Returns (line, predicate's value) and moves the cursor past the line.
        Fails with the console's tail when QEMU exits or time runs out.
        """
        i, value = self._scan(predicate, what, self._cursor, timeout)
        self._cursor = i + 1
        return self._lines[i], value

    def expect(self, tag, pattern, timeout=None):
        """Wait for a `[tag] text` line whose text matches `pattern` (re.search)."""
        regex = re.compile(pattern)

        def match(line):
            return line.tag == tag and regex.search(line.text)

        return self.wait_for(match, f"[{tag}] /{pattern}/", timeout)[1]

    def expect_each(self, tags, pattern_of, timeout=None):
        """Wait until every tag in `tags` has printed a line matching
        pattern_of(tag), in any order.  Returns {tag: match}.  The cursor ends
        after the last of them."""
        pending = {tag: re.compile(pattern_of(tag)) for tag in tags}
        found = {}

        def match(line):
            regex = pending.get(line.tag)
            m = regex.search(line.text) if regex else None
            if m:
                found[line.tag] = m
                del pending[line.tag]
            return not pending

        self.wait_for(match, "a line from each of " + ", ".join(
            f"[{t}] /{p.pattern}/" for t, p in pending.items()), timeout)
        return found

    def collect(self, done, what, timeout=None):
        """Keep reading until done(all lines so far) is true."""
        deadline = time.monotonic() + (timeout or DEFAULT_TIMEOUT)
        while not done(self._lines):
            left = deadline - time.monotonic()
            if self._eof:
                raise QemuExited(f"QEMU exited (status {self.exitstatus}, signal "
                                 f"{self.signalstatus}) before {what}\n{self.tail()}")
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}\n{self.tail()}")
            self._pump(min(left, 1.0))
        self._cursor = len(self._lines)
        return list(self._lines)

    def drain(self, seconds):
        """Read for `seconds` (used before asserting that something did NOT
        appear; the assertion itself never depends on timing)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self._pump(max(0.0, end - time.monotonic())):
            pass

    def lines(self, tag=None, since=0):
        return [line for line in self._lines[since:]
                if tag is None or line.tag == tag]

    @property
    def position(self):
        """Index of the next line expect() will look at."""
        return self._cursor

    # -- writing ------------------------------------------------------------

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.child.send(data)

    def type(self, text, delay=0.02):
        """Send one byte at a time, like a person typing, so a guest with a
        small receive FIFO is not flooded."""
        data = text.encode() if isinstance(text, str) else text
        for i in range(len(data)):
            self.send(data[i:i + 1])
            self._pump(delay)

    def focus(self, key):
        """Ctrl-\\ followed by `key` (a digit, `n`, or Ctrl-\\ itself)."""
        self.send(ESCAPE + (key.encode() if isinstance(key, str) else key))

    # -- Linux shells (docs/linux.md) --------------------------------------

    def find(self, predicate, what, since=0, timeout=None):
        """The first line at index >= `since` for which predicate(line) is
        true, reading more until it comes.  Unlike wait_for(), the cursor
        does not move, so expect() still sees everything after it."""
        return self._lines[self._scan(predicate, what, since, timeout)[0]]

    def _partial_line(self):
        """The line QEMU is printing now (a prompt waits there), as a Line."""
        text = self._partial.decode("utf-8", "replace").replace("\r", "")
        m = _TAGGED.match(text)
        return Line(len(self._lines), m.group(1), m.group(2)) if m else None

    def wait_prompt(self, vm_name, since=0, timeout=None):
        """Wait until the Linux VM's shell prompt has been printed at line
        `since` or later; a prompt is not followed by a newline, so the line
        being printed counts too.  The cursor does not move."""
        regex = re.compile(PROMPT.format(vm=re.escape(vm_name)))

        def prompt(line):
            return line and line.tag == vm_name and regex.search(line.text)

        deadline = time.monotonic() + (timeout or DEFAULT_TIMEOUT)
        i = since
        while True:
            while i < len(self._lines):
                if prompt(self._lines[i]):
                    return
                i += 1
            if prompt(self._partial_line()):
                return
            left = deadline - time.monotonic()
            if self._eof:
                raise QemuExited(f"QEMU exited (status {self.exitstatus}, signal "
                                 f"{self.signalstatus}) before {vm_name}'s shell "
                                 f"prompt\n{self.tail()}")
            if left <= 0:
                raise AssertionError(f"timed out waiting for {vm_name}'s shell "
                                     f"prompt\n{self.tail()}")
            self._pump(min(left, 1.0))

    def expect_linux_shells(self, vm_names, since=None, timeout=None):
        """Wait until each Linux VM named has printed its `up` line at line
        `since` (default: the cursor) or later, in any order, and then its
        shell prompt.  Returns {name: match of the up line} (release, cpus).
        The cursor does not move."""
        start = self._cursor if since is None else since
        regex = re.compile(LINUX_UP)
        found = {}
        for name in vm_names:
            line = self.find(lambda l, n=name: l.tag == n and regex.search(l.text),
                             f"[{name}] /{LINUX_UP}/", since=start, timeout=timeout)
            found[name] = regex.search(line.text)
            self.wait_prompt(name, since=line.index + 1, timeout=timeout)
        return found

    def focus_vm(self, vm):
        """Move console input to `vm` (a Vm: its position is the key) unless
        it has it already; wait for the hypervisor's confirmation."""
        if self._focused != vm.name:
            self.focus(str(vm.position))
            regex = re.compile(FOCUS.format(vm=re.escape(vm.name)))
            self.find(lambda line: line.tag == "phidias" and regex.search(line.text),
                      f"focus on {vm.name}", since=len(self._lines))
            self._focused = vm.name

    def send_line(self, vm, text):
        """Type `text` and Enter into `vm`'s console (after focusing it), in
        pieces of 16 bytes: far below the emulated UART's receive FIFO, and
        much faster than type() (pexpect waits 50 ms before every send)."""
        self.focus_vm(vm)
        data = (text + "\r").encode()
        for i in range(0, len(data), 16):
            self.send(data[i:i + 16])
            self._pump(0.01)

    def shell(self, vm, command, timeout=None):
        """Run `command` in the shell of Linux VM `vm` (a Vm), which must be
        at its prompt; return a ShellResult once the shell has finished it
        and shown its prompt again.

        The line typed is `echo =$((<n>))=;<command>;echo =$((<n>))= $?`:
        the output lines `=<n>=` and `=<n>= <status>` bracket the command's
        output and cannot be mistaken for the echo of the typed line (which
        may come wrapped at 80 columns, or cut by other VMs' lines).  Only
        this VM's lines count; the cursor does not move.  The prompt must be
        showing: call expect_linux_shells() after a boot."""
        self._markers += 1
        n = self._markers
        start = len(self._lines)
        self.send_line(vm, f"echo =$(({n}))=;{command};echo =$(({n}))= $?")
        begin = re.compile(rf"^={n}=$")
        end = re.compile(rf"^={n}= (\d+)$")
        what = f"the end of `{command}` in {vm.name}"
        first = self.find(lambda line: line.tag == vm.name and begin.match(line.text),
                          what, since=start, timeout=timeout)
        last = self.find(lambda line: line.tag == vm.name and end.match(line.text),
                         what, since=first.index + 1, timeout=timeout)
        output = [strip_cursor_query(line.text)
                  for line in self._lines[first.index + 1:last.index] if line.tag == vm.name]
        self.wait_prompt(vm.name, since=last.index + 1, timeout=timeout)
        return ShellResult(command, int(end.match(last.text).group(1)), output, last.index)

    # -- ending -------------------------------------------------------------

    def wait_exit(self, timeout=None):
        """Wait for QEMU to exit by itself; return its exit status."""
        deadline = time.monotonic() + (timeout or DEFAULT_TIMEOUT)
        while self._pump(min(1.0, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                raise AssertionError(f"QEMU still running after {timeout or DEFAULT_TIMEOUT}"
                                     f" s\n{self.tail()}")
        return self.exitstatus

    def kill(self):
        """Stop QEMU if it still runs (always called at teardown)."""
        if self._eof:
            return
        try:
            self._pump(0)  # keep what is already buffered in the log
        except OSError:
            pass
        if not self._eof:
            self._eof = True
            self.child.terminate(force=True)
            self._reap()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


@dataclasses.dataclass
class ShellResult:
    command: str
    status: int  # the command's exit status ($?)
    output: list  # its output lines (text only, cursor queries removed)
    index: int  # console line of the end marker

    def __str__(self):
        return "\n".join([f"$ {self.command}"] + self.output + [f"(exit {self.status})"])


def boot(scenario, extra=(), log_name=None):
    """Start `make run`'s QEMU command line for a scenario."""
    log = os.path.join(LOG_DIR, (log_name or scenario) + ".log")
    return Qemu(qemu_argv(scenario, extra), log_path=log)


@contextlib.contextmanager
def booted(scenario, extra=(), log_name=None):
    """For module-scoped fixtures: boot a Scenario and wait for its banner.
    A failed build fails the test; QEMU is killed however the test ends."""
    import pytest  # only the tests need it, not the harness's own users

    try:
        qemu = boot(scenario.name, extra, log_name)
    except RuntimeError as e:  # the build failed
        pytest.fail(str(e), pytrace=False)
    try:
        qemu.expect("phidias", banner_of(scenario))
        yield qemu
    finally:
        qemu.kill()


# ---------------------------------------------------------------------------
# Console formats (docs/console.md; the guests' lines in docs/baremetal.md)

BANNER = r"^Phidias booting scenario '{s}': {cpus} CPU\(s\), {vms} VM\(s\)$"
ALL_STOPPED = r"^all VMs stopped, powering off$"
FAULT = (r"^VM '{vm}' vCPU (?P<vcpu>\d+): (?P<what>.+) at IPA 0x(?P<ipa>[0-9a-fA-F]+) "
         r"\(ESR_EL2 0x(?P<esr>[0-9a-fA-F]+), PC 0x(?P<pc>[0-9a-fA-F]+)\)$")
# Any fault report (some traps, e.g. a system register access, have no
# meaningful IPA; the hypervisor may leave the `at IPA` part out for them).
ANY_FAULT = (r"^VM '{vm}' vCPU (?P<vcpu>\d+): (?P<what>.+?)(?: at IPA 0x(?P<ipa>[0-9a-fA-F]+))? "
             r"\(ESR_EL2 0x(?P<esr>[0-9a-fA-F]+), PC 0x(?P<pc>[0-9a-fA-F]+)\)$")
# A fault given to the guest (the default <vm on-fault="inject">): one line.
INJECTED = (r"^VM '{vm}' vCPU (?P<vcpu>\d+): (?P<what>.+?)(?: at IPA 0x(?P<ipa>[0-9a-fA-F]+))?"
            r"(?:, EC 0x[0-9a-f]+)? \(ESR_EL2 0x(?P<esr>[0-9a-fA-F]+), PC 0x(?P<pc>[0-9a-fA-F]+)\): "
            r"(?P<given>external abort|permission fault|undefined instruction) injected$")
STOPPED = r"^VM '{vm}' stopped$"
POWERED_OFF = r"^VM '{vm}' powered off$"
FOCUS = r"^console input -> '{vm}'(?: \(.*\))?$"  # optional key hint
TICK = re.compile(r"^tick (?P<n>\d+) cnt=(?P<cnt>\d+) freq=(?P<freq>\d+)$")

# The Linux guest (docs/linux.md): the line /init prints, and the shell
# prompt `<vm>:<dir> # `, which busybox follows with a cursor position query.
LINUX_UP = r"^phidias-linux: up \(kernel (?P<release>\S+), (?P<cpus>\d+) CPUs\)$"
PROMPT = r"^{vm}:\S* # "
CURSOR_QUERY = "\x1b[6n"
RESTARTING = r"^VM '{vm}' restarting$"


def strip_cursor_query(text):
    return text.replace(CURSOR_QUERY, "")


# The first line each bare-metal guest prints, by kernel file name.
FIRST_LINE = {
    "hello": r"^Hello from {vm}!$",
    "ticker": r"^tick \d+ cnt=\d+ freq=\d+$",
    "crash": r"^crash: line 1$",
    "echo": r"^echo: ready$",
    "ctxcheck": r"^ctxcheck: seed \d+, \d+ rounds of \d+us: ",
    "Image": r"^phidias-linux: up \(kernel ",
    "bench": r"^BENCH \S+ \d+\.\d n=\d+$",
    "vgictest": r"^vgictest: tests [a-z0-9,]+ on \d+ vCPU\(s\)$",
    "pingpong": r"^pingpong: (ping|pong) ",
    "ipctest": r"^ipctest: ",
    "storm": r"^storm: (storm|sink) ",
    "faulttest": r"^faulttest: tests [a-z,]+$",
    "dbgprobe": r"^dbgprobe: ID_AA64DFR0_EL1 0x[0-9a-f]+: ",
    "hostile": r"^hostile: seed 0x[0-9a-f]+ ops (calls|all) ",
}


def first_line_of(vm):
    return FIRST_LINE.get(vm.guest, r".").format(vm=re.escape(vm.name))


def banner_of(scenario):
    return BANNER.format(s=re.escape(scenario.name), cpus=scenario.cpus,
                         vms=len(scenario.vms))
