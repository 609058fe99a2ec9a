#!/usr/bin/python3
"""fp32 Winograd against fp32 direct and ONNX Runtime (issue 17): the built-in model on
random ids [B, 256], one thread, the three engines interleaved in every repeat so that a load
spike on a shared machine hits all of them; medians of the CPU-time rates (residues per CPU
second) and of the per-repeat ratios.

  taskset -c 1 /usr/bin/python3 bench/infer/wino_ratio.py BUILD_DIR [--repeats N]
      [--seconds S] [--batches 1,16,64] [--reduced]

--reduced adds int8 and bf16 (where this CPU runs them) and their ratios to fp32 Winograd.

BUILD_DIR must be configured with -Dbench=true; ONNX Runtime is onnxruntime-node, installed
by npm into BUILD_DIR/bench/infer/ort on first use (as run_bench.py does).
"""
import argparse, json, os, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import ROOT, run_ort  # noqa: E402


def run_engine(build, B, L, seconds, winograd, precision="fp32"):
    """bench_infer ss with PA_INFER_WINOGRAD=1 (Winograd), 0 (direct) or auto (None: chosen
    by measurement at load, as the reduced precisions run by default)."""
    exe = os.path.join(build, "bench", "infer", "bench_infer")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PA_BENCH_PRECISION=precision,
               PA_INFER_WINOGRAD="auto" if winograd is None else "1" if winograd else "0")
    out = subprocess.run([exe, "ss", "-", str(B), str(L), str(seconds)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")][0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--batches", default="1,16,64")
    ap.add_argument("--reduced", action="store_true", help="also int8 and bf16")
    a = ap.parse_args()
    model = os.path.join(ROOT, "models", "ss3.onnx")
    L = 256
    print("Residues per CPU second, 1 thread, L = 256, medians of %d interleaved repeats:\n"
          % a.repeats)
    extra = ("int8", "bf16") if a.reduced else ()
    print("| B | fp32 Winograd | fp32 direct | ONNX Runtime | Winograd / ORT | "
          "direct / ORT | Winograd / direct |" + "".join(f" {p} | {p} / Winograd |"
                                                       for p in extra))
    print("|---:|---:|---:|---:|---:|---:|---:|" + "---:|---:|" * len(extra))
    for B in (int(b) for b in a.batches.split(",")):
        rows = []
        for _ in range(a.repeats):
            w = run_engine(a.build, B, L, a.seconds, True)
            d = run_engine(a.build, B, L, a.seconds, False)
            o = run_ort(a.build, model, B, L, a.seconds)
            r = [run_engine(a.build, B, L, a.seconds, None, p) for p in extra]
            kernels = [x["kernel"] for x in [w, d, o] + r]
            rows.append([x["cpu_items_per_s"] for x in [w, d, o] + r])
        med = [statistics.median(r[i] for r in rows) for i in range(len(rows[0]))]
        ratio = lambda i, j: statistics.median(r[i] / r[j] for r in rows)
        more = "".join(f" {med[3 + i]:.0f} | {ratio(3 + i, 0):.2f} |" for i in range(len(extra)))
        print(f"| {B} | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | **{ratio(0, 2):.2f}** | "
              f"{ratio(1, 2):.2f} | {ratio(0, 1):.2f} |{more}", flush=True)
    print("\nkernels: " + " / ".join(kernels))


if __name__ == "__main__":
    sys.exit(main())
