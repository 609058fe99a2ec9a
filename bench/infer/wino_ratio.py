#!/usr/bin/python3
"""fp32 Winograd against fp32 direct and ONNX Runtime (issue 17): the built-in model on
random ids [B, 256], one thread, the three engines interleaved in every repeat so that a load
spike on a shared machine hits all of them; medians of the CPU-time rates (residues per CPU
second) and of the per-repeat ratios.

  taskset -c 1 /usr/bin/python3 bench/infer/wino_ratio.py BUILD_DIR [--repeats N]
      [--seconds S] [--batches 1,16,64]

BUILD_DIR must be configured with -Dbench=true; ONNX Runtime is onnxruntime-node, installed
by npm into BUILD_DIR/bench/infer/ort on first use (as run_bench.py does).
"""
import argparse, json, os, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_bench import ROOT, run_ort  # noqa: E402


def run_engine(build, B, L, seconds, winograd):
    """bench_infer ss with PA_INFER_WINOGRAD=1 (Winograd) or 0 (direct)."""
    exe = os.path.join(build, "bench", "infer", "bench_infer")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PA_BENCH_PRECISION="fp32",
               PA_INFER_WINOGRAD="1" if winograd else "0")
    out = subprocess.run([exe, "ss", "-", str(B), str(L), str(seconds)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")][0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--batches", default="1,16,64")
    a = ap.parse_args()
    model = os.path.join(ROOT, "models", "ss3.onnx")
    L = 256
    print("Residues per CPU second, 1 thread, L = 256, medians of %d interleaved repeats:\n"
          % a.repeats)
    print("| B | fp32 Winograd | fp32 direct | ONNX Runtime | Winograd / ORT | "
          "direct / ORT | Winograd / direct |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for B in (int(b) for b in a.batches.split(",")):
        rows = []
        for _ in range(a.repeats):
            w = run_engine(a.build, B, L, a.seconds, True)
            d = run_engine(a.build, B, L, a.seconds, False)
            o = run_ort(a.build, model, B, L, a.seconds)
            rows.append((w["cpu_items_per_s"], d["cpu_items_per_s"], o["cpu_items_per_s"]))
        med = [statistics.median(r[i] for r in rows) for i in range(3)]
        ratio = lambda i, j: statistics.median(r[i] / r[j] for r in rows)
        print(f"| {B} | {med[0]:.0f} | {med[1]:.0f} | {med[2]:.0f} | **{ratio(0, 2):.2f}** | "
              f"{ratio(1, 2):.2f} | {ratio(0, 1):.2f} |", flush=True)
    print(f"\nkernels: {w['kernel']} / {d['kernel']} / {o['kernel']}")


if __name__ == "__main__":
    sys.exit(main())
