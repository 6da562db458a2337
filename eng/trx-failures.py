#!/usr/bin/env python3
"""Prints each failed test of the given .trx files: its name, the start of its message and of its stack trace.

test.sh calls it after every test has run, so that the failures are the last thing in a long log (a CI page often
shows only the tail of the output, where dotnet test's own report of a failure scrolled away long before).
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
MESSAGE_LINES = 25
STACK_LINES = 12


def head(text, lines):
    rows = (text or "").strip().splitlines()
    shown = rows[:lines]
    if len(rows) > lines:
        shown.append(f"... ({len(rows) - lines} more lines)")
    return shown


count = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        print(f"(could not read {path}: {error})")
        continue
    for result in root.iter(NS + "UnitTestResult"):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        count += 1
        print(f"FAILED {result.get('testName')} ({result.get('outcome')}, {result.get('duration')})")
        info = result.find(f"{NS}Output/{NS}ErrorInfo")
        if info is not None:
            for row in head(info.findtext(NS + "Message"), MESSAGE_LINES):
                print(f"    {row}")
            for row in head(info.findtext(NS + "StackTrace"), STACK_LINES):
                print(f"    {row}")
print(f"{count} failed test(s) in the .trx results")
