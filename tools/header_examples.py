#!/usr/bin/env python3
"""The usage examples at the top of the public headers, for the docs and the tests.

  header_examples.py filter HEADER
      doxygen INPUT_FILTER: the headers' plain /* */ comments become doc comments
      (the file comment documents the file, trailing ones the member before them) and
      the example block becomes a @code block. The headers stay the only source.
  header_examples.py check INCLUDE_DIR OUTDIR CC [CFLAGS...]
      compiles every header's example (inside a function, with the names it takes as
      given declared by PRELUDE below); exits 1 naming the header that fails.
"""
import os
import re
import subprocess
import sys

# Names each example uses without declaring them: (file scope, function scope).
PRELUDE = {
    "executor.h": ("static int parse_fn(void *c, pa_task *t) { (void)c; (void)t; return 0; }\n"
                   "static int align_fn(void *c, pa_task *t) { (void)c; (void)t; return 0; }\n"
                   "static int body(void *c, size_t lo, size_t hi, int w)\n"
                   "{ (void)c; (void)lo; (void)hi; (void)w; return 0; }\n",
                   "void *ctx = NULL; size_t n = 100;"),
    "infer.h": ("", "const char *seqs[] = {\"MKVLAAGLLLW\"}; size_t n = 1;"),
    "pipeline.h": ("", "pa_executor *ex = NULL; const char *paths[] = {\"1abc.cif\"};"
                   " size_t n = 1; void *ctx = NULL; pa_metrics *metrics = NULL;"),
    "sequence.h": ("", "const pa_structure *s = NULL;"),
}


def example(text):
    """(start, end) line indexes of the example block in the file comment, or None.

    The block is the first run of lines indented ' *   ' that looks like code (not a
    '- ' bullet list)."""
    lines = text.split("\n")
    start = None
    for i, line in enumerate(lines):
        if "*/" in line and start is None:
            return None
        code = line.startswith(" *   ")
        if code and start is None:
            if line[5:].lstrip().startswith("- "):
                return None
            start = i
        elif not code and start is not None:
            return start, i
    return None


def doxy_filter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    block = example(text)
    lines = text.split("\n")
    if block:
        s, e = block
        lines[e:e] = [" * @endcode"]
        lines[s:s] = [" * @code"]
    out = []
    for i, line in enumerate(lines):
        if i == 0:
            line = re.sub(r"^/\* panalyzer/(\w+\.h) — ", r"/** @file \1\n * ", line)
            line = re.sub(r"^/\* (panalyzer\.h) — ", r"/** @file \1\n * ", line)
        else:
            line = re.sub(r"^(\s*)/\* ", r"\1/** ", line)
            line = re.sub(r"([;,{])(\s*)/\* ", r"\1\2/**< ", line)
        if line.lstrip().startswith(("*", "/*")) or "/**<" in line:
            line = re.sub(r"<(\w+)>", r"\\<\1\\>", line)  # placeholders, not HTML tags
        out.append(line)
    sys.stdout.write("\n".join(out))


def snippet(header):
    with open(header, encoding="utf-8") as f:
        text = f.read()
    block = example(text)
    if not block:
        return None
    lines = text.split("\n")[block[0]:block[1]]
    return "\n".join(line[5:] for line in lines)


def c_source(name, code):
    """A translation unit around one example; a leading static function stays at file
    scope."""
    glob, local = PRELUDE.get(name, ("", ""))
    if code.startswith("static "):
        end = code.index("\n}\n") + 3
        glob, code = glob + code[:end], code[end:]
    fn = re.sub(r"\W", "_", name)
    return ("#include <panalyzer.h>\n#include <stdio.h>\n" + glob +
            f"\nvoid example_{fn}(void);\nvoid example_{fn}(void)\n{{\n{local}\n{code}\n}}\n")


def check(include, outdir, cc):
    os.makedirs(outdir, exist_ok=True)
    failed, done = [], 0
    hdir = os.path.join(include, "panalyzer")
    for name in sorted(os.listdir(hdir)):
        code = snippet(os.path.join(hdir, name))
        if code is None:
            continue
        src = os.path.join(outdir, f"example_{name[:-2]}.c")
        with open(src, "w", encoding="utf-8") as f:
            f.write(c_source(name, code))
        cmd = cc + ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable",
                    "-Wno-unused-but-set-variable", "-I", include, "-c", src, "-o",
                    src[:-2] + ".o"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        done += 1
        if r.returncode:
            failed.append(name)
            print(f"FAIL: the example at the top of panalyzer/{name} does not compile "
                  f"(generated {src}):\n{r.stderr}")
    print(f"{done - len(failed)}/{done} header examples compile")
    return 1 if failed or not done else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "filter":
        doxy_filter(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4:]))
    else:
        sys.exit(__doc__)
