#!/usr/bin/env python3
"""Measurement only: the entity family's recall on generated entity damage, and its false flags
on clean text.

    python3 scripts/entity_recall.py GEN/fit_valid.jsonl [--bin target/release/spinscore] [--verbose]

Recall: the documents of kind `entity` / `entity+boilerplate` of a generated validation split
(scripts/build_training_set.sh), each diffed word by word against its group's original; a changed
span counts as caught when entity evidence (`explain -f json`, all evidence) overlaps it, by class
(acronym, case, name/word, number; boilerplate insertions count as name/word and are never
caught). False flags: entity evidence on the split's originals and the dev set's clean BBC
originals, per kind and per 10,000 words. --verbose lists the misses and samples of the flags.
"""
import argparse, collections, difflib, json, re, subprocess, tempfile
from pathlib import Path
ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("valid")
ap.add_argument("--bin", default=str(Path(__file__).resolve().parent.parent / "target" / "release" / "spinscore"))
ap.add_argument("--verbose", action="store_true")
a = ap.parse_args()
BIN = a.bin; VERB = a.verbose
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev"
docs = {}
for l in open(a.valid):
    d = json.loads(l); docs[d['id']] = d
ent = [d for d in docs.values() if d['kind'] in ('entity', 'entity+boilerplate')]
orig = {d['group']: d for d in docs.values() if d['kind'] in ('original',)}
def explain(recs):
    with tempfile.NamedTemporaryFile('w', suffix='.jsonl') as f:
        f.write(''.join(json.dumps(d) + '\n' for d in recs))
        f.flush()
        out = subprocess.run([BIN, 'explain', '--no-clusters', '-f', 'json', f.name],
                             capture_output=True, text=True, check=True).stdout
    return {json.loads(l)['id']: json.loads(l) for l in out.splitlines()}
ex = explain(ent)
caught = collections.Counter(); total = collections.Counter(); miss = collections.defaultdict(list)
for d in ent:
    o = orig.get(d['group'])
    if not o or d['id'] not in ex: continue
    a = re.findall(r"\S+", o['text']); b = re.findall(r"\S+", d['text'])
    offs = [m.span() for m in re.finditer(r"\S+", d['text'])]
    spans = [(e['start'], e['end'], e['kind']) for e in ex[d['id']]['all_evidence'] if e['family'] == 'entities']
    for t, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if t == 'equal' or j1 == j2: continue
        old = ' '.join(a[i1:i2]); new = ' '.join(b[j1:j2])
        s, e = offs[j1][0], offs[j2 - 1][1]
        hit = [k for (x, y, k) in spans if x < e and y > s]
        if re.search(r'\d', old + new) and not re.search(r'[A-Z]\d|\d[A-Z]', new): cls = 'number'
        elif old.lower() == new.lower(): cls = 'case'
        elif re.fullmatch(r"[A-Z][A-Z.]+", old.strip('.,;:"\'()')) or re.search(r'[A-Z]\d|\d[A-Z]', new): cls = 'acronym'
        else: cls = 'name/word'
        total[cls] += 1
        if hit: caught[cls] += 1
        else: miss[cls].append((old, new))
print('recall on generated entity damage (changed spans overlapped by entity evidence):')
for c in sorted(total): print(f'  {c:10s} {caught[c]:4d} / {total[c]:4d}')
if VERB:
    for c, v in miss.items(): print('  missed', c, v[:40])
clean = [d for d in docs.values() if d['kind'] == 'original']
for l in open(DEV / 'roundtrip-bbc.jsonl'):
    d = json.loads(l)
    if d['label'] == 'clean': clean.append(d)
exc = explain(clean)
fk = collections.Counter(); words = 0; docs_flagged = 0; samples = collections.defaultdict(list)
for r in exc.values():
    words += r.get('words') or 0
    es = [e for e in r['all_evidence'] if e['family'] == 'entities']
    docs_flagged += bool(es)
    for e in es:
        fk[e['kind']] += 1; samples[e['kind']].append(e['note'][:110])
print(f'false flags on {len(exc)} clean docs ({words} words; {docs_flagged} docs with any):')
for k, n in sorted(fk.items()): print(f'  {k:22s} {n:4d}  ({1e4 * n / max(words, 1):.2f} per 10k words)')
if VERB:
    for k, v in samples.items(): print('  sample', k, v[:15])
