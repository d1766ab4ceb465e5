"""Test-run setup shared by pytest's tests and nbval's notebooks: progress goes to a throw-away folder."""

import os
import tempfile

# Set before any kernel starts, so nbval's notebook kernels inherit it: no test ever touches a real student's progress.
os.environ["CASEBOOK_HOME"] = tempfile.mkdtemp(prefix="casebook-test-home-")
os.environ.setdefault("MPLBACKEND", "Agg")
# A teacher's own cases (CASEBOOK_CASES) or language (CASEBOOK_LANG) in the shell must not change what the tests see:
# the tests that need them set them themselves.
for _name in ("CASEBOOK_CASES", "CASEBOOK_LANG"):
    os.environ.pop(_name, None)
