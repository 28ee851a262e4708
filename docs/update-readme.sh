#!/usr/bin/env bash
# Regenerates the actions reference in README.md from the actions' own specs (the one source of truth).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/perfplan.jar ] || mvn -q -B -DskipTests package
java -jar target/perfplan.jar actions --markdown > target/actions.md
python3 - <<'PY'
import re
md = open('target/actions.md').read()
s = open('README.md').read()
s = re.sub(r'<!-- actions:start -->.*<!-- actions:end -->', lambda m: '<!-- actions:start -->\n' + md + '<!-- actions:end -->', s, flags=re.S)
open('README.md', 'w').write(s)
PY
echo "README.md: actions reference updated"
