"""panalyze run on long runs: directory walk, progress, signals and --resume,
--max-memory. Corpora are symlinks and generated files made at test time.

usage: test_longrun.py PANALYZE DATA_DIR [TEST...]
"""
import os
import pty
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from gen_pdb import write_pdb  # noqa: E402

P, DATA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
QUICK = bool(os.environ.get("PA_TEST_QUICK"))
CRN, UBQ = os.path.join(DATA, "1crn.pdb"), os.path.join(DATA, "1ubq.cif")


def run(*args, stdin=None, check_rc=None):
    """panalyze run ARGS."""
    p = cli("run", *args, stdin=stdin)
    if check_rc is not None:
        assert p.returncode == check_rc, (args, p.returncode, p.stderr)
    return p


def cli(*args, stdin=None):
    """panalyze ARGS (any subcommand)."""
    return subprocess.run([P, *args], input=stdin, capture_output=True, text=True, timeout=120)


def paths_of(tsv):
    seen = []
    for line in tsv.splitlines()[1:]:
        p = line.split("\t")[0]
        if not seen or seen[-1] != p:
            seen.append(p)
    return seen


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def test_walk(t):
    crn = open(CRN, "rb").read()
    import gzip
    d = os.path.join(t, "mirror")
    want = {  # taken: name looks like a structure file, not hidden
        "pdb/cr/pdb1crn.ent.gz": gzip.compress(crn),
        "pdb/cr/1crn.pdb": crn,
        "mmCIF/ub/1UBQ.CIF": open(UBQ, "rb").read(),
        "a.cif": open(UBQ, "rb").read(),
        "a/x.pdb": crn,          # "a.cif" < "a/x.pdb" in path order
        "a-b.pdb": crn,
        "z.xml.zst": b"not zstd",  # taken by name; fails to read (exit 1)
    }
    skipped = {"notes.txt": b"x", ".hidden/y.pdb": crn, "a/.z.pdb": crn, "pdb/cr/1crn.pdb.bak": crn}
    for k, v in {**want, **skipped}.items():
        write(os.path.join(d, k), v)
    os.symlink(os.path.join(d, "pdb"), os.path.join(d, "link-to-dir"))  # not followed
    os.symlink(CRN, os.path.join(d, "link.pdb"))                         # taken
    want["link.pdb"] = crn
    expect = sorted(os.path.join(d, k) for k in want)  # byte order of the full paths
    p = run("--threads", "2", d, check_rc=1)
    assert "z.xml.zst" in p.stderr, p.stderr
    assert paths_of(p.stdout) == [x for x in expect if not x.endswith(".zst")], p.stdout
    p = run("--include", "*.gz", "--include", "*.CIF", d, check_rc=0)
    assert paths_of(p.stdout) == [os.path.join(d, "mmCIF/ub/1UBQ.CIF"),
                                  os.path.join(d, "pdb/cr/pdb1crn.ent.gz")]
    p = run("--exclude", "pdb", "--exclude", "*/a/*", "--exclude", "*.zst", d, check_rc=0)
    assert paths_of(p.stdout) == [os.path.join(d, k) for k in
                                  ("a-b.pdb", "a.cif", "link.pdb", "mmCIF/ub/1UBQ.CIF")], p.stdout
    # --from - : directories and files, in list order; the same rows as seq for a file
    p = run("--from", "-", "--exclude", "*.zst", stdin=f"{d}/pdb\n# comment\n{CRN}\n", check_rc=0)
    assert paths_of(p.stdout) == [os.path.join(d, "pdb/cr/1crn.pdb"),
                                  os.path.join(d, "pdb/cr/pdb1crn.ent.gz"), CRN]
    run("--include", check_rc=2)
    run(os.path.join(t, "missing-dir"), check_rc=1)
    # the other subcommands that take files walk the same way
    taken = [x for x in expect if not x.endswith(".zst")]
    p = cli("seq", "--format", "tsv", "--exclude", "*.zst", d)
    assert p.returncode == 0 and paths_of(p.stdout) == taken, p.stderr
    p = cli("seq", "--threads", "2", "--format", "tsv", "--exclude", "*.zst", d)
    assert p.returncode == 0 and paths_of(p.stdout) == taken, p.stderr
    p = cli("validate", "--exclude", "*.zst", d)
    assert p.returncode == 0, p.stderr
    assert [l.rsplit(": ", 1)[0] for l in p.stdout.splitlines() if l.endswith(": OK")] == taken
    p = cli("ss", "--include", "*.gz", d)
    assert p.returncode == 0 and p.stdout.splitlines()[1].startswith("pdb1crn_A\t"), p.stdout


def test_stream_from_pipe(t):
    """Paths from a pipe are processed as they come, before the list ends."""
    p = subprocess.Popen([P, "run", "--from", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    watchdog = threading.Timer(60, p.kill)  # a run that waits for the list's end hangs
    watchdog.start()
    try:
        assert p.stdout.readline().startswith("path\t")
        for f in (CRN, UBQ):
            p.stdin.write(f + "\n")
            p.stdin.flush()
            assert p.stdout.readline().startswith(f + "\t"), "no row before the list ended"
        p.stdin.close()
        assert p.wait(60) == 0
    finally:
        watchdog.cancel()
        if p.poll() is None:
            p.kill()


def corpus(t, name, n, target=UBQ):
    d = os.path.join(t, name)
    os.makedirs(d)
    for i in range(n):
        os.symlink(target, os.path.join(d, "f%06d.cif" % i))
    return d


PROGRESS = re.compile(r"^(\d+)/(\d+)\+? files  \d+ files/s(  ETA \d+ s)?  (\d+) failed$")


def test_progress(t):
    d = corpus(t, "prog", 300)
    p = run("--progress", "--threads", "2", d, check_rc=0)
    lines = [l for l in p.stderr.splitlines() if PROGRESS.match(l)]
    assert lines, p.stderr
    m = PROGRESS.match(lines[-1])
    assert m.group(1) == m.group(2) == "300" and m.group(4) == "0", lines[-1]
    assert re.search(r"300 files: 300 read, 0 failed; 300 chains, \d+ residues; ", p.stderr)
    assert re.search(r"read .*p50 .* ms  p95 .* ms  p99 .* ms", p.stderr), p.stderr
    p = run("--quiet", d, check_rc=0)
    assert p.stderr == "", p.stderr
    # on a terminal: one line redrawn in place ("\r", erase to the end of the line)
    master, slave = pty.openpty()
    proc = subprocess.Popen([P, "run", d], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    tty = b""
    while True:  # read while it runs, so that a full terminal buffer cannot block it
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the other side is closed
            break
        if not chunk:
            break
        tty += chunk
    os.close(master)
    rc = proc.wait(120)
    assert rc == 0 and b"\r300/300 files  " in tty and b"\x1b[K" in tty, tty
    p = run(d, check_rc=0)  # not a terminal, no --progress: the summary only
    assert not any(PROGRESS.match(l) for l in p.stderr.splitlines()) and "300 files" in p.stderr


def lines_ok(path, fields):
    data = open(path).read()
    assert data.endswith("\n"), "a cut record"
    for line in data.splitlines():
        assert len(line.split("\t")) == fields, line
    return data


def interrupt(args, sig, out, twice=False):
    """Start the CLI, wait until it has written records, signal it."""
    p = subprocess.Popen([P, "run", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        if os.path.exists(out) and open(out).read().count("\n") > 20:
            break
        time.sleep(0.01)
    p.send_signal(sig)
    if twice:
        p.send_signal(sig)
    err = p.communicate(timeout=60)[1]
    return p.returncode, err


def test_signals(t):
    n = 1000 if QUICK or sanitized() else 3000  # sanitizers: 5-15x slower
    d = corpus(t, "sig", n)
    full = run("--threads", "2", d, check_rc=0).stdout
    out = os.path.join(t, "out.tsv")
    rc, err = interrupt(["--threads", "1", "--output", out, d], signal.SIGINT, out)
    assert rc == 130, (rc, err)
    assert "interrupted by SIGINT" in err, err
    part = lines_ok(out, 7)
    assert full.startswith(part) and len(part) < len(full), "not an interrupted prefix"
    p = run("--threads", "2", "--output", out, "--resume", d, check_rc=0)
    assert open(out).read() == full, "resumed output differs from the uninterrupted run"
    assert "already in" in p.stderr
    # SIGTERM, unordered JSONL: the same set of records once resumed
    out = os.path.join(t, "out.jsonl")
    full = run("--threads", "2", "--format", "jsonl", d, check_rc=0).stdout
    rc, err = interrupt(["--threads", "2", "--unordered", "--format", "jsonl", "--output", out, d],
                        signal.SIGTERM, out)
    assert rc == 143, (rc, err)
    data = open(out).read()
    assert data.endswith("\n") and all(l.endswith("]}") for l in data.splitlines())
    run("--threads", "2", "--unordered", "--format", "jsonl", "--output", out, "--resume", d,
        check_rc=0)
    assert sorted(open(out).read().splitlines()) == sorted(full.splitlines())
    # a second SIGINT leaves at once
    out = os.path.join(t, "out2.tsv")
    rc, _ = interrupt(["--threads", "1", "--output", out, d], signal.SIGINT, out, twice=True)
    assert rc == 130, rc
    # --resume needs --output; a file of other columns is not resumed
    run("--resume", d, check_rc=2)
    run("--ss", "--output", os.path.join(t, "out.tsv"), "--resume", d, check_rc=2)


def measure(args):
    """(rc, stdout, stderr, peak RSS MiB) of one run, in a fresh child."""
    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True)\n"
            "sys.stdout.buffer.write(p.stdout); sys.stderr.buffer.write(p.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(p.returncode)\n")
    p = subprocess.run([sys.executable, "-c", code, P, *args], capture_output=True, text=True,
                       timeout=120)
    err = p.stderr.rstrip("\n").rsplit("\n", 1)
    return p.returncode, p.stdout, err[0] if len(err) > 1 else "", int(err[-1]) / 1024


def sanitized():
    with open(P, "rb") as f:
        b = f.read()
    return b"__asan_init" in b or b"__tsan_init" in b


def test_memory(t):
    d = os.path.join(t, "mem")
    os.makedirs(d)
    atoms = 60000 if QUICK else 150000  # ~12 MB of text each
    for k in range(2):
        write_pdb(os.path.join(d, "big%d.pdb" % k), atoms)
    for i in range(40):
        os.symlink(CRN, os.path.join(d, "small%02d.pdb" % i))
    rc, ref, _, _ = measure(["run", "--threads", "2", "--quiet", d])
    assert rc == 0
    budget = 16  # each big file is estimated at ~20 MB: runs alone
    rc, out, err, rss = measure(["run", "--threads", "2", "--max-memory", "%dM" % budget, d])
    assert rc == 0, err
    assert out == ref, "a memory budget changed the rows"
    if not QUICK:
        assert err.count("more than the memory budget") == 2, err
    if not sanitized():  # shadow memory makes RSS meaningless under sanitizers
        assert rss <= 1.25 * budget + 64, "peak RSS %.1f MiB over the budget" % rss
    rc, out, _, _ = measure(["run", "--max-memory", "1G", "--threads", "2", d])
    assert rc == 0 and out == ref
    run("--max-memory", "lots", d, check_rc=2)


def main():
    tests = {k[5:]: v for k, v in globals().items() if k.startswith("test_")}
    names = sys.argv[3:] or list(tests)
    for name in names:
        with tempfile.TemporaryDirectory() as t:
            t0 = time.time()
            tests[name](t)
            print("ok %s (%.1f s)" % (name, time.time() - t0))


if __name__ == "__main__":
    main()
