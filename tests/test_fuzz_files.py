"""The fuzz suite (issue 17): every kind of user file, mutated, is either accepted as valid or
refused with a clear error naming the file. It runs the mutation harness
(``tests/fuzz_harness.py``) in a child process that bounds its own memory; CI runs size 1
(about 250 inputs, under a minute); the release run is ``python tests/fuzz_harness.py --size 4``
(docs/limits.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("fuzz_harness.py")
SIZE = int(os.environ.get("FOEDUS_FUZZ_SIZE", "1"))


@pytest.mark.skipif(sys.platform != "linux", reason="the harness uses SIGALRM and RLIMIT_DATA")
def test_every_mutated_user_file_is_accepted_or_refused_clearly() -> None:
    out = subprocess.run([sys.executable, str(HARNESS), "--size", str(SIZE), "--json"],
                         capture_output=True, text=True, timeout=900)
    assert out.stdout, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    bad = "\n".join(f"{b['class']}: {b['kind']}: {b['mutation']}: {b['message']}"
                    for b in result["bad"])
    assert not result["bad"], f"{result['counts']}\n{bad}"
    kinds = set(result["by_kind"])
    assert {"charter", "case", "threat", "experiment", "world", "zip", "store",
            "store --resume"} <= kinds
    if (Path(__file__).resolve().parents[1] / ".." / "shared" / "data").exists():
        assert any(k.startswith("data:") for k in kinds)
    assert result["counts"]["clear"] > result["total"] // 2
