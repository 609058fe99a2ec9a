#!/usr/bin/python3
"""Write the dynamically quantised form of an ONNX model for the ONNX Runtime int8 peer of
bench/infer: every Conv becomes the pattern ONNX Runtime's quantize_dynamic writes,
DynamicQuantizeLinear -> ConvInteger (int8 weights, one symmetric scale per output channel)
-> Cast -> Mul (activation scale) -> Mul (weight scales) -> Add (bias). Everything else is
copied byte for byte. (libpanalyzer does not read ConvInteger; its own int8 path quantises the
fp32 model at load.)

  /usr/bin/python3 bench/infer/ort_quantize.py IN.onnx OUT.onnx
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from make_quant_testdata import attr, fb, fv, node, tensor  # noqa: E402
from train_ss import onnx_tensors  # noqa: E402


def fields(b):
    """(field, wire type, value) of one protobuf message (values raw)."""
    i, out = 0, []
    while i < len(b):
        key, i = varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(b, i)
        elif wt == 2:
            n, i = varint(b, i)
            v, i = b[i:i + n], i + n
        elif wt == 5:
            v, i = b[i:i + 4], i + 4
        else:
            v, i = b[i:i + 8], i + 8
        out.append((f, wt, v))
    return out


def varint(b, i):
    v = sh = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << sh
        sh += 7
        if c < 0x80:
            return v, i


def emit(f, wt, v):
    return fv(f, v) if wt == 0 else fb(f, v) if wt == 2 else fv(f, 0)[:0] + \
        bytes([(f << 3) | wt]) + v


def quantized_conv(raw, init, k):
    """The node list replacing one Conv (raw NodeProto bytes) and its new initializers."""
    nf = fields(raw)
    ins = [v.decode() for f, _, v in nf if f == 1]
    out = [v.decode() for f, _, v in nf if f == 2][0]
    attrs = [v for f, _, v in nf if f == 5]
    w = init[ins[1]]
    M = w.shape[0]
    s = np.abs(w.reshape(M, -1)).max(axis=1) / 127
    s[s == 0] = 1
    wq = np.clip(np.rint(w / s.reshape(M, 1, 1)), -127, 127).astype(np.int8)
    p = f"q{k}_"
    new_init = {p + "w": wq, p + "wz": np.int8(0), p + "ws": s.astype(np.float32).reshape(1, M, 1),
                p + "b": (init[ins[2]] if len(ins) > 2 else np.zeros(M, np.float32))
                .astype(np.float32).reshape(1, M, 1)}
    conv = fb(1, p + "xq") + fb(1, p + "w") + fb(1, p + "xz") + fb(1, p + "wz") + \
        fb(2, p + "acc") + fb(3, p + "ConvInteger") + fb(4, "ConvInteger") + \
        b"".join(fb(5, a) for a in attrs)
    nodes = [node("DynamicQuantizeLinear", [ins[0]], [p + "xq", p + "xs", p + "xz"]), conv,
             node("Cast", [p + "acc"], [p + "accf"], to=1),
             node("Mul", [p + "accf", p + "xs"], [p + "m1"]),
             node("Mul", [p + "m1", p + "ws"], [p + "m2"]),
             node("Add", [p + "m2", p + "b"], [out])]
    return nodes, new_init


def main():
    src, dst = sys.argv[1], sys.argv[2]
    init, _ = onnx_tensors(src)
    model = open(src, "rb").read()
    out_model = b""
    for f, wt, v in fields(model):
        if f != 7:
            out_model += emit(f, wt, v)
            continue
        g, k, extra, dropped = b"", 0, {}, set()
        for gf, gwt, gv in fields(v):
            op = [x for ff, _, x in fields(gv) if ff == 4] if gf == 1 else []
            if gf == 1 and op and op[0] == b"Conv":
                nodes, ni = quantized_conv(gv, init, k)
                g += b"".join(fb(1, n) for n in nodes)
                dropped.update(x for ff, _, x in fields(gv)[1:3] if ff == 1)  # W, B
                extra.update(ni)
                k += 1
            elif gf == 5 and [x for ff, _, x in fields(gv) if ff == 8][0] in dropped:
                continue  # the float weights of a converted Conv (initializers come after nodes)
            else:
                g += emit(gf, gwt, gv)
        g += b"".join(fb(5, tensor(n, a)) for n, a in extra.items())
        out_model += fb(7, g)
    with open(dst, "wb") as fo:
        fo.write(out_model)
    print(f"{dst}: {k} Conv nodes as DynamicQuantizeLinear + ConvInteger")


if __name__ == "__main__":
    main()
