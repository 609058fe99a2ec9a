#!/usr/bin/python3
"""Build the quantised ONNX test models of tests/infer and their reference outputs.

The models use the operators ONNX Runtime's quantiser writes (QuantizeLinear,
DequantizeLinear, QLinearConv, QLinearMatMul, DynamicQuantizeLinear, MatMulInteger), in its
two layouts: QDQ (float operators between Q/DQ pairs, per-channel int8 weights) and
"QOperator" (QLinear*), plus the dynamic-quantisation pattern (DynamicQuantizeLinear ->
MatMulInteger -> Cast -> Mul -> Add).  The ONNX bytes are written by a minimal protobuf
writer (no onnx package needed); the references are numpy implementations of the ONNX
operator definitions (round half to even, saturation, per-axis scales).

Outputs in tests/data/infer: <case>.onnx + <case>.io (the .io format of
tools/make_infer_testdata.py), quant_cases.txt ("<case> <tolerance>": one output
quantisation step for requantised outputs, 0 otherwise), and bad_*.onnx (malformed
quantisation parameters; the C test expects clean PA_EINVAL errors).
Usage (from the repository root): /usr/bin/python3 tools/make_quant_testdata.py
"""
import os
import struct

import numpy as np

OUT = "tests/data/infer"
ELEM = {np.dtype(np.float32): 1, np.dtype(np.uint8): 2, np.dtype(np.int8): 3,
        np.dtype(np.int32): 6, np.dtype(np.int64): 7}


# ---- protobuf writer ---------------------------------------------------------------------
def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fv(field, v):
    return varint(field << 3) + varint(v)


def fb(field, b):
    b = b.encode() if isinstance(b, str) else b
    return varint(field << 3 | 2) + varint(len(b)) + b


def tensor(name, a):
    a = np.ascontiguousarray(a)
    return b"".join(fv(1, d) for d in a.shape) + fv(2, ELEM[a.dtype]) + fb(8, name) + \
        fb(9, a.tobytes())


def attr(name, v):
    if isinstance(v, (list, tuple)):
        return fb(1, name) + b"".join(fv(8, x) for x in v) + fv(20, 7)
    return fb(1, name) + fv(3, v) + fv(20, 2)


def node(op, ins, outs, **attrs):
    return b"".join(fb(1, i) for i in ins) + b"".join(fb(2, o) for o in outs) + \
        fb(3, outs[0] + "_" + op) + fb(4, op) + b"".join(fb(5, attr(k, v)) for k, v in attrs.items())


def value_info(name, elem, shape):
    dims = b"".join(fb(1, fv(1, d)) for d in shape)
    return fb(1, name) + fb(2, fb(1, fv(1, elem) + fb(2, dims)))


def model(nodes, inits, inputs, outputs, opset=13):
    g = b"".join(fb(1, n) for n in nodes) + fb(2, "quant_case") + \
        b"".join(fb(5, tensor(k, v)) for k, v in inits.items()) + \
        b"".join(fb(11, value_info(n, 1, s)) for n, s in inputs) + \
        b"".join(fb(12, value_info(n, 1, s)) for n, s in outputs)
    return fv(1, 7) + fb(8, fb(1, "") + fv(2, opset)) + fb(7, g)


def write_io(path, ins, outs):
    with open(path, "wb") as f:
        f.write(b"PAIO" + struct.pack("<II", len(ins), len(outs)))
        for a in list(ins) + list(outs):
            a = np.ascontiguousarray(a, np.float32)
            f.write(struct.pack("<II", 1, a.ndim) + struct.pack("<%dq" % a.ndim, *a.shape))
            f.write(a.tobytes())


# ---- reference semantics (ONNX operator definitions) --------------------------------------
def rng_of(zp):
    return (0, 255) if zp.dtype == np.uint8 else (-128, 127)


def quantize(x, s, zp, axis=1):
    s, z = np.asarray(s, np.float64), np.asarray(zp).astype(np.float64)
    if s.size > 1:
        shape = [1] * x.ndim
        shape[axis] = s.size
        s, z = s.reshape(shape), z.reshape(shape)
    lo, hi = rng_of(np.asarray(zp))
    return np.clip(np.rint(x.astype(np.float64) / s) + z, lo, hi).astype(np.int64)


def dequantize(q, s, zp, axis=1):
    s, z = np.asarray(s, np.float32), np.asarray(zp).astype(np.int64)
    if s.size > 1:
        shape = [1] * q.ndim
        shape[axis] = s.size
        s, z = s.reshape(shape), z.reshape(shape)
    return (q - z).astype(np.float32) * s


def conv1d(x, w, b, pad, dil=1):
    N, C, W = x.shape
    M, _, K = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad)))
    ow = W + 2 * pad - dil * (K - 1)
    y = np.zeros((N, M, ow))
    for k in range(K):
        y += np.einsum("mc,ncw->nmw", w[:, :, k], xp[:, :, k * dil:k * dil + ow])
    return y + (0 if b is None else b.reshape(1, M, 1))


def dynamic_quantize(x):
    lo, hi = min(np.float32(0), x.min()), max(np.float32(0), x.max())
    s = np.float32(hi - lo) / np.float32(255)
    zp = np.uint8(np.clip(np.rint(-np.float64(lo) / np.float64(s)), 0, 255))
    return quantize(x, s, zp), s, zp


# ---- cases ---------------------------------------------------------------------------------
def per_channel_int8(w, axis):
    amax = np.abs(w).max(axis=tuple(i for i in range(w.ndim) if i != axis))
    s = (amax / 127).astype(np.float32)
    return quantize(w, s, np.zeros(s.size, np.int8), axis).astype(np.int8), s


def case_qdq_conv1d(r):
    x = r.standard_normal((2, 6, 17)).astype(np.float32)
    w = (r.standard_normal((5, 6, 3)) * 0.3).astype(np.float32)
    b = r.standard_normal(5).astype(np.float32)
    wq, ws = per_channel_int8(w, 0)
    xs, xz = np.float32(0.02), np.uint8(128)
    inits = {"wq": wq, "ws": ws, "wz": np.zeros(5, np.int8), "b": b, "xs": xs, "xz": xz}
    nodes = [node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
             node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], axis=0),
             node("Conv", ["xd", "wd", "b"], ["c"], kernel_shape=[3], pads=[1, 1]),
             node("Relu", ["c"], ["y"])]
    xd = dequantize(quantize(x, xs, xz), xs, xz)
    y = np.maximum(conv1d(xd, dequantize(wq, ws, np.zeros(5, np.int8), 0), b, 1), 0)
    return model(nodes, inits, [("x", x.shape)], [("y", y.shape)]), [x], [y], 0.0


def case_qlinear_conv(r):
    x = r.standard_normal((1, 4, 12)).astype(np.float32)
    w = (r.standard_normal((3, 4, 3)) * 0.4).astype(np.float32)
    wq, ws = per_channel_int8(w, 0)
    xs, xz, ys, yz = np.float32(0.05), np.uint8(100), np.float32(0.1), np.uint8(120)
    bq = r.integers(-200, 200, 3).astype(np.int32)
    inits = {"xs": xs, "xz": xz, "wq": wq, "ws": ws, "wz": np.zeros(3, np.int8), "ys": ys,
             "yz": yz, "bq": bq}
    nodes = [node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             node("QLinearConv", ["xq", "xs", "xz", "wq", "ws", "wz", "ys", "yz", "bq"], ["yq"],
                  kernel_shape=[3], pads=[2, 2], dilations=[2]),
             node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    xd = dequantize(quantize(x, xs, xz), xs, xz)
    wd = dequantize(wq, ws, np.zeros(3, np.int8), 0)
    yf = conv1d(xd, wd, bq.astype(np.float64) * xs * ws, 2, 2)
    y = dequantize(quantize(yf, ys, yz), ys, yz)
    return model(nodes, inits, [("x", x.shape)], [("y", y.shape)]), [x], [y], float(ys)


def case_dynamic_matmul(r):
    x = r.standard_normal((2, 3, 8)).astype(np.float32)
    bw = r.integers(0, 256, (8, 4)).astype(np.uint8)
    bz, bs = np.uint8(7), np.float32(0.01)
    bias = r.standard_normal(4).astype(np.float32)
    inits = {"bw": bw, "bz": bz, "bs": bs, "bias": bias}
    nodes = [node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
             node("MatMulInteger", ["xq", "bw", "xz", "bz"], ["acc"]),
             node("Cast", ["acc"], ["accf"], to=1),
             node("Mul", ["accf", "xs"], ["m1"]),
             node("Mul", ["m1", "bs"], ["m2"]),
             node("Add", ["m2", "bias"], ["y"])]
    xq, xs, xz = dynamic_quantize(x)
    acc = (xq - np.int64(xz)) @ (bw.astype(np.int64) - np.int64(bz))
    y = acc.astype(np.float32) * xs * bs + bias
    return model(nodes, inits, [("x", x.shape)], [("y", y.shape)]), [x], [y], 0.0


def case_qlinear_matmul(r):
    x = r.standard_normal((3, 8)).astype(np.float32)
    w = (r.standard_normal((8, 5)) * 0.5).astype(np.float32)
    wq, ws = per_channel_int8(w, 1)
    xs, xz, ys, yz = np.float32(0.03), np.uint8(110), np.float32(0.05), np.uint8(128)
    inits = {"xs": xs, "xz": xz, "wq": wq, "ws": ws, "wz": np.zeros(5, np.int8), "ys": ys,
             "yz": yz}
    nodes = [node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             node("QLinearMatMul", ["xq", "xs", "xz", "wq", "ws", "wz", "ys", "yz"], ["yq"]),
             node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    acc = (quantize(x, xs, xz) - 110) @ wq.astype(np.int64)
    yq = np.clip(np.rint(acc * (np.float64(xs) * ws.astype(np.float64) / np.float64(ys))) + 128,
                 0, 255).astype(np.int64)
    y = dequantize(yq, ys, yz)
    return model(nodes, inits, [("x", x.shape)], [("y", y.shape)]), [x], [y], float(ys)


def bad_models():
    """Malformed quantisation parameters: (name, model bytes)."""
    w = np.ones((5, 2, 3), np.int8)
    conv = node("Conv", ["x", "wd"], ["y"], kernel_shape=[3])
    ins, outs = [("x", (1, 2, 8))], [("y", (1, 5, 6))]
    return [
        ("bad_scale_count", model([node("DequantizeLinear", ["w", "s", "z"], ["wd"], axis=0), conv],
                                  {"w": w, "s": np.ones(4, np.float32), "z": np.zeros(4, np.int8)},
                                  ins, outs)),
        ("bad_zero_point_count", model([node("DequantizeLinear", ["w", "s", "z"], ["wd"], axis=0),
                                        conv], {"w": w, "s": np.ones(5, np.float32),
                                                "z": np.zeros(3, np.int8)}, ins, outs)),
        ("bad_zero_scale", model([node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                                  node("DequantizeLinear", ["q", "s", "z"], ["y"])],
                                 {"s": np.float32(0), "z": np.uint8(0)}, ins, [("y", (1, 2, 8))])),
        ("bad_scale_type", model([node("DequantizeLinear", ["w", "s"], ["wd"]), conv],
                                 {"w": w, "s": np.ones(1, np.int32)}, ins, outs)),
    ]


def main():
    r = np.random.default_rng(17)
    names = []
    for fn in (case_qdq_conv1d, case_qlinear_conv, case_dynamic_matmul, case_qlinear_matmul):
        name = fn.__name__[5:]
        data, ins, outs, tol = fn(r)
        with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
            f.write(data)
        write_io(os.path.join(OUT, name + ".io"), ins, outs)
        names.append(f"{name} {tol:.6g}")
    with open(os.path.join(OUT, "quant_cases.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    for name, data in bad_models():
        with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
            f.write(data)
    print("\n".join(names))


if __name__ == "__main__":
    main()
