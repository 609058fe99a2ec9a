#!/usr/bin/env python3
"""The man page lists exactly the options each subcommand's --help lists.

usage: test_man.py PANALYZE MANPAGE
Commands come from `panalyze --help`; each needs a section `.SS "panalyze CMD ..."`.
On a mismatch, prints which option is missing where, then exits 1.
"""
import re
import subprocess
import sys

OPT = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")


def run_help(pz, *args):
    return subprocess.run([pz, *args, "--help"], check=True, capture_output=True,
                          text=True).stdout


def commands(pz):
    text = run_help(pz).split("commands:", 1)[1]
    return [m.group(1) for m in re.finditer(r"^  (\w+)\s", text, re.M)]


def man_sections(path):
    """{command: set of options} from the `.SS "panalyze CMD ..."` sections."""
    sections, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\.SS "?panalyze (\w+)', line)
            if m:
                cur = sections.setdefault(m.group(1), set())
            elif line.startswith((".SH", ".SS")):
                cur = None
            elif cur is not None:
                cur.update(OPT.findall(line.replace("\\-", "-")))
    return sections


def main():
    pz, man = sys.argv[1], sys.argv[2]
    sections = man_sections(man)
    problems = []
    cmds = commands(pz)
    for cmd in cmds:
        helped = set(OPT.findall(run_help(pz, cmd))) - {"--help"}
        if cmd not in sections:
            problems.append(f"panalyze {cmd}: no section '.SS \"panalyze {cmd} ...\"' in "
                            f"the man page; its --help lists {' '.join(sorted(helped))}")
            continue
        for o in sorted(helped - sections[cmd]):
            problems.append(f"panalyze {cmd}: {o} is in `panalyze {cmd} --help` but not in "
                            f"the man page section")
        for o in sorted(sections[cmd] - helped):
            problems.append(f"panalyze {cmd}: {o} is in the man page section but not in "
                            f"`panalyze {cmd} --help`")
    for cmd in sorted(set(sections) - set(cmds)):
        problems.append(f"panalyze {cmd}: man page section for a command `panalyze --help` "
                        f"does not list")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} difference(s) between --help and {man}")
        return 1
    print(f"ok: {len(cmds)} commands, man page and --help agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
