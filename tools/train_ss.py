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
            out.append((r["id"], s, np.array(encode(s), np.int64), np.array(y, np.int64)))
        return out


class Block(nn.Module):
    def __init__(self, ch, k, dil, p):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, k, padding=dil * (k // 2), dilation=dil)
        self.bn = nn.BatchNorm1d(ch)
        self.drop = nn.Dropout(p)

    def forward(self, x, mask):
        return (x + self.drop(F.gelu(self.bn(self.conv(x))))) * mask


class SSNet(nn.Module):
    def __init__(self, emb=48, ch=160, k=5, dils=(1, 2, 4, 8, 16, 1, 2, 4, 8, 16), p=0.15):
        # The bench (bench/infer/run_bench.py) rebuilds this shape from the ONNX weights.
        super().__init__()
        self.emb = nn.Embedding(VOCAB, emb, padding_idx=0)
        # Fixed 0/1 table: a second "embedding" gives the padding mask with a plain Gather.
        mt = torch.ones(VOCAB, 1)
        mt[0] = 0
        self.register_buffer("mask_table", mt)
        self.inp = nn.Conv1d(emb, ch, 7, padding=3)
        self.inp_bn = nn.BatchNorm1d(ch)
        self.blocks = nn.ModuleList([Block(ch, k, d, p) for d in dils])
        self.out = nn.Conv1d(ch, 3, 1)

    def logits(self, ids, mask=None):
        if mask is None:
            mask = F.embedding(ids, self.mask_table).transpose(1, 2)  # [B,1,L]
        x = self.emb(ids).transpose(1, 2)  # [B,E,L]
        x = F.gelu(self.inp_bn(self.inp(x))) * mask
        for b in self.blocks:
            x = b(x, mask)
        return self.out(x)  # [B,3,L]

    def forward(self, ids):
        return torch.softmax(self.logits(ids).transpose(1, 2), dim=-1)  # [B,L,3]


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
            x, y = x[st:st + crop], y[st:st + crop]
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
        Y = np.full((len(g), L), -100, np.int64)
        for i, (x, y) in enumerate(g):
            X[i, :len(x)] = x
            Y[i, :len(y)] = y
        yield torch.from_numpy(X), torch.from_numpy(Y)


@torch.no_grad()
def evaluate(model, data):
    model.eval()
    cm = np.zeros((3, 3), np.int64)
    for X, Y in batches(data, 16000, 0, False):
        pred = model.logits(X).argmax(1)
        m = Y >= 0
        t, p = Y[m].numpy(), pred[m].numpy()
        np.add.at(cm, (t, p), 1)
    return cm.trace() / max(cm.sum(), 1), cm


def log(msg, f):
    line = time.strftime("%H:%M:%S ") + msg
    print(line, flush=True)
    if f:
        f.write(line + "\n")
        f.flush()


def export(model, path):
    model.eval()
    dummy = torch.randint(1, 21, (2, 37))
    torch.onnx.export(model, dummy, path, opset_version=13, input_names=["ids"],
                      output_names=["probs"],
                      dynamic_axes={"ids": {0: "batch", 1: "length"},
                                    "probs": {0: "batch", 1: "length"}},
                      do_constant_folding=True)


def cm_md(name, q3, cm):
    rows = [f"**{name}**: Q3 = {100 * q3:.2f} % ({cm.sum()} residues)", "",
            "| true \\ predicted | H | E | C |", "|---|---|---|---|"]
    for i, c in enumerate(SS):
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
    """Fixed sequences and their PyTorch probabilities (each sequence run alone)."""
    model.eval()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with torch.no_grad(), open(path, "w") as f:
        f.write("# seq <TAB> prob_H,prob_E,prob_C per residue separated by ';' (PyTorch reference)\n")
        for s in REF_SEQS:
            p = model(torch.tensor([encode(s)]))[0].numpy()
            f.write(s + "\t" + ";".join(",".join(f"{v:.7g}" for v in r) for r in p) + "\n")


def refresh_bn(model, data):
    """BatchNorm statistics for averaged weights: one forward pass in train mode."""
    moms = {}
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.reset_running_stats()
            moms[m], m.momentum = m.momentum, None  # cumulative average
    model.train()
    with torch.no_grad():
        for X, _ in batches(data, 12000, 512, False):
            model.logits(X)
    for m, v in moms.items():
        m.momentum = v


def train_model(model, a, lf):
    train = read_tsv(os.path.join(a.data, "train.tsv.gz"))
    val = read_tsv(os.path.join(a.data, "val.tsv"))
    log(f"train {len(train)} chains, val {len(val)}", lf)
    if a.resume:
        model.load_state_dict(torch.load(a.resume))
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.wd)
    # Stochastic weight averaging over the tail of the schedule (frac >= swa_frac).
    swa = torch.optim.swa_utils.AveragedModel(model)
    swa_n = 0
    bn_data = random.sample(train, min(2500, len(train)))
    t0, best, bad, step = time.time(), -1.0, 0, 0
    if a.resume:
        best, _ = evaluate(model, val)
        log(f"resumed: val Q3 {100 * best:.2f}", lf)
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
            loss = F.cross_entropy(model.logits(X), Y, ignore_index=-100,
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
        q3, _ = evaluate(model, val)
        msg = f"epoch {ep} steps {step} loss {tl / max(tn, 1):.4f} val Q3 {100 * q3:.2f}"
        cand = [(q3, model)]
        if swa_n:
            refresh_bn(swa.module, bn_data)
            sq3, _ = evaluate(swa.module, val)
            msg += f" swa({swa_n}) {100 * sq3:.2f}"
            cand.append((sq3, swa.module))
        log(msg + f" ({(time.time() - t0) / 60:.1f} min)", lf)
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
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    np.random.seed(a.seed)
    torch.manual_seed(a.seed)
    os.makedirs(os.path.dirname(a.ckpt), exist_ok=True)
    lf = open(a.log, "a")
    model = (Ensemble(load_members(a.members, a.dropout)) if a.members
             else SSNet(ch=a.ch, p=a.dropout))
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
        q3, cm = evaluate(model, read_tsv(os.path.join(a.data, name)))
        log(f"{name}: Q3 {100 * q3:.2f}\n{cm}", lf)
        md.append(cm_md(name, q3, cm))
    with open(os.path.join(os.path.dirname(a.out), "ss3_eval.md"), "w") as f:
        f.write("\n".join(md))
    log(f"exported {a.out} ({os.path.getsize(a.out)} bytes)", lf)


if __name__ == "__main__":
    main()
