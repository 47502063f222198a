#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to its package's PublicAPI.Unshipped.txt, removes
# the ones it reports as gone (RS0017) from it, then builds again. Run it after adding public API on purpose; review the diff of the PublicAPI files before committing.
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
gone = collections.defaultdict(set)
for line in open(log, encoding="utf-8"):
    m = re.search(r"RS0016: Symbol '(.+?)' is not part of the declared public API.*\[(" + re.escape(root) + r"/src/[^/]+)/", line)
    if m:
        found[m.group(2)].add(m.group(1))
    m = re.search(r"RS0017: Symbol '(.+?)' is part of the declared API, but is either not public or could not be found.*\[(" + re.escape(root) + r"/src/[^/]+)/", line)
    if m:
        gone[m.group(2)].add(m.group(1))
for project in sorted(set(found) | set(gone)):
    path = project + "/PublicAPI.Unshipped.txt"
    lines = open(path, encoding="utf-8").read().splitlines()
    header, body = lines[0], set(lines[1:])
    open(path, "w", encoding="utf-8").write("\n".join([header] + sorted((body | found[project]) - gone[project])) + "\n")
    print(f"{path}: {len(found[project])} added, {len(gone[project])} removed")
if not found and not gone:
    print("the declared public API matches the code")
PY
dotnet build SocialLearning.Sdk.sln -c Release -v q -nologo | tail -3
