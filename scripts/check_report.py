"""Refuse a pytest run that executed nothing or skipped what CI requires."""

import os
import sys
import xml.etree.ElementTree as ET

report, label = sys.argv[1], sys.argv[2]
root = ET.parse(report).getroot()
suite = root if root.tag == "testsuite" else root.find("testsuite")
tests, skipped = int(suite.get("tests", 0)), int(suite.get("skipped", 0))
failures = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
ran = tests - skipped
print(f"{label}: {ran} passed, {failures} failed, {skipped} skipped")
if ran <= 0 or failures:
    sys.exit(f"{label}: no test ran or some failed")
if os.environ.get("GONGZHI_REQUIRE_ALL") and skipped:
    sys.exit(f"{label}: {skipped} tests skipped under CI=true, where every backend is required")
