#!/usr/bin/env python3
"""Export check: the shared library exports exactly the PA_API functions of the
public headers, and nothing else (no pai_* internals, no C++ or libc leakage).

usage: check_exports.py <libpanalyzer.so> <include/panalyzer dir>
Exit 0 when the sets match, 1 otherwise (differences printed), 77 (skip) without nm."""
import os
import re
import shutil
import subprocess
import sys

# `PA_API <return type> pa_name(`; the name is on the PA_API line by house style.
DECL = re.compile(r'\bPA_API\b[^;(]*?\b(pa_\w+)\s*\(')
# Any top-level function prototype naming a pa_ function (to catch a missing PA_API).
PROTO = re.compile(r'\s*[A-Za-z_][\w\s\*]*?\b(pa_\w+)\s*\([^)]*\)\s*$', re.S)


def declared(include_dir, unmarked):
    names = {}
    for fn in sorted(os.listdir(include_dir)):
        if not fn.endswith('.h'):
            continue
        with open(os.path.join(include_dir, fn), encoding='utf-8') as f:
            text = f.read()
        text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)  # drop comments
        text = re.sub(r'//[^\n]*', ' ', text)
        # Drop preprocessor lines (the PA_API macro definition itself); a
        # declaration may wrap, so match over the whole text.
        text = '\n'.join(l for l in text.splitlines() if not l.lstrip().startswith('#'))
        for m in DECL.finditer(text):
            names[m.group(1)] = fn
        for stmt in re.split(r'[;{}]', text):
            m = PROTO.match(stmt)
            if m and 'PA_API' not in stmt and not re.match(r'\s*(typedef|static|extern\s+"C")\b', stmt):
                unmarked.append(f'{fn}: {m.group(1)}')
    return names


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[1] == 'A':  # 'A': the version node itself
            continue
        syms.add(parts[2].split('@')[0])
    return syms


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    if not shutil.which('nm'):
        print('nm not found; skipping')
        return 77
    unmarked = []
    decl = declared(sys.argv[2], unmarked)
    exp = exported(sys.argv[1])
    ok = True
    for what in unmarked:
        print(f'public prototype without PA_API: {what}')
        ok = False
    for name in sorted(set(decl) - exp):
        print(f'declared PA_API in {decl[name]} but not exported: {name}')
        ok = False
    for name in sorted(exp - set(decl)):
        why = 'not pa_-prefixed' if not name.startswith('pa_') else 'not declared PA_API'
        print(f'exported but {why}: {name}')
        ok = False
    print(f'{len(decl)} declared, {len(exp)} exported')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
