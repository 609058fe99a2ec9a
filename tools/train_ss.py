#!/usr/bin/python3
"""Train, select and export libpanalyzer's default 3-state secondary-structure model.

Single-sequence predictor: token ids [B, L] (int64) -> probabilities [B, L, 3] (float32,
classes in the order H, E, C).  Token ids: 0 = padding, 1..20 = ACDEFGHIKLMNPQRSTVWY,
21 = anything else (X, B, Z, U, O, ...).  Padding positions are masked to zero after every
block inside the graph, so a sequence gives the same output alone or padded in a batch.

Architecture: embedding -> Conv1d(k=7) -> residual dilated Conv1d blocks (BatchNorm, GELU,
dropout) -> Conv1d(k=1) to 3 classes -> softmax.  BatchNorm folds into the convolutions at
export (eval mode), so the ONNX graph uses Gather, Transpose, Conv, Mul, Add, Div, Erf,
Softmax only.

Regularisation for the 9,710 training chains: dropout, token noise (--noise: a fraction of
residues replaced by a random letter), weight decay, and stochastic weight averaging over the
tail of the cosine schedule (--swa-frac; BatchNorm statistics re-estimated for the average).
The shipped model is an ensemble (--members): the members' probabilities are averaged in one
ONNX graph.

Usage (from the repository root; data from ../shared/data/ss):
  /usr/bin/python3 tools/train_ss.py [--minutes 35] [--data ../shared/data/ss] [--ch 160]
      [--dropout P] [--noise P] [--wd W] [--swa-frac F] [--ckpt OUT.pt]
  /usr/bin/python3 tools/train_ss.py --export-only      # export the best checkpoint
  /usr/bin/python3 tools/train_ss.py --members a.pt:160,b.pt:128   # export an ensemble
Outputs: models/ss3.onnx, models/ss3_eval.md (Q3 + confusion matrices),
tests/data/infer/ss3_ref.txt (fixed sequences with PyTorch probabilities).
"""
import argparse, csv, gzip, math, os, random, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

AA = "ACDEFGHIKLMNPQRSTVWY"
TOK = {a: i + 1 for i, a in enumerate(AA)}
VOCAB = 22
SS = "HEC"
SSI = {c: i for i, c in enumerate(SS)}
SS8 = "HGIEBTSC"  # DSSP states; anything else ('-', ' ', 'C') is coil
SS8I = {c: i for i, c in enumerate(SS8)}


def encode(seq):
    return [TOK.get(c, 21) for c in seq.upper()]


def read_tsv(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        rd = csv.DictReader(f, delimiter="\t")
        out = []
        for r in rd:
            s, ss, m = r["seq"], r["ss3"], r["mask"]
            if not (len(s) == len(ss) == len(m)):
                continue
            y = [SSI.get(c, 2) if k == "1" else -100 for c, k in zip(ss, m)]
            s8 = r.get("ss8") or ""
            y8 = ([SS8I.get(c, 7) if k == "1" else -100 for c, k in zip(s8, m)]
                  if len(s8) == len(s) else [-100] * len(s))
            # labels: [2, L] (row 0: 3-state, row 1: 8-state)
            out.append((r["id"], s, np.array(encode(s), np.int64), np.array([y, y8], np.int64)))
        return out


class Block(nn.Module):
    def __init__(self, ch, k, dil, p, bn=True):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, k, padding=dil * (k // 2), dilation=dil)
        # bn=False: weights that already have BatchNorm folded in (--init-onnx)
        self.bn = nn.BatchNorm1d(ch) if bn else nn.Identity()
        self.drop = nn.Dropout(p)

    def forward(self, x, mask):
        return (x + self.drop(F.gelu(self.bn(self.conv(x))))) * mask


class SSNet(nn.Module):
    def __init__(self, emb=48, ch=160, k=5, dils=(1, 2, 4, 8, 16, 1, 2, 4, 8, 16), p=0.15,
                 ss8=False, bn=True):
        # The bench (bench/infer/run_bench.py) rebuilds this shape from the ONNX weights.
        super().__init__()
        self.emb = nn.Embedding(VOCAB, emb, padding_idx=0)
        # Fixed 0/1 table: a second "embedding" gives the padding mask with a plain Gather.
        mt = torch.ones(VOCAB, 1)
        mt[0] = 0
        self.register_buffer("mask_table", mt)
        self.inp = nn.Conv1d(emb, ch, 7, padding=3)
        self.inp_bn = nn.BatchNorm1d(ch) if bn else nn.Identity()
        self.blocks = nn.ModuleList([Block(ch, k, d, p, bn) for d in dils])
        self.out = nn.Conv1d(ch, 3, 1)
        # 8-state head (second output "probs8"): one more 1x1 conv on the shared trunk
        self.out8 = nn.Conv1d(ch, 8, 1) if ss8 else None

    def trunk(self, ids, mask=None):
        if mask is None:
            mask = F.embedding(ids, self.mask_table).transpose(1, 2)  # [B,1,L]
        x = self.emb(ids).transpose(1, 2)  # [B,E,L]
        x = F.gelu(self.inp_bn(self.inp(x))) * mask
        for b in self.blocks:
            x = b(x, mask)
        return x

    def logits(self, ids, mask=None):
        return self.out(self.trunk(ids, mask))  # [B,3,L]

    def logits2(self, ids):
        """(3-state, 8-state or None) logits, [B,3,L] and [B,8,L]."""
        x = self.trunk(ids)
        return self.out(x), (self.out8(x) if self.out8 is not None else None)

    def forward(self, ids):
        l3, l8 = self.logits2(ids)
        p3 = torch.softmax(l3.transpose(1, 2), dim=-1)  # [B,L,3]
        return p3 if l8 is None else (p3, torch.softmax(l8.transpose(1, 2), dim=-1))


class Ensemble(nn.Module):
    """Mean of the members' probabilities; one padding mask shared by all members."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, ids):
        mask = F.embedding(ids, self.members[0].mask_table).transpose(1, 2)
        p = [torch.softmax(m.logits(ids, mask), dim=1) for m in self.members]
        return (sum(p) / len(p)).transpose(1, 2)  # [B,L,3]

    def logits(self, ids):
        return torch.log(self.forward(ids).transpose(1, 2))  # argmax = the ensemble's class


def load_members(spec, p):
    """'a.pt:160,b.pt:128' -> SSNet members with those checkpoints and channel counts."""
    out = []
    for item in spec.split(","):
        path, ch = item.rsplit(":", 1)
        m = SSNet(ch=int(ch), p=p)
        m.load_state_dict(torch.load(path))
        out.append(m)
    return out


def batches(data, max_tokens, crop, shuffle, noise=0.0):
    items = []
    for _, _, x, y in data:
        if crop and len(x) > crop:
            st = random.randint(0, len(x) - crop)
            x, y = x[st:st + crop], y[:, st:st + crop]
        if noise > 0:
            # token noise: a fraction of residues become a random letter or X (regularises;
            # the labels stay, as with a point mutation that keeps the fold)
            x = x.copy()
            hit = np.random.random_sample(len(x)) < noise
            x[hit] = np.random.randint(1, VOCAB, int(hit.sum()))
        items.append((x, y))
    items.sort(key=lambda t: len(t[0]))
    groups, cur, cur_max = [], [], 0
    for it in items:
        m = max(cur_max, len(it[0]))
        if cur and m * (len(cur) + 1) > max_tokens:
            groups.append(cur)
            cur, m = [], len(it[0])
        cur.append(it)
        cur_max = m
    if cur:
        groups.append(cur)
    if shuffle:
        random.shuffle(groups)
    for g in groups:
        L = max(len(x) for x, _ in g)
        X = np.zeros((len(g), L), np.int64)
        Y = np.full((len(g), 2, L), -100, np.int64)
        for i, (x, y) in enumerate(g):
            X[i, :len(x)] = x
            Y[i, :, :len(x)] = y
        yield torch.from_numpy(X), torch.from_numpy(Y)


@torch.no_grad()
def evaluate(model, data, with8=False):
    """Q3 and its confusion matrix; with8: also Q8 and its matrix (needs the 8-state head)."""
    model.eval()
    cm, cm8 = np.zeros((3, 3), np.int64), np.zeros((8, 8), np.int64)
    for X, Y in batches(data, 16000, 0, False):
        l3, l8 = model.logits2(X) if with8 else (model.logits(X), None)
        for lg, y, c in ((l3, Y[:, 0], cm), (l8, Y[:, 1], cm8)):
            if lg is not None:
                m = y >= 0
                np.add.at(c, (y[m].numpy(), lg.argmax(1)[m].numpy()), 1)
    q3 = cm.trace() / max(cm.sum(), 1)
    return (q3, cm, cm8.trace() / max(cm8.sum(), 1), cm8) if with8 else (q3, cm)


def log(msg, f):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    if f:
        f.write(line + "\n")
        f.flush()


def export(model, path):
    model.eval()
    dummy = torch.randint(1, 21, (2, 37))
    outs = ["probs", "probs8"] if getattr(model, "out8", None) is not None else ["probs"]
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["ids"],
                      output_names=outs,
                      dynamic_axes={"ids": {0: "batch", 1: "length"},
                                    **{o: {0: "batch", 1: "length"} for o in outs}},
                      do_constant_folding=True)


def cm_md(name, q3, cm, states=SS, q="Q3"):
    rows = [f"**{name}**: {q} = {100 * q3:.2f} % ({cm.sum()} residues)", "",
            "| true \\ predicted | " + " | ".join(states) + " |",
            "|---" * (len(states) + 1) + "|"]
    for i, c in enumerate(states):
        rows.append(f"| {c} | " + " | ".join(str(v) for v in cm[i]) + " |")
    return "\n".join(rows) + "\n"


REF_SEQS = [
    "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQHDFSAGEGLYTHMKALRPDEDRLSPLHSVYVDQWDWERVMGDGERQFSTLKSTVEAIWAGIKATEAAVSEEFGLAPFLPDQIHFVHSQELLSRYPDLDAKGRERAIAKDLGAVFLVGIGGKLSDGHRHDVRAPDYDDWUAXB",
    "GSHMLE",
    "A",
    "PEPTIDEKVLLAGG",
    "MVLSPADKTNVKAAWGKVGAHAGEYGAEALERMFLSFPTTKTYFPHFDLSHGSAQVKGHGKKVADALTNAVAHVDDMPNALSALSDLHAHKLRVDPVNFKLLSHCLLVTLAAHLPAEFTPAVHASLDKFLASVSTVLTSKYR",
]


def write_ref(model, path):
    """Fixed sequences and their PyTorch probabilities (each sequence run alone); with the
    8-state head also PATH with ss3 -> ss8 (probabilities in the order HGIEBTSC)."""
    model.eval()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    heads = [("HEC", path)]
    if getattr(model, "out8", None) is not None:
        heads.append(("HGIEBTSC", path.replace("ss3", "ss8")))
    for h, (states, p) in enumerate(heads):
        with torch.no_grad(), open(p, "w") as f:
            f.write(f"# seq <TAB> probabilities of {','.join(states)} per residue separated by "
                    "';' (PyTorch reference)\n")
            for s in REF_SEQS:
                out = model(torch.tensor([encode(s)]))
                pr = (out[h] if isinstance(out, tuple) else out)[0].numpy()
                f.write(s + "\t" + ";".join(",".join(f"{v:.7g}" for v in r) for r in pr) + "\n")


def refresh_bn(model, data):
    """BatchNorm statistics for averaged weights: one forward pass in train mode."""
    moms = {}
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.reset_running_stats()
            moms[m], m.momentum = m.momentum, None  # cumulative average
    if not moms:  # BatchNorm folded (--init-onnx): nothing to re-estimate
        return
    model.train()
    with torch.no_grad():
        for X, _ in batches(data, 12000, 512, False):
            model.logits(X)
    for m, v in moms.items():
        m.momentum = v


def score(model, val, a, lf, what):
    """Selection score on val: Q3, plus Q8 when the model has the 8-state head."""
    if not a.ss8:
        q3, _ = evaluate(model, val)
        log(f"{what}: val Q3 {100 * q3:.2f}", lf)
        return q3
    q3, _, q8, _ = evaluate(model, val, True)
    log(f"{what}: val Q3 {100 * q3:.2f} Q8 {100 * q8:.2f}", lf)
    return q3 + q8


def onnx_tensors(path):
    """Initializers of an ONNX file as numpy arrays and its Conv/Gather nodes' inputs and
    attributes (a minimal protobuf walk: the onnx package is not needed)."""
    def fields(b):
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
            elif wt == 1:
                v, i = b[i:i + 8], i + 8
            else:
                raise ValueError("bad wire type")
            out.append((f, v))
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

    graph = [v for f, v in fields(open(path, "rb").read()) if f == 7][0]
    init, nodes = {}, []
    for f, v in fields(graph):
        if f == 5:  # TensorProto: dims 1, data_type 2 (float), name 8, raw_data 9
            t = fields(v)
            dims = [x for k, x in t if k == 1]
            name = [x for k, x in t if k == 8][0].decode()
            raw = [x for k, x in t if k == 9]
            dt = [x for k, x in t if k == 2][0]
            arr = np.frombuffer(raw[0], np.float32 if dt == 1 else np.int64) if raw else \
                np.array([], np.float32)
            init[name] = arr.reshape(dims).copy()
        elif f == 1:  # NodeProto: input 1, op_type 4, attribute 5 (name 1, ints 8)
            t = fields(v)
            attrs = {}
            for k, x in t:
                if k == 5:
                    af = fields(x)
                    an = [y for q, y in af if q == 1][0].decode()
                    attrs[an] = [y for q, y in af if q == 8]
            nodes.append(([x for k, x in t if k == 4][0].decode(),
                          [x.decode() for k, x in t if k == 1], attrs))
    return init, nodes


def init_from_onnx(model, path):
    """Start from an exported single model (BatchNorm folded: the model is built with bn=False)."""
    init, nodes = onnx_tensors(path)
    tables = [init[n[1][0]] for n in nodes if n[0] == "Gather" and n[1][0] in init]
    emb = [t for t in tables if t.shape[1] != 1]
    convs = [n for n in nodes if n[0] == "Conv"]
    mods = [model.inp] + [b.conv for b in model.blocks] + [model.out]
    if len(emb) != 1 or len(convs) < len(mods):
        raise SystemExit(f"{path}: not a single ss3 model")
    with torch.no_grad():
        model.emb.weight.copy_(torch.from_numpy(emb[0]))
        for m, n in zip(mods, convs):
            m.weight.copy_(torch.from_numpy(init[n[1][1]]))
            m.bias.copy_(torch.from_numpy(init[n[1][2]]))


def train_model(model, a, lf):
    train = read_tsv(os.path.join(a.data, "train.tsv.gz"))
    val = read_tsv(os.path.join(a.data, "val.tsv"))
    log(f"train {len(train)} chains, val {len(val)}", lf)
    if a.resume:
        model.load_state_dict(torch.load(a.resume))
    if a.init_onnx:
        init_from_onnx(model, a.init_onnx)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    # Stochastic weight averaging over the tail of the schedule (frac >= swa_frac).
    swa = torch.optim.swa_utils.AveragedModel(model)
    swa_n = 0
    bn_data = random.sample(train, min(2500, len(train)))
    t0, best, bad, step = time.time(), -1.0, 0, 0
    if a.resume or a.init_onnx:
        best = score(model, val, a, lf, "start")
    deadline = t0 + 60 * a.minutes
    for ep in range(a.epochs):
        model.train()
        tl, tn = 0.0, 0
        for X, Y in batches(train, 12000, 512, True, a.noise):
            # cosine over the wall-clock budget: robust to a machine shared with others
            frac = min((time.time() - t0) / (deadline - t0), 1.0)
            lr = a.lr if a.const_lr else a.lr * 0.5 * (1 + math.cos(math.pi * frac))
            for g in opt.param_groups:
                g["lr"] = max(lr, a.lr * 0.02)
            if a.head_steps:  # new 8-state head first, on a frozen trunk
                for q in model.parameters():
                    q.requires_grad_(step >= a.head_steps)
                for q in model.out8.parameters():
                    q.requires_grad_(True)
            l3, l8 = model.logits2(X)
            loss = F.cross_entropy(l3, Y[:, 0], ignore_index=-100, label_smoothing=0.05)
            if l8 is not None:
                loss = loss + F.cross_entropy(l8, Y[:, 1], ignore_index=-100,
                                              label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tl, tn, step = tl + loss.item(), tn + 1, step + 1
            if frac >= a.swa_frac and step % a.swa_every == 0:
                swa.update_parameters(model)
                swa_n += 1
            if time.time() > deadline:
                break
        log(f"epoch {ep} steps {step} loss {tl / max(tn, 1):.4f}", lf)
        cand = [(score(model, val, a, lf, "plain"), model)]
        if swa_n:
            refresh_bn(swa.module, bn_data)
            cand.append((score(swa.module, val, a, lf, f"swa({swa_n})"), swa.module))
        log(f"({(time.time() - t0) / 60:.1f} min)", lf)
        q, m = max(cand, key=lambda c: c[0])
        if q > best:
            best, bad = q, 0
            torch.save(m.state_dict(), a.ckpt)
        else:
            bad += 1
        if (bad >= a.patience and not swa_n) or time.time() > deadline:
            break
    log(f"best val Q3 {100 * best:.2f}", lf)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/ss")
    ap.add_argument("--minutes", type=float, default=35.0)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt", default="build-infer-train/ss3_best.pt")
    ap.add_argument("--out", default="models/ss3.onnx")
    ap.add_argument("--log", default="build-infer-train/train.log")
    ap.add_argument("--ref", default="tests/data/infer/ss3_ref.txt")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--members", default="",
                    help="export the ensemble CKPT:CH,CKPT:CH,... (no training)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--resume", default="", help="start from this checkpoint")
    ap.add_argument("--ch", type=int, default=160, help="channels of the residual blocks")
    ap.add_argument("--dropout", type=float, default=0.15)
    ap.add_argument("--wd", type=float, default=1e-2)
    ap.add_argument("--noise", type=float, default=0.0, help="token noise rate")
    ap.add_argument("--const-lr", action="store_true", help="no cosine decay")
    ap.add_argument("--swa-frac", type=float, default=1.0,
                    help="average weights once this fraction of the budget has passed")
    ap.add_argument("--swa-every", type=int, default=50, help="steps between averages")
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--ss8", action="store_true", help="add the 8-state head (output probs8)")
    ap.add_argument("--head-steps", type=int, default=0,
                    help="train only the 8-state head for this many steps first")
    ap.add_argument("--init-onnx", default="",
                    help="start from this exported single model (BatchNorm folded)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    os.makedirs(os.path.dirname(a.ckpt), exist_ok=True)
    lf = open(a.log, "a")
    model = (Ensemble(load_members(a.members, a.dropout)) if a.members
             else SSNet(ch=a.ch, p=a.dropout, ss8=a.ss8, bn=not a.init_onnx))
    log(f"params {sum(p.numel() for p in model.parameters())} args {vars(a)}", lf)
    if not a.export_only and not a.members:
        train_model(model, a, lf)

    if not a.members:
        model.load_state_dict(torch.load(a.ckpt))
    model.eval()
    export(model, a.out)
    write_ref(model, a.ref)
    md = ["# Default model evaluation (generated by tools/train_ss.py)\n"]
    for name in ("val.tsv", "cb513.tsv", "ts115.tsv"):
        r = evaluate(model, read_tsv(os.path.join(a.data, name)), a.ss8 and not a.members)
        log(f"{name}: Q3 {100 * r[0]:.2f}" + (f" Q8 {100 * r[2]:.2f}" if len(r) > 2 else ""), lf)
        md.append(cm_md(name, r[0], r[1]))
        if len(r) > 2:
            md.append(cm_md(name, r[2], r[3], SS8, "Q8"))
    with open(os.path.join(os.path.dirname(a.out), "ss3_eval.md"), "w") as f:
        f.write("\n".join(md))
    log(f"exported {a.out} ({os.path.getsize(a.out)} bytes)", lf)


if __name__ == "__main__":
    main()
