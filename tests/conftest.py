"""Keep the test run's derived-data cache out of the user's own cache folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "GOVMETRICS_CACHE_DIR" not in os.environ:
    _folder = tempfile.mkdtemp(prefix="govmetrics-test-cache-")
    os.environ["GOVMETRICS_CACHE_DIR"] = _folder
    atexit.register(shutil.rmtree, _folder, ignore_errors=True)
