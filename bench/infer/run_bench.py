#!/usr/bin/python3
"""Inference benchmark: libpanalyzer (bench_infer) vs PyTorch CPU on the same models, in the
same run, same thread count. Prints one table row per case with the ratio.

  /usr/bin/python3 bench/infer/run_bench.py BUILD_DIR [--seconds S] [--quick]

Cases: the default ss3 model on random ids [B, 256] for B = 1..256 (1 thread: latency
p50/p95/p99 per batch, residues/s); pa_predict_ss over CB513 (1 and 2 threads) vs PyTorch
with the same length-sorted batches; sgemm peak and one core's FMA peak (AVX-512 / AVX2) of
this machine and the engine's efficiency against both; mobilenet_v2 (random weights, exported to ONNX in a temporary directory) for 2-D
convolutions. The PyTorch ss3 model is rebuilt from the ONNX weights (BatchNorm already
folded), so both sides compute the same function. On a shared machine the wall-clock ratio
moves with the load; the CPU-time ratio (process CPU seconds on both sides) much less.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AA = "ACDEFGHIKLMNPQRSTVWY"


class SSFromOnnx(nn.Module):
    """The ss3 graph (tools/train_ss.py, BatchNorm folded) with the ONNX file's weights: one
    network, or an ensemble of them whose probabilities are averaged."""

    def __init__(self, path):
        super().__init__()
        g = onnx.load(path).graph
        init = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
        tables = [init[n.input[0]] for n in g.node if n.op_type == "Gather"]
        self.register_buffer("mask_table", [t for t in tables if t.shape[1] == 1][0])
        self.embs = [t for t in tables if t.shape[1] != 1]  # one per member, in graph order
        self.members, convs = nn.ModuleList(), nn.ModuleList()
        for n in (n for n in g.node if n.op_type == "Conv"):
            a = {x.name: list(x.ints) for x in n.attribute if x.ints}
            w = init[n.input[1]]
            c = nn.Conv1d(w.shape[1], w.shape[0], w.shape[2], padding=a["pads"][0],
                          dilation=a.get("dilations", [1])[0])
            c.weight.data, c.bias.data = w, init[n.input[2]]
            convs.append(c)
            if w.shape[0] == 3:  # a member's output layer ends it
                self.members.append(convs)
                convs = nn.ModuleList()

    @staticmethod
    def member(convs, x, mask):
        x = F.gelu(convs[0](x)) * mask
        for c in convs[1:-1]:
            x = (x + F.gelu(c(x))) * mask
        return torch.softmax(convs[-1](x), dim=1)

    def forward(self, ids):
        mask = F.embedding(ids, self.mask_table).transpose(1, 2)
        p = [self.member(convs, F.embedding(ids, e).transpose(1, 2), mask)
             for convs, e in zip(self.members, self.embs)]
        return (sum(p) / len(p)).transpose(1, 2)


def run_c(build, *args):
    exe = os.path.join(build, "bench", "infer", "bench_infer")
    out = subprocess.run([exe] + [str(a) for a in args], check=True, capture_output=True,
                         text=True, env=dict(os.environ, OPENBLAS_NUM_THREADS="1")).stdout
    return [json.loads(l) for l in out.splitlines() if l.startswith("{")]


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
    print(f"sgemm peak (1 thread, this run): {peak:.1f} GFLOP/s; FMA peak of one core: "
          f"{fma['avx512_gflops']:.1f} GFLOP/s AVX-512, {fma['avx2_gflops']:.1f} AVX2 (CPU "
          f"time); ss3: {flops_res / 1e6:.2f} MFLOP per residue")
    print("| case | libpanalyzer p50 / p95 / p99 ms | residues/s | PyTorch p50 ms | residues/s "
          "| ratio | ratio (CPU time) | GEMM eff. | FMA-peak eff. (CPU time) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    L = 256
    for B in ([1, 16, 64] if a.quick else [1, 4, 16, 64, 256]):
        secs = a.seconds if B <= 64 else a.seconds * 2
        c = run_c(a.build, "ss", "-", B, L, secs)[0]
        ids = torch.randint(1, 21, (B, L))
        t = time_torch(lambda: tm(ids), secs)
        t_rps = B * L / t["mean"]
        eff = c["items_per_s"] * flops_res / 1e9 / peak
        cpu_ratio = c["cpu_items_per_s"] / (B * L / t["cpu_mean"])
        fma_eff = c["cpu_items_per_s"] * flops_res / 1e9 / fma_peak
        print(f"| ss3 B={B} L={L} 1 thread | {c['p50_ms']:.1f} / {c['p95_ms']:.1f} / "
              f"{c['p99_ms']:.1f} | {c['items_per_s']:.0f} | {t['p50_ms']:.1f} | {t_rps:.0f} | "
              f"**{c['items_per_s'] / t_rps:.2f}x** | {cpu_ratio:.2f}x | {100 * eff:.0f} % | "
              f"{100 * fma_eff:.0f} % |", flush=True)

    cb = os.path.join(a.data, "cb513.tsv")
    if os.path.exists(cb):
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
