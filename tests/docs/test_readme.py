#!/usr/bin/env python3
"""README and code agree: the README's Python and R snippets (and the R package README's)
run as written, with more threads than this machine has cores, and print nothing on
stderr (the library never prints, oneTBB's warnings included).

usage: test_readme.py SOURCE_DIR BUILD_DIR
The snippets' free names (paths, refs.fa) are given in a scratch directory where
examples/ points to the source tree's. The R snippet runs when R and an installable
package are available, else it is skipped with a message; PA_TEST_NO_R=1 skips it too.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PY_PRELUDE = 'paths = ["examples/data/1crn.pdb", "examples/data/1ubq.cif"]\n'
R_PRELUDE = 'paths <- c("examples/data/1crn.pdb", "examples/data/1ubq.cif")\n'
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def snippets(readme, lang):
    with open(readme, encoding="utf-8") as f:
        return re.findall(r"^```" + lang + r"\n(.*?)^```", f.read(), re.S | re.M)


def oversubscribe(code):
    """threads = 4 in the README becomes more threads than cores on any machine."""
    n = max(4, 2 * (os.cpu_count() or 1))
    return re.sub(r"threads\s*=\s*4\b", f"threads = {n}", code), n


def run(cmd, env, cwd, what):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if r.returncode or r.stderr.strip():
        print(f"FAIL: README {what} snippet: exit {r.returncode}\n--- stderr:\n{r.stderr}"
              f"--- stdout:\n{r.stdout}")
        return 1
    print(f"ok: README {what} snippet, stderr empty")
    return 0


def python_snippets(src, build, tmp):
    code, n = oversubscribe("".join(snippets(os.path.join(src, "README.md"), "python")))
    with open(os.path.join(tmp, "readme.py"), "w", encoding="utf-8") as f:
        f.write(PY_PRELUDE + code)
    env = dict(os.environ, PANALYZER_LIB=os.path.join(build, "lib", "libpanalyzer.so"),
               PYTHONPATH=os.path.join(src, "bindings", "python"))
    print(f"Python snippet with {n} threads on {os.cpu_count()} cores")
    return run([PYTHON, "readme.py"], env, tmp, "Python")


def r_snippets(src, build, tmp):
    if os.environ.get("PA_TEST_NO_R") or not shutil.which("R"):
        print("skipped: README R snippet (R not installed or PA_TEST_NO_R set)")
        return 0
    lib = os.path.join(tmp, "rlib")
    os.mkdir(lib)
    pkg = os.path.join(tmp, "rpkg")
    shutil.copytree(os.path.join(src, "bindings", "r"), pkg)
    env = dict(os.environ, PANALYZER_CFLAGS="-I" + os.path.join(src, "include"),
               PANALYZER_LIBS=f"-L{build}/lib -lpanalyzer -Wl,-rpath,{build}/lib",
               OPENBLAS_NUM_THREADS="1")
    inst = subprocess.run(["R", "CMD", "INSTALL", "--no-docs", "--no-html", "-l", lib, pkg],
                          env=env, capture_output=True, text=True)
    if inst.returncode:
        print(f"FAIL: R CMD INSTALL of bindings/r:\n{inst.stdout}{inst.stderr}")
        return 1
    code, n = oversubscribe("".join(snippets(os.path.join(src, "README.md"), "r") +
                                    snippets(os.path.join(pkg, "README.md"), "r")))
    with open(os.path.join(tmp, "readme.R"), "w", encoding="utf-8") as f:
        f.write(R_PRELUDE + code)
    env["R_LIBS"] = lib
    print(f"R snippet with {n} threads on {os.cpu_count()} cores")
    return run(["Rscript", "--vanilla", "readme.R"], env, tmp, "R")


def dask_defaults(src):
    """The README states panalyzer.dask.run's defaults: they must be the code's."""
    with open(os.path.join(src, "README.md"), encoding="utf-8") as f:
        m = re.search(r"panalyzer\.dask\.run\(paths, client, files_per_task=(\d+), "
                      r"threads=(\d+)\)` \(those are the defaults\)", f.read())
    probe = ("import inspect; from panalyzer import dask as d; "
             "p = inspect.signature(d.run).parameters; "
             "print(p['files_per_task'].default, p['threads'].default)")
    env = dict(os.environ, PYTHONPATH=os.path.join(src, "bindings", "python"))
    out = subprocess.run([PYTHON, "-c", probe], env=env, capture_output=True, text=True)
    code = tuple(int(x) for x in out.stdout.split()) if out.returncode == 0 else out.stderr
    if not m or (int(m.group(1)), int(m.group(2))) != code:
        print(f"FAIL: README's panalyzer.dask.run defaults "
              f"{m.groups() if m else 'not found'} differ from the code's {code}")
        return 1
    print(f"ok: README and panalyzer.dask.run agree on the defaults {code}")
    return 0


def main():
    src, build = (os.path.abspath(p) for p in sys.argv[1:3])
    tmp = tempfile.mkdtemp()
    try:
        os.symlink(os.path.join(src, "examples"), os.path.join(tmp, "examples"))
        with open(os.path.join(tmp, "refs.fa"), "w", encoding="utf-8") as f:
            f.write(">crambin\nTTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN*\n"
                    ">ubiquitin\nmqifvktltgktitlevepsdtienvkakiqdkegippdqqrlifagkqledgrtlsdyniqkestlhlvlrlrgg\n")
        os.environ["PANALYZER_LIB"] = os.path.join(build, "lib", "libpanalyzer.so")
        return (dask_defaults(src) | python_snippets(src, build, tmp)
                | r_snippets(src, build, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
