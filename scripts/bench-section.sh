#!/usr/bin/env bash
# Replaces the section NAME of docs/benchmarks.md with the contents of FILE (markdown).
#   scripts/bench-section.sh NAME FILE
# Sections are delimited by <!-- BEGIN NAME --> / <!-- END NAME --> and appended if absent.
set -euo pipefail
name=$1 file=$2
top=$(cd "$(dirname "$0")/.." && pwd)
doc="$top/docs/benchmarks.md"
[ -f "$doc" ] || printf '# Benchmarks\n\nMeasured on the project machine (2 cores). Each section is rewritten by its benchmark script.\n' > "$doc"
python3 - "$doc" "$name" "$file" <<'PY'
import sys, re
doc, name, file = sys.argv[1:]
text = open(doc).read()
body = open(file).read().rstrip() + "\n"
begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
block = f"{begin}\n{body}{end}\n"
if begin in text and end in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end) + r"\n?", lambda m: block, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + block
open(doc, "w").write(text)
PY
