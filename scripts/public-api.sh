#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to its package's PublicAPI.Unshipped.txt, then
# builds again. Run it after adding public API on purpose; review the diff of the PublicAPI files before committing.
# (The analyzer's code fix does the same in an IDE; `dotnet format analyzers` misses source-generated members.)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build SocialLearning.Sdk.sln -c Release > "$log" 2>&1 || true
python3 - "$log" "$PWD" <<'PY'
import collections, re, sys
log, root = sys.argv[1], sys.argv[2]
found = collections.defaultdict(set)
for line in open(log, encoding="utf-8"):
    m = re.search(r"RS0016: Symbol '(.+?)' is not part of the declared public API.*\[(" + re.escape(root) + r"/src/[^/]+)/", line)
    if m:
        found[m.group(2)].add(m.group(1))
for project, symbols in sorted(found.items()):
    path = project + "/PublicAPI.Unshipped.txt"
    lines = open(path, encoding="utf-8").read().splitlines()
    header, body = lines[0], set(lines[1:])
    open(path, "w", encoding="utf-8").write("\n".join([header] + sorted(body | symbols)) + "\n")
    print(f"{path}: {len(symbols)} added")
if not found:
    print("no undeclared public API")
PY
dotnet build SocialLearning.Sdk.sln -c Release -v q -nologo | tail -3
