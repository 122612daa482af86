#!/usr/bin/env bash
# Every target in Package.swift declares exactly the project modules its files import (issue 22):
# a missing declaration builds only by luck of the build order, an extra one is a false edge in the
# layering (docs/contributing.md). System modules (Foundation, Glibc, Dispatch, ...) and the
# ArgumentParser product are not checked. Exit 1 with one line per mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import re, os, sys
manifest = open('Package.swift').read()
targets = {}
for m in re.finditer(r'\.(?:executableTarget|testTarget|target)\(name: "([^"]+)"(?:, dependencies: \[(.*?)\])?', manifest, re.S):
    deps = re.sub(r'\.product\(.*?\)', '', m.group(2) or '', flags=re.S)
    targets[m.group(1)] = set(re.findall(r'"([^"]+)"', deps))
project = set(targets) | {'CNcurses', 'CZlib'}
bad = []
for name, declared in targets.items():
    folder = ('Tests/' if name.endswith('Tests') else 'Sources/') + name
    if not os.path.isdir(folder):
        continue
    imported = set()
    for root, _, files in os.walk(folder):
        if '/Resources' in root or '/Golden' in root:
            continue
        for f in files:
            if f.endswith('.swift'):
                for line in open(os.path.join(root, f)):
                    m = re.match(r'\s*(?:@testable\s+)?import\s+(\w+)', line)
                    if m and m.group(1) in project:
                        imported.add(m.group(1))
    for missing in sorted(imported - declared):
        bad.append(f'{name} imports {missing} but does not declare it')
    for extra in sorted(declared - imported):
        bad.append(f'{name} declares {extra} but no file imports it')
for line in bad:
    print('check-imports: ' + line, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
