"""Start-up time: ``foedus --version``, ``foedus --help`` and ``import foedus`` against a bare
``python -c pass`` on the same machine, the sides alternated (issue 16: within 0.3 s).

    python benchmarks/bench_startup.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "foedus --version": [sys.executable, "-c", "from foedus.cli import main; main()", "--version"],
    "foedus --help": [sys.executable, "-c", "from foedus.cli import main; main()", "--help"],
    "import foedus": [sys.executable, "-c", "import foedus"],
    "import foedus; foedus.simulate": [sys.executable, "-c", "import foedus; foedus.simulate"],
}


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    times: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(args.repeat):  # alternate the sides in every round
        for name, cmd in CASES.items():
            times[name].append(_time(cmd))
    base = statistics.median(times["python -c pass"])
    print(f"{'command':34} {'median s':>9} {'minus bare python s':>20}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:34} {med:9.3f} {med - base:20.3f}")


if __name__ == "__main__":
    main()
