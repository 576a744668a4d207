#!/usr/bin/env python3
"""CLI fuzzer (measurement only): random documents in every input form the reader takes (JSONL
with text or HTML fields, CSV, .txt/.md/.html files; truncated and non-object JSON lines,
invalid UTF-8, ragged CSV rows), made of seed words and the pieces the input stages read
(Markdown, HTML tags, comments and references, JSON escapes, list markers, invisible and
surrogate-range characters, long runs), through `score` (every output format), `score
--no-clusters --unranked --threads 1`, `explain`, `sources` and `filter`. Reports every run that
panics (exit code 101 or "panicked" on stderr), is killed by a signal or takes over five
minutes, and copies its input to KEEP_DIR. Deterministic for a seed.

    python3 scripts/fuzz_cli.py [--bin target/release/spinscore] [--rounds 100] [--seed 1]
                                [--keep /tmp/fuzz-fails]
"""
import argparse, glob, json, os, random, shutil, subprocess, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="target/release/spinscore")
ap.add_argument("--rounds", type=int, default=100)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--keep", default="/tmp/fuzz-fails")
args = ap.parse_args()
BIN, ROUNDS, SEED = args.bin, args.rounds, args.seed
rng = random.Random(SEED)
seed_text = " ".join(open(f).read() for f in sorted(glob.glob(os.path.join(os.path.dirname(__file__), "..", "data", "seeds", "*.txt"))))
words = seed_text.split()
PIECES = ["the", "The", "U.S.", "A.S.", "U8", " ", "\n", "\n\n", "\r\n", "\r", ".", "...", "!", "?", '"',
  "«", "»", "—", "-", "'", "’s", "1.13bn", "$", "%", "😀", "👍🏽", "\u0000", "\ufeff", "\u200b", "\u00ad",
  "é", "e\u0301", "日本語", "العربية", "Leave a Reply", "Read Also:", "http://x.y/z", "www.", "@", "a@b.c",
  "<p>", "</p>", "<br>", "<script>", "</script>", "<!--", "-->", "<style", "<iframe src=x>", "<svg", "</svg>",
  "<a href='", "'>", "</a>", "<", ">", "&amp;", "&#", "&#x1F600;", "&#99999999;", "&nbsp", "\t", "ǅ", "İ", "ß", "ﬁ",
  "[", "]", "(", ")", "](", "]: ", "![", "`", "```", "~~~", "* ", "- ", "+ ", "1. ", "1) ", "# ", "## ", "> ",
  "**", "_", "\\", "\\n", "\\r\\n", "\\u", "\\ud83d", "\\ude00", "\\u00e9", "\\\"", "\\'", "\\t",
  "protected]", "[email", "Advertisement", "Show More", "|", "|---|", "\u2028", "\u2029", "\x0b", "\x0c", "\x85",
  "\ud7ff", "\U0010ffff", "A" * 300, "ab" * 200, "🙂" * 100, "." * 200, "\n" * 50]

def gen_text():
    n = rng.choice([0, 1, 3, 20, 100, 400, 1500])
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.5:
            out.append(rng.choice(words) + " ")
        else:
            out.append(rng.choice(PIECES))
    t = "".join(out)
    if rng.random() < 0.1:
        t = "<html><head><title>x</title></head><body>" + t + "</body></html>"
    if rng.random() < 0.05:
        t = t.replace("\n", "\\n")
    return t

def enc(t):
    return t.encode("utf-8", "surrogatepass")

def write_jsonl(path, docs):
    with open(path, "wb") as f:
        for i, t in enumerate(docs):
            r = rng.random()
            rec = {"id": f"d{i}", "source": rng.choice(["a", "b", "", "c.com"])}
            key = "text" if rng.random() < 0.85 else "html"
            rec[key] = t
            if rng.random() < 0.05:
                rec["url"] = rng.choice(["http://x.com/a", "nonsense", "", "https://"])
            line = json.dumps(rec, ensure_ascii=rng.random() < 0.5)
            if r < 0.03:
                line = line[: rng.randrange(len(line) + 1)]  # truncated
            elif r < 0.05:
                line = "[" + line + "]"
            elif r < 0.06:
                line = ""
            b = enc(line)
            if rng.random() < 0.02:
                b = b + b"\xff\xfe\x80"
            f.write(b + (b"\r\n" if rng.random() < 0.1 else b"\n"))

def write_csv(path, docs):
    import csv, io
    s = io.StringIO()
    w = csv.writer(s)
    w.writerow(["id", "source", "text"])
    for i, t in enumerate(docs):
        row = [f"d{i}", "s", t]
        if rng.random() < 0.05:
            row = row[:2]
        w.writerow(row)
    data = s.getvalue()
    if rng.random() < 0.1:
        data = data.replace('"', "", 1)
    open(path, "wb").write(enc(data))

def run(args, stdin=None):
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, timeout=300)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode == 101 or "panicked" in err or p.returncode < 0:
        return f"rc={p.returncode} args={args}\n{err[-2000:]}"
    return None

fails = 0
with tempfile.TemporaryDirectory() as d:
    for rnd in range(ROUNDS):
        docs = [gen_text() for _ in range(rng.choice([1, 5, 30]))]
        # occasional near-duplicates so story clusters form
        if len(docs) > 2 and rng.random() < 0.5:
            docs[1] = docs[0].replace("the", "a")
        kind = rng.choice(["jsonl", "csv", "txt", "md", "html"])
        if kind == "jsonl":
            p = os.path.join(d, "in.jsonl"); write_jsonl(p, docs); paths = [p]
        elif kind == "csv":
            p = os.path.join(d, "in.csv"); write_csv(p, docs); paths = [p]
        else:
            sub = os.path.join(d, f"dir{rnd}"); os.makedirs(sub)
            paths = [sub]
            for i, t in enumerate(docs):
                b = enc(t)
                if rng.random() < 0.03:
                    b += b"\xc3\x28"
                open(os.path.join(sub, f"{i}.{kind}"), "wb").write(b)
        fmt = rng.choice(["csv", "jsonl", "table"])
        cmds = [["score", "-q", "-f", fmt] + paths,
                ["score", "-q", "-f", "jsonl", "--no-clusters", "--unranked", "--threads", "1"] + paths,
                ["explain"] + paths[:1],
                ["sources", "-q"] + paths]
        if kind in ("jsonl", "csv"):
            cmds.append(["filter", "-q", "--max-score", "40", "--add-score"] + paths)
        for c in cmds:
            try:
                msg = run(c)
            except subprocess.TimeoutExpired:
                msg = f"TIMEOUT {c}"
            if msg:
                fails += 1
                keep = os.path.join(args.keep, f"seed{SEED}-round{rnd}")
                if not os.path.exists(keep):
                    os.makedirs(keep)
                    for p in paths:
                        dst = os.path.join(keep, os.path.basename(p))
                        (shutil.copytree if os.path.isdir(p) else shutil.copy)(p, dst)
                print("FAIL", msg, "input kept in", keep, flush=True)
        if rnd % 20 == 0:
            print("round", rnd, "fails", fails, flush=True)
print("done: rounds", ROUNDS, "runs that failed", fails)
