"""Test-run setup shared by pytest's tests and nbval's notebooks: progress goes to a throw-away folder."""

import os
import tempfile

# Set before any kernel starts, so nbval's notebook kernels inherit it: no test ever touches a real student's progress.
os.environ["CASEBOOK_HOME"] = tempfile.mkdtemp(prefix="casebook-test-home-")
os.environ.setdefault("MPLBACKEND", "Agg")
