#!/usr/bin/python3
"""Build the small ONNX models and PyTorch reference outputs used by tests/infer.

For every case: tests/data/infer/<name>.onnx and <name>.io (inputs followed by PyTorch's
outputs).  .io format, little-endian: b"PAIO", u32 ninputs, u32 noutputs, then per tensor
u32 dtype (1 float32, 7 int64), u32 ndim, i64 shape[ndim], raw data.  The test inputs have
other shapes than the export example wherever an axis is dynamic, so dynamic axes are
exercised.  cases.txt lists the cases.  Also writes unsupported.onnx (an operator the engine
lacks).  Usage (from the repository root): /usr/bin/python3 tools/make_infer_testdata.py
"""
import os
import struct

import numpy as np
import onnx
import onnx.helper as oh
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = "tests/data/infer"


def write_io(path, ins, outs):
    with open(path, "wb") as f:
        f.write(b"PAIO" + struct.pack("<II", len(ins), len(outs)))
        for t in list(ins) + list(outs):
            a = np.ascontiguousarray(t.detach().numpy() if torch.is_tensor(t) else t)
            dt = 1 if a.dtype == np.float32 else 7
            a = a.astype(np.float32 if dt == 1 else np.int64)
            f.write(struct.pack("<II", dt, a.ndim))
            f.write(struct.pack("<%dq" % a.ndim, *a.shape))
            f.write(a.tobytes())


def case(name, model, example, test_inputs, dynamic=None, opset=13):
    model.eval()
    names = ["in%d" % i for i in range(len(example))]
    path = os.path.join(OUT, name + ".onnx")
    torch.onnx.export(model, tuple(example), path, opset_version=opset, input_names=names,
                      output_names=["out"], dynamic_axes=dynamic or {})
    with torch.no_grad():
        out = model(*test_inputs)
    outs = out if isinstance(out, (tuple, list)) else [out]
    write_io(os.path.join(OUT, name + ".io"), test_inputs, outs)
    ops = sorted({n.op_type for n in onnx.load(path).graph.node})
    print(f"{name}: {', '.join(ops)}")
    return name


class Lambda(nn.Module):
    def __init__(self, fn, *mods):
        super().__init__()
        self.fn = fn
        self.mods = nn.ModuleList(mods)

    def forward(self, *x):
        return self.fn(self.mods, *x)


def r(*shape):
    return torch.randn(*shape)


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    cases = []
    dyn3 = {"in0": {0: "b", 2: "l"}}
    cases.append(case("conv1d", nn.Conv1d(4, 6, 5, dilation=2, padding=4), [r(1, 4, 9)],
                      [r(3, 4, 17)], dyn3))
    cases.append(case("conv1d_groups_stride", nn.Conv1d(6, 4, 3, stride=2, padding=1, groups=2),
                      [r(1, 6, 8)], [r(2, 6, 11)], dyn3))
    cases.append(case("conv1d_nobias_k1", nn.Conv1d(5, 3, 1, bias=False), [r(1, 5, 4)],
                      [r(2, 5, 7)], dyn3))
    dyn4 = {"in0": {0: "b", 2: "h", 3: "w"}}
    cases.append(case("conv2d", nn.Conv2d(3, 8, 3, stride=2, padding=1), [r(1, 3, 8, 8)],
                      [r(2, 3, 9, 10)], dyn4))
    cases.append(case("conv2d_depthwise", nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8),
                      [r(1, 8, 6, 6)], [r(2, 8, 7, 5)], dyn4))
    cases.append(case("conv2d_1x1", nn.Conv2d(8, 5, 1), [r(1, 8, 3, 3)], [r(2, 8, 4, 6)], dyn4))
    cases.append(case("conv2d_asym", nn.Conv2d(4, 6, (3, 2), stride=(1, 2), padding=(1, 0),
                                               groups=2), [r(1, 4, 5, 6)], [r(1, 4, 6, 7)], dyn4))
    cases.append(case("matmul_broadcast", Lambda(lambda m, a, b: a @ b),
                      [r(2, 3, 5, 7), r(2, 1, 7, 4)], [r(2, 3, 5, 7), r(2, 1, 7, 4)]))
    cases.append(case("linear3d", nn.Linear(7, 5), [r(2, 3, 7)], [r(4, 6, 7)],
                      {"in0": {0: "b", 1: "l"}}))
    cases.append(case("gemm", nn.Sequential(nn.Linear(7, 5), nn.Linear(5, 3)), [r(2, 7)],
                      [r(4, 7)], {"in0": {0: "b"}}))
    cases.append(case("binary_broadcast",
                      Lambda(lambda m, a, b, c: (a * b + c - 0.5) / (b * b + 1.0) - a ** 2.0),
                      [r(2, 3, 4), r(3, 1), r(4)], [r(2, 3, 4), r(3, 1), r(4)]))
    cases.append(case("activations", Lambda(lambda m, x: torch.cat([
        F.relu(x), F.relu6(x * 4), F.leaky_relu(x, 0.1), torch.sigmoid(x), torch.tanh(x),
        F.gelu(x), torch.sqrt(x.abs() + 1), torch.exp(-x), -x], dim=1)),
        [r(2, 3, 5)], [r(3, 3, 6)], dyn3))
    cases.append(case("softmax", Lambda(lambda m, x: torch.cat([
        torch.softmax(x, dim=1), torch.log_softmax(x, dim=-1)], dim=2)),
        [r(2, 4, 3)], [r(3, 4, 3)], {"in0": {0: "b"}}))
    bn = nn.BatchNorm1d(4)
    bn.running_mean.uniform_(-1, 1)
    bn.running_var.uniform_(0.5, 2)
    bn.weight.data.uniform_(0.5, 1.5)
    bn.bias.data.uniform_(-1, 1)
    cases.append(case("batchnorm", Lambda(lambda m, x: m[0](x * 2.0 + 1.0), bn), [r(2, 4, 5)],
                      [r(3, 4, 9)], dyn3))
    ln = nn.LayerNorm(6)
    ln.weight.data.uniform_(0.5, 1.5)
    ln.bias.data.uniform_(-1, 1)
    cases.append(case("layernorm17", ln, [r(2, 3, 6)], [r(4, 5, 6)],
                      {"in0": {0: "b", 1: "l"}}, opset=17))
    cases.append(case("layernorm13", ln, [r(2, 3, 6)], [r(4, 5, 6)],
                      {"in0": {0: "b", 1: "l"}}, opset=13))
    cases.append(case("globalavgpool", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
                      [r(1, 3, 4, 4)], [r(2, 3, 5, 7)], dyn4))
    cases.append(case("reshape_dynamic", Lambda(
        lambda m, x: x.transpose(1, 2).reshape(x.shape[0], -1).unsqueeze(1).squeeze(1)),
        [r(2, 3, 4)], [r(3, 3, 7)], dyn3))
    cases.append(case("slice_concat", Lambda(
        lambda m, x: torch.cat([x[:, 1:5:2], x[:, -2:], x[:, :1] * 2], dim=1).flatten(1)),
        [r(2, 6, 3)], [r(4, 6, 5)], dyn3))
    cases.append(case("pad", Lambda(lambda m, x: torch.cat([
        F.pad(x, (1, 2), value=0.5), F.pad(x, (2, 1), mode="reflect"),
        F.pad(x, (1, 2), mode="replicate")], dim=1)), [r(1, 2, 5)], [r(2, 2, 6)], dyn3))
    emb = nn.Embedding(22, 8, padding_idx=0)
    cases.append(case("embedding", Lambda(lambda m, ids: m[0](ids).transpose(1, 2), emb),
                      [torch.randint(0, 22, (2, 5))], [torch.randint(0, 22, (3, 11))],
                      {"in0": {0: "b", 1: "l"}}))
    cases.append(case("cast_mean", Lambda(
        lambda m, x: (x * 3).long().float() + x.mean(dim=-1, keepdim=True)),
        [r(2, 3, 4)], [r(3, 3, 5)], dyn3))
    # Residual blocks whose Add and mask Mul the engine fuses into the Conv (ss3's pattern,
    # 1-D with a [B, 1, L] mask, and 2-D).
    cases.append(case("conv1d_residual_mask", Lambda(
        lambda m, x, k: (x + F.gelu(m[0](x))) * k, nn.Conv1d(8, 8, 5, dilation=3, padding=6)),
        [r(1, 8, 9), torch.ones(1, 1, 9)],
        [r(3, 8, 23), (torch.rand(3, 1, 23) > 0.3).float()],
        {"in0": {0: "b", 2: "l"}, "in1": {0: "b", 2: "l"}}))
    cases.append(case("conv2d_residual_mask", Lambda(
        lambda m, x, k: (x + m[0](x)) * k, nn.Conv2d(6, 6, 3, padding=1)),
        [r(1, 6, 5, 5), torch.ones(1, 1, 5, 5)],
        [r(2, 6, 7, 4), (torch.rand(2, 1, 7, 4) > 0.3).float()],
        {"in0": {0: "b", 2: "h", 3: "w"}, "in1": {0: "b", 2: "h", 3: "w"}}))
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")

    # An operator the engine does not implement (Hardmax), to test the error path.
    x = oh.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 4])
    y = oh.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None, 4])
    g = oh.make_graph([oh.make_node("Relu", ["x"], ["h"], name="first"),
                       oh.make_node("Hardmax", ["h"], ["y"], name="the_hardmax")],
                      "unsupported", [x], [y])
    onnx.save(oh.make_model(g, opset_imports=[oh.make_opsetid("", 13)]),
              os.path.join(OUT, "unsupported.onnx"))


if __name__ == "__main__":
    main()
