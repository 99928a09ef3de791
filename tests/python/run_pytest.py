"""Runs pytest on the given test files for ctest; exits 77 (ctest: skipped) with a visible reason
when Debian's python3-pytest is not installed or the module was not built."""
import importlib.util
import sys

if importlib.util.find_spec("pytest") is None:
    print("pytest is not installed (Debian: python3-pytest): the Python module's tests are skipped")
    sys.exit(77)
import pytest  # noqa: E402

sys.exit(pytest.main(["-q", "-rs", "-p", "no:cacheprovider", *sys.argv[1:]]))
