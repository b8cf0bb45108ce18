# SPDX-License-Identifier: Apache-2.0
"""Static analysis is part of the suite: cppcheck over every C file of the
tree (hypervisor, schism, guests) and gcc -fanalyzer over schism must be
clean. Suppressions are inline, next to the code, with their reason
(schism/schism.mk documents the flags).
Run: /usr/bin/python3 -m pytest tests/schism/test_static_analysis.py
"""
import subprocess

from test_bad_scenarios import ROOT


def make(target):
    return subprocess.run(["make", "-s", "--no-print-directory", target],
                          cwd=ROOT, capture_output=True, text=True)


def test_cppcheck_is_clean():
    r = make("cppcheck")
    assert r.returncode == 0, r.stdout + r.stderr


def test_gcc_analyzer_is_clean_for_schism():
    r = make("schism-analyze")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "-Wanalyzer" not in r.stderr, r.stderr
