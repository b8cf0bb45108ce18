#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scenario descriptions for `make list` (docs/scenario.md, "Describing a scenario").

A scenario's description is its first XML comment that is not the SPDX
line; `make list` prints its first sentence.

    scenarios.py list DIR            every DIR/*.xml: name and description
    scenarios.py describe FILE.xml   the description of one file
"""

import os
import re
import sys

_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`'(])")


def description(path):
    """The whole description comment of a scenario file, on one line ('' if none)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for comment in _COMMENT.findall(text):
        if "SPDX-License-Identifier" not in comment:
            return " ".join(comment.split())
    return ""


def summary(path, width=100):
    """The description's first sentence, cut to `width` characters."""
    first = _SENTENCE_END.split(description(path), maxsplit=1)[0]
    return first if len(first) <= width else first[:width - 3].rstrip() + "..."


def scenario_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory)
                  if f.endswith(".xml"))


def main(argv):
    if len(argv) == 3 and argv[1] == "list":
        files = scenario_files(argv[2])
        width = max(len(os.path.basename(f)) - 4 for f in files)
        for f in files:
            name = os.path.basename(f)[:-4]
            print(f"{name:<{width}}  {summary(f) or '(no description comment)'}")
        return 0
    if len(argv) == 3 and argv[1] == "describe":
        print(description(argv[2]))
        return 0
    print("usage:\n" + "\n".join(__doc__.strip().splitlines()[-2:]), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
