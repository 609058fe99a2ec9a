#!/usr/bin/python3
"""Inference benchmark: libpanalyzer (bench_infer) in fp32, bf16 and int8 vs ONNX Runtime
(npm onnxruntime-node, installed here into BUILD/bench/infer/ort, one intra-op thread) and
PyTorch CPU on the same model, in the same run, same thread count. Prints one table row per
case with the ratios.

  /usr/bin/python3 bench/infer/run_bench.py BUILD_DIR [--seconds S] [--quick] [--no-ort]

Cases: the default model on random ids [B, 256] for B = 1, 16, 64 (more without --quick),
1 thread: residues/s of each precision and each peer, and the ratios the issue asks for
(int8 / fp32, bf16 / fp32, fp32 / ONNX Runtime); accuracy of each precision on CB513 and
TS115 (Q3, Q8, per-residue probability error against fp32); pa_predict_ss over CB513 (1 and
2 threads) vs PyTorch; sgemm and FMA peaks of this machine; mobilenet_v2 for 2-D
convolutions (not with --quick). The PyTorch model is rebuilt from the ONNX weights
(BatchNorm already folded). On a shared machine the wall-clock ratio moves with the load; the
CPU-time ratio (process CPU seconds on both sides) much less.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from train_ss import onnx_tensors  # noqa: E402 (no onnx package needed)

AA = "ACDEFGHIKLMNPQRSTVWY"


class SSFromOnnx(nn.Module):
    """The ss3 graph (tools/train_ss.py, BatchNorm folded) with the ONNX file's weights: one
    network (with its 8-state head when it has one), or an ensemble whose probabilities are
    averaged."""

    def __init__(self, path):
        super().__init__()
        init, nodes = onnx_tensors(path)
        init = {k: torch.from_numpy(v) for k, v in init.items()}
        tables = [init[n[1][0]] for n in nodes if n[0] == "Gather" and n[1][0] in init]
        self.register_buffer("mask_table", [t for t in tables if t.shape[1] == 1][0])
        self.embs = [t for t in tables if t.shape[1] != 1]  # one per member, in graph order
        self.members, convs, self.head8 = nn.ModuleList(), nn.ModuleList(), None
        for op, ins, attrs in nodes:
            if op != "Conv":
                continue
            w = init[ins[1]]
            c = nn.Conv1d(w.shape[1], w.shape[0], w.shape[2], padding=attrs["pads"][0],
                          dilation=(attrs.get("dilations") or [1])[0])
            c.weight.data, c.bias.data = w, init[ins[2]]
            if w.shape[0] == 8:  # the 8-state head of the last member
                self.head8 = c
                continue
            convs.append(c)
            if w.shape[0] == 3:  # a member's output layer ends it
                self.members.append(convs)
                convs = nn.ModuleList()

    def member(self, convs, x, mask):
        x = F.gelu(convs[0](x)) * mask
        for c in convs[1:-1]:
            x = (x + F.gelu(c(x))) * mask
        if self.head8 is not None:
            torch.softmax(self.head8(x), dim=1)  # computed, as the engine does
        return torch.softmax(convs[-1](x), dim=1)

    def forward(self, ids):
        mask = F.embedding(ids, self.mask_table).transpose(1, 2)
        p = [self.member(convs, F.embedding(ids, e).transpose(1, 2), mask)
             for convs, e in zip(self.members, self.embs)]
        return (sum(p) / len(p)).transpose(1, 2)


def run_c(build, *args, precision="fp32"):
    exe = os.path.join(build, "bench", "infer", "bench_infer")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PA_BENCH_PRECISION=precision)
    out = subprocess.run([exe] + [str(a) for a in args], check=True, capture_output=True,
                         text=True, env=env).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


def ort_dir(build):
    """onnxruntime-node in a bench-local folder (npm; not a project dependency)."""
    d = os.path.join(build, "bench", "infer", "ort")
    if not os.path.isdir(os.path.join(d, "node_modules", "onnxruntime-node")):
        os.makedirs(d, exist_ok=True)
        # --ignore-scripts: the CPU library ships in the package; the install script only
        # fetches GPU providers
        subprocess.run(["npm", "install", "--prefix", d, "--no-audit", "--no-fund",
                        "--ignore-scripts", "--loglevel=error", "onnxruntime-node"], check=True)
    return os.path.join(d, "node_modules")


def run_ort(build, model, B, L, seconds):
    js = os.path.join(ROOT, "bench", "infer", "ort_bench.js")
    out = subprocess.run(["node", js, model, str(B), str(L), str(seconds)], check=True,
                         capture_output=True, text=True,
                         env=dict(os.environ, NODE_PATH=ort_dir(build))).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")][0]


def time_torch(fn, seconds):
    with torch.inference_mode():
        fn()
        lat, end, c0 = [], time.perf_counter() + seconds, time.process_time()
        while len(lat) < 3 or time.perf_counter() < end:
            t0 = time.perf_counter()
            fn()
            lat.append(time.perf_counter() - t0)
        cpu = (time.process_time() - c0) / len(lat)
    lat.sort()
    pick = lambda p: lat[min(len(lat) - 1, max(0, int(p * len(lat) + 0.5) - 1))]
    return {"p50_ms": 1e3 * pick(.5), "p95_ms": 1e3 * pick(.95), "p99_ms": 1e3 * pick(.99),
            "mean": sum(lat) / len(lat), "cpu_mean": cpu, "runs": len(lat)}


def read_seqs(path):
    with open(path) as f:
        hdr = f.readline().rstrip("\n").split("\t")
        col = hdr.index("seq")
        return [l.rstrip("\n").split("\t")[col] for l in f if l.strip()]


def torch_predict(model, seqs, batch):
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    tok = {a: i + 1 for i, a in enumerate(AA)}
    for b in range(0, len(order), batch):
        idx = order[b:b + batch]
        L = max(len(seqs[i]) for i in idx)
        ids = np.zeros((len(idx), L), np.int64)
        for k, i in enumerate(idx):
            ids[k, :len(seqs[i])] = [tok.get(c, 21) for c in seqs[i].upper()]
        model(torch.from_numpy(ids)).argmax(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--quick", action="store_true", help="fewer batch sizes, no mobilenet")
    ap.add_argument("--no-ort", action="store_true", help="skip ONNX Runtime (no npm)")
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "ss"))
    a = ap.parse_args()
    model_path = os.path.join(ROOT, "models", "ss3.onnx")
    torch.set_num_threads(1)
    tm = SSFromOnnx(model_path).eval()

    peak = max(r["gflops"] for r in run_c(a.build, "gemm", 160, 4096, 800, 1) +
               run_c(a.build, "gemm", 1024, 1024, 1024, 1))
    fma = run_c(a.build, "fma", 1)[0]
    fma_peak = fma["avx512_gflops"] or fma["avx2_gflops"]
    flops_res = sum(2 * c.weight.numel() for m in tm.members for c in m)  # 2 x MACs per residue
    flops_res += 2 * tm.head8.weight.numel() if tm.head8 is not None else 0
    print(f"sgemm peak (1 thread, this run): {peak:.1f} GFLOP/s; FMA peak of one core: "
          f"{fma['avx512_gflops']:.1f} GFLOP/s AVX-512, {fma['avx2_gflops']:.1f} AVX2 (CPU "
          f"time); ss3: {flops_res / 1e6:.2f} MFLOP per residue")
    print("\nResidues/s, 1 thread, L = 256 (CPU-time rate in parentheses); ratios on wall "
          "time / CPU time:\n")
    print("| B | fp32 | bf16 | int8 | ONNX Runtime fp32 | ONNX Runtime int8 | PyTorch fp32 "
          "| int8 / fp32 | bf16 / fp32 | fp32 / ORT | int8 / ORT int8 | fp32 / PyTorch "
          "| fp32 FMA-peak eff. |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    L = 256
    # ONNX Runtime's int8 peer: the model as its dynamic quantiser writes it (ConvInteger)
    qdir = tempfile.TemporaryDirectory()
    ort_q = os.path.join(qdir.name, "ss3_dynamic_int8.onnx")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "infer", "ort_quantize.py"),
                    model_path, ort_q], check=True, capture_output=True)
    for B in ([1, 16, 64] if a.quick else [1, 4, 16, 64, 256]):
        secs = a.seconds if B <= 64 else a.seconds * 2
        c = {p: run_c(a.build, "ss", "-", B, L, secs, precision=p)[0]
             for p in ("fp32", "bf16", "int8")}
        o = run_ort(a.build, model_path, B, L, secs) if not a.no_ort else None
        oq = run_ort(a.build, ort_q, B, L, secs) if not a.no_ort else None
        ids = torch.randint(1, 21, (B, L))
        t = time_torch(lambda: tm(ids), secs)
        t_rps, t_cpu = B * L / t["mean"], B * L / t["cpu_mean"]
        r = lambda x, y: f"{x['items_per_s'] / y['items_per_s']:.2f} / " \
                         f"{x['cpu_items_per_s'] / y['cpu_items_per_s']:.2f}"
        cell = lambda x: f"{x['items_per_s']:.0f} ({x['cpu_items_per_s']:.0f})"
        f32 = c["fp32"]
        fma_eff = f32["cpu_items_per_s"] * flops_res / 1e9 / fma_peak
        print(f"| {B} | {cell(f32)} | {cell(c['bf16'])} {c['bf16']['kernel']} | "
              f"{cell(c['int8'])} {c['int8']['kernel']} | {cell(o) if o else '-'} | "
              f"{cell(oq) if oq else '-'} | "
              f"{t_rps:.0f} ({t_cpu:.0f}) | **{r(c['int8'], f32)}** | **{r(c['bf16'], f32)}** | "
              f"**{r(f32, o) if o else '-'}** | {r(c['int8'], oq) if oq else '-'} | "
              f"{f32['items_per_s'] / t_rps:.2f} / "
              f"{f32['cpu_items_per_s'] / t_cpu:.2f} | {100 * fma_eff:.0f} % |", flush=True)

    print("\nAccuracy of each precision (built-in model; probability error against fp32):\n")
    print("| set | precision | kernel | Q3 | Q8 | mean abs prob. error | max abs prob. error "
          "| argmax agrees with fp32 |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for name in ("cb513.tsv", "ts115.tsv"):
        path = os.path.join(a.data, name)
        for r in (run_c(a.build, "accuracy", "-", path) if os.path.exists(path) else []):
            print(f"| {name} | {r['precision']} | {r['kernel']} | {r['q3']:.2f} | {r['q8']:.2f} "
                  f"| {r['prob_mean_abs_err']:.5f} | {r['prob_max_abs_err']:.4f} "
                  f"| {100 * r['argmax_agree']:.2f} % |", flush=True)
    print()

    cb = os.path.join(a.data, "cb513.tsv")
    if os.path.exists(cb):
        print("| case | libpanalyzer fp32 batch p50 / p95 / p99 ms | residues/s | | PyTorch "
              "residues/s | ratio | | | |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        seqs = read_seqs(cb)
        nres = sum(map(len, seqs))
        for threads in (1, 2):
            c = run_c(a.build, "predict", "-", cb, threads, 32)[0]
            torch.set_num_threads(threads)
            with torch.inference_mode():
                torch_predict(tm, seqs[:32], 32)
                t0 = time.perf_counter()
                torch_predict(tm, seqs, 32)
                dt = time.perf_counter() - t0
            print(f"| pa_predict_ss CB513 ({len(seqs)} seqs) batch 32, {threads} thread(s) | "
                  f"batch {c['batch_p50_ms']:.1f} / {c['batch_p95_ms']:.1f} / "
                  f"{c['batch_p99_ms']:.1f} | {c['items_per_s']:.0f} | | {nres / dt:.0f} | "
                  f"**{c['items_per_s'] / (nres / dt):.2f}x** | | | |", flush=True)
        torch.set_num_threads(1)

    if not a.quick:
        import torchvision
        net = torchvision.models.mobilenet_v2(weights=None).eval()
        print("\n| case | libpanalyzer fp32 p50 / p95 / p99 ms | images/s | PyTorch p50 ms | "
              "images/s | ratio | ratio (CPU time) | | |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "mobilenet_v2.onnx")
            torch.onnx.export(net, torch.randn(1, 3, 224, 224), p, opset_version=13,
                              input_names=["x"], output_names=["y"],
                              dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
            for N in (1, 8):
                c = run_c(a.build, "image", p, N, 3, 224, 224, a.seconds)[0]
                x = torch.randn(N, 3, 224, 224)
                t = time_torch(lambda: net(x), a.seconds)
                print(f"| mobilenet_v2 N={N} 224x224 1 thread | {c['p50_ms']:.1f} / "
                      f"{c['p95_ms']:.1f} / {c['p99_ms']:.1f} | {c['items_per_s']:.1f} img/s | "
                      f"{t['p50_ms']:.1f} | {N / t['mean']:.1f} img/s | "
                      f"**{c['items_per_s'] / (N / t['mean']):.2f}x** | "
                      f"{c['cpu_items_per_s'] / (N / t['cpu_mean']):.2f}x | | |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
