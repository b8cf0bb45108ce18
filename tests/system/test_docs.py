# SPDX-License-Identifier: Apache-2.0
"""The documentation matches the tree (no QEMU needed).

- every scenarios/*.xml has a row in README.md's scenario table, and every
  scenario the table names exists (adding a scenario = adding its row);
- every relative link in README.md and docs/*.md leads to a file that exists
  (and, for `file.md#anchor`, to a heading of that file);
- every page in docs/ is linked from README.md;
- the example of docs/scenario.md is scenarios/reference.xml, word for word,
  so the test suite builds and boots it like every scenario.
"""

import os
import re

import pytest

from phidias_qemu import REPO, SCENARIO_DIR

DOCS = os.path.join(REPO, "docs")
PAGES = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(DOCS)
                               if f.endswith(".md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def read(rel):
    with open(os.path.join(REPO, rel), encoding="utf-8") as f:
        return f.read()


def readme_scenario_table():
    """Scenario names in the first column of README.md's "## Scenarios" table."""
    section = re.search(r"^## Scenarios\n(.*?)(?=^## )", read("README.md"), re.S | re.M)
    assert section, "README.md has no '## Scenarios' section"
    names = set()
    for row in re.findall(r"^\|([^|\n]*)\|", section.group(1), re.M):
        names |= set(re.findall(r"`([a-z0-9][a-z0-9_.-]*)`", row))
    return names


def test_every_scenario_has_a_row_in_the_readme_and_every_row_a_scenario():
    table = readme_scenario_table()
    shipped = {os.path.splitext(f)[0] for f in os.listdir(SCENARIO_DIR) if f.endswith(".xml")}
    missing = sorted(shipped - table)
    stale = sorted(table - shipped)
    assert not missing, f"scenarios without a row in README.md's table: {missing}"
    assert not stale, f"README.md's table names scenarios that do not exist: {stale}"


def anchors(text):
    """GitHub's anchors of the headings of a Markdown page."""
    out = set()
    for heading in re.findall(r"^#+ +(.+?) *$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        out.add(slug)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_every_relative_link_resolves(page):
    text = read(page)
    # Code blocks are not prose: `[x](y)` there is not a link.
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto:
        path, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if not os.path.exists(os.path.join(REPO, dest)):
            broken.append(f"{target} (no {dest})")
        elif anchor and dest.endswith(".md") and anchor not in anchors(read(dest)):
            broken.append(f"{target} (no heading #{anchor} in {dest})")
    assert not broken, f"{page}: broken links: {broken}"


def test_every_doc_is_linked_from_the_readme():
    linked = {os.path.normpath(t.partition("#")[0]) for t in LINK.findall(read("README.md"))}
    missing = [p for p in PAGES[1:] if p not in linked]
    assert not missing, f"docs not linked from README.md: {missing}"


def test_the_scenario_reference_example_is_a_real_scenario():
    doc = read(os.path.join("docs", "scenario.md"))
    section = re.search(r"^## Example\n(.*?)(?=^## )", doc, re.S | re.M).group(1)
    example = re.search(r"```xml\n(.*?)```", section, re.S).group(1)
    assert example == read(os.path.join("scenarios", "reference.xml"))
