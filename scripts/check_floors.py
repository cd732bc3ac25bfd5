"""Refuse a lowered evaluation floor whose commit does not give its reason.

For every commit that changed ``tests/eval_floors.json``, each floor is compared with the same floor in
the commit's parent; a floor that went down (or was removed) needs a line starting with "Floor lowered:" in that
commit's message. Run by ``.ci/run``; exits 1 and names the floor and the commit otherwise.
"""

from __future__ import annotations

import json
import subprocess
import sys

FLOORS = "tests/eval_floors.json"
MARK = "Floor lowered:"


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def floors_at(commit: str) -> dict[str, float]:
    try:
        data = json.loads(git("show", f"{commit}:{FLOORS}"))
    except (subprocess.CalledProcessError, ValueError):
        return {}
    return {
        f"{name}.{metric}": value
        for name, spec in data.get("sets", {}).items()
        for metric, value in spec.get("floors", {}).items()
    }


def main() -> int:
    try:
        commits = git("log", "--format=%H", "--", FLOORS).split()
    except (subprocess.CalledProcessError, FileNotFoundError):
        print("check_floors: not a git checkout, nothing to check")
        return 0
    problems = []
    for commit in commits:
        parents = git("log", "-1", "--format=%P", commit).split()
        if not parents:
            continue
        before, after = floors_at(parents[0]), floors_at(commit)
        lowered = [
            f"{key} {before[key]} -> {after[key]}"
            for key in sorted(after)
            if key in before and after[key] < before[key]
        ] + [f"{key} {before[key]} -> removed" for key in sorted(before) if key not in after]
        if lowered and not any(line.startswith(MARK) for line in git("log", "-1", "--format=%B", commit).splitlines()):
            problems.append(
                f"{commit[:10]} lowers {', '.join(lowered)} without a '{MARK} <reason>' line in its message"
            )
    for problem in problems:
        print(f"check_floors: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
