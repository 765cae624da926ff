#!/usr/bin/env python3
"""A fake ``gh`` for tests: it keeps its issues in a JSON file and logs every call it gets.

``FAKE_GH_STATE`` names the state file (issues by number), ``FAKE_GH_LOG`` the call log (one JSON line
per call: its arguments and its standard input). It knows the calls ``jobticket-kit nightly-issues``
makes: ``issue list|create|comment|close`` and ``label create``; anything else exits 1 like gh does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    state_path, log_path = Path(os.environ["FAKE_GH_STATE"]), Path(os.environ["FAKE_GH_LOG"])
    state = json.loads(state_path.read_text()) if state_path.exists() else {"issues": []}
    stdin = sys.stdin.read() if "--body-file" in argv else ""
    with log_path.open("a") as log:
        log.write(json.dumps({"args": argv, "stdin": stdin}) + "\n")
    if os.environ.get("FAKE_GH_FAIL") and argv[:2] == os.environ["FAKE_GH_FAIL"].split():
        print("HTTP 502: the fake gh was told to fail", file=sys.stderr)
        return 1
    issues = state["issues"]
    command = argv[:2]
    if command == ["issue", "list"]:
        label = argv[argv.index("--label") + 1]
        shown = [i for i in issues if i["state"] == "open" and label in i["labels"]]
        print(json.dumps([{"number": i["number"], "url": i["url"], "body": i["body"]} for i in shown]))
    elif command == ["issue", "create"]:
        number = len(issues) + 1
        url = f"https://github.example/acme/api/issues/{number}"
        title, label = argv[argv.index("--title") + 1], argv[argv.index("--label") + 1]
        issues.append(
            {
                "number": number,
                "url": url,
                "title": title,
                "body": stdin,
                "labels": [label],
                "state": "open",
                "comments": [],
            }
        )
        print(url)
    elif command == ["issue", "comment"]:
        issues[int(argv[2]) - 1]["comments"].append(stdin)
    elif command == ["issue", "close"]:
        issue = issues[int(argv[2]) - 1]
        issue["state"] = "closed"
        issue["comments"].append(argv[argv.index("--comment") + 1])
    elif command != ["label", "create"]:
        print(f"unknown command {command}", file=sys.stderr)
        return 1
    state_path.write_text(json.dumps(state))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
