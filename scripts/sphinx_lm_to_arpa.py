#!/usr/bin/env python3
"""Convert a CMU Sphinx / pocketsphinx binary "Trie Language Model" to ARPA.

Usage:
    python3 scripts/sphinx_lm_to_arpa.py IN.lm.bin OUT.arpa [--decimals N]

Standard library only.  Written for the US-English generic trigram model
shipped with pocketsphinx (``model/en-us/en-us.lm.bin``), whose only
distributed form is this binary trie; the library's own ARPA writer
(``NGramModel.write(path, 'arpa')``) crashes / asserts on it.

Licence note: the en-us language model is (c) Carnegie Mellon University and
distributed under the BSD 2-clause licence (as part of pocketsphinx /
sphinxbase).  This script only reads the model file; the ARPA it writes is a
re-encoding of that model and carries the same licence.  The format
description below was worked out from the (BSD-2) pocketsphinx sources
(src/lm/ngram_model_trie.c, lm_trie.c, lm_trie_quant.c, bitarr.c); no code
was copied.

Binary format (all little-endian; N = order, c[k] = header count of k-grams)
--------------------------------------------------------------------------
  char[19]  "Trie Language Model"            (no terminator)
  uint8     N
  uint32    c[1] .. c[N]
  -- only if N > 1: quantiser --
  int32     legacy "quantisation type" (0 or 1; ignored)
  float32   for each order k = 2 .. N-1: 65536 prob centres, then 65536
            backoff centres; then 65536 prob centres for order N.
  -- unigrams: c[1] + 1 records (the last is a sentinel) --
  float32 prob, float32 backoff, uint32 next
  -- only if N > 1: bit-packed n-gram arrays, one per order 2 .. N --
  order k < N ("middle"):  (c[k] + 1) entries of
        word_bits + 32 + next_bits  bits, fields LSB-first:
        word id | backoff code (16) | prob code (16) | next (next_bits)
        byte size = ((c[k]+1) * total_bits + 7) // 8 + 8
  order N ("longest"):     (c[N] + 1) entries of word_bits + 16 bits:
        word id | prob code (16)
        byte size = ((c[N]+1) * total_bits + 7) // 8 + 8
    word_bits = bit length of c[1]; next_bits = bit length of c[k+1].
    Entry i starts at bit i * total_bits of its array; a field at bit offset
    o is read as a little-endian integer from byte o // 8 shifted by o % 8.
  -- vocabulary --
  int32     total bytes K, then K bytes: c[1] NUL-terminated words, in id
            order.

All probabilities/backoffs (unigram floats and codebook centres) are in
logmath units of base 1.0001, i.e. log10(x) = value * log10(1.0001).

The trie is keyed in REVERSE word order (as in KenLM): unigram w's
``next``/``next of w+1`` bound the range of order-2 entries whose word is the
previous history word h1 (ARPA bigram "h1 w"); an order-2 entry's ``next``
pair bounds the order-3 entries with word h2 (ARPA trigram "h2 h1 w"), and so
on.  A node's prob is P(w | history) and its backoff is the backoff weight of
the ARPA n-gram spelled by the path read backwards.  Children within a range
are sorted by word id.  When the ARPA had an n-gram without its suffix
(n-1)-gram, the builder inserted a "blank" entry with prob = backoff-derived
value and backoff 0, so such entries are real, consistent n-grams.

The header counts are the builder's *estimated* counts; the arrays may hold
fewer real entries (the rest is zero padding).  This script walks the trie
from every unigram, outputs every reachable n-gram, and writes the counts it
actually output into the ARPA header; both are reported on stderr.

The library looks children up with an interpolation search that assumes each
child range is sorted by word id.  A builder bug around blank entries can
leave a range unsorted (en-us.lm.bin: 2 ranges of 2 trigrams each), and then
one entry of such a range can never be found by pocketsphinx.  Those n-grams
are reported and kept by default (they are genuine model entries);
--drop-unfindable omits them so the ARPA scores exactly like pocketsphinx.
Values are the quantised ones the library uses (16-bit codebooks for
bigram/trigram probs and bigram backoffs; unigrams are exact floats).
"""

import argparse
import math
import os
import struct
import sys
import time
from array import array

MAGIC = b"Trie Language Model"
QUANT_BITS = 16                 # fixed in the library: 16-bit prob and backoff codes
QUANT_ENTRIES = 1 << QUANT_BITS
LOG10_OF_BASE = math.log10(1.0001)
MAX_ORDER = 6                   # NGRAM_MAX_ORDER in the library


class FormatError(Exception):
    pass


def required_bits(max_value):
    """Number of bits needed to store values 0..max_value (0 -> 0)."""
    return max_value.bit_length()


def _floats(data, off, n):
    a = array("f")
    a.frombytes(data[off:off + 4 * n])
    if sys.byteorder != "little":
        a.byteswap()
    return a


def _uint32s(data, off, n):
    a = array("I")
    if a.itemsize != 4:
        a = array("L")
        assert a.itemsize == 4
    a.frombytes(data[off:off + 4 * n])
    if sys.byteorder != "little":
        a.byteswap()
    return a


class TrieLM:
    """Parsed model; arrays are per order, index 0 of lists = order 2."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as fh:
            data = fh.read()
        size = len(data)

        def need(off, n, what):
            if off + n > size:
                raise FormatError(
                    "%s: truncated file: %s needs bytes %d..%d but the file has "
                    "only %d bytes" % (path, what, off, off + n, size))

        need(0, len(MAGIC) + 1, "header")
        if data[:len(MAGIC)] != MAGIC:
            raise FormatError(
                "%s: not a sphinx trie LM (header %r, expected %r)"
                % (path, data[:len(MAGIC)], MAGIC))
        off = len(MAGIC)
        order = data[off]
        off += 1
        if not 1 <= order <= MAX_ORDER:
            raise FormatError("%s: bad header: order %d" % (path, order))
        need(off, 4 * order, "n-gram counts")
        counts = list(struct.unpack_from("<%dI" % order, data, off))
        off += 4 * order
        if counts[0] == 0:
            raise FormatError("%s: bad header: zero unigrams" % path)
        self.order = order
        self.header_counts = counts
        n1 = counts[0]

        # Quantiser codebooks.
        self.prob_tables = []   # per order 2..N
        self.bo_tables = []     # per order 2..N-1
        if order > 1:
            qsize = ((order - 2) * 2 + 1) * QUANT_ENTRIES * 4
            need(off, 4 + qsize, "quantiser tables")
            off += 4        # legacy quantisation-type word, ignored
            for _ in range(order - 2):
                self.prob_tables.append(_floats(data, off, QUANT_ENTRIES))
                off += 4 * QUANT_ENTRIES
                self.bo_tables.append(_floats(data, off, QUANT_ENTRIES))
                off += 4 * QUANT_ENTRIES
            self.prob_tables.append(_floats(data, off, QUANT_ENTRIES))
            off += 4 * QUANT_ENTRIES

        # Unigrams: (n1 + 1) x {float prob, float bo, uint32 next}.
        need(off, 12 * (n1 + 1), "unigram records")
        raw = _uint32s(data, off, 3 * (n1 + 1))
        flt = _floats(data, off, 3 * (n1 + 1))
        self.uni_prob = flt[0::3]
        self.uni_bo = flt[1::3]
        self.uni_next = raw[2::3]
        off += 12 * (n1 + 1)

        # Bit-packed arrays for orders 2..N.
        word_bits = required_bits(n1)
        self.word_bits = word_bits
        self.levels = []        # dicts with raw bytes and layout
        for k in range(2, order + 1):
            entries = counts[k - 1]
            if k < order:
                next_bits = required_bits(counts[k])
                total = word_bits + 2 * QUANT_BITS + next_bits
            else:
                next_bits = 0
                total = word_bits + QUANT_BITS
            nbytes = ((entries + 1) * total + 7) // 8 + 8
            need(off, nbytes, "%d-gram array" % k)
            self.levels.append({
                "order": k, "mem": data[off:off + nbytes], "entries": entries,
                "total_bits": total, "next_bits": next_bits,
            })
            off += nbytes

        # Vocabulary.
        need(off, 4, "word-string length")
        (k_bytes,) = struct.unpack_from("<i", data, off)
        off += 4
        if k_bytes < 0:
            raise FormatError("%s: bad word-string length %d" % (path, k_bytes))
        need(off, k_bytes, "word strings")
        blob = data[off:off + k_bytes]
        off += k_bytes
        words = blob.split(b"\0")
        if words and words[-1] == b"":
            words.pop()
        if len(words) != n1:
            raise FormatError(
                "%s: %d word strings but header says %d unigrams"
                % (path, len(words), n1))
        self.words = [w.decode("utf-8", "surrogateescape") for w in words]
        self.trailing_bytes = size - off

    # -- bit-packed decoding ------------------------------------------------
    def decode_level(self, li, n_entries):
        """Decode entries 0..n_entries-1 of level li (order li+2).

        Returns arrays (word, prob_code, bo_code, next); bo/next are None for
        the longest order."""
        lv = self.levels[li]
        mem = lv["mem"]
        total = lv["total_bits"]
        wb = self.word_bits
        wmask = (1 << wb) - 1
        qmask = (1 << QUANT_BITS) - 1
        from_bytes = int.from_bytes
        nbytes = (total + 7 + 7) // 8
        word = array("i", bytes(4 * n_entries))
        prob = array("i", bytes(4 * n_entries))
        if lv["next_bits"]:
            nb = lv["next_bits"]
            nmask = (1 << nb) - 1
            bo = array("i", bytes(4 * n_entries))
            nxt = array("i", bytes(4 * n_entries))
            s_bo = wb
            s_pr = wb + QUANT_BITS
            s_nx = wb + 2 * QUANT_BITS
            bit = 0
            for i in range(n_entries):
                b = bit >> 3
                v = from_bytes(mem[b:b + nbytes], "little") >> (bit & 7)
                word[i] = v & wmask
                bo[i] = (v >> s_bo) & qmask
                prob[i] = (v >> s_pr) & qmask
                nxt[i] = (v >> s_nx) & nmask
                bit += total
            return word, prob, bo, nxt
        bit = 0
        for i in range(n_entries):
            b = bit >> 3
            v = from_bytes(mem[b:b + nbytes], "little") >> (bit & 7)
            word[i] = v & wmask
            prob[i] = (v >> wb) & qmask
            bit += total
        return word, prob, None, None


def library_find(word, begin, end, key, max_vocab):
    """Replicate the library's lookup of ``key`` among entries [begin, end).

    It is an interpolation search with uint32 arithmetic that assumes the
    range is sorted by word id; returns the index found or -1."""
    m = 0xFFFFFFFF
    before_it, before_v = (begin - 1) & m, 0
    after_it, after_v = end, max_vocab
    if key > after_v:
        return -1
    while ((after_it - before_it) & m) > 1:
        off = (key - before_v) & m
        rng = (after_v - before_v) & m
        width = (after_it - before_it - 1) & m
        pivot = (before_it + 1 + ((off * width) & m) // ((rng + 1) & m or 1)) & m
        if pivot >= len(word):
            return -1
        mid = word[pivot]
        if mid < key:
            before_it, before_v = pivot, mid
        elif mid > key:
            after_it, after_v = pivot, mid
        else:
            return pivot
    return -1


def convert(in_path, out_path, decimals=6, drop_unfindable=False,
            log=sys.stderr):
    t0 = time.time()
    lm = TrieLM(in_path)
    order = lm.order
    n1 = lm.header_counts[0]
    print("%s: order %d, header counts %s" % (in_path, order, lm.header_counts),
          file=log)
    if lm.trailing_bytes:
        print("warning: %d unexpected trailing bytes" % lm.trailing_bytes,
              file=log)

    # Walk the trie level by level.  parents[li][j] = index of entry j's
    # parent in the previous level (unigram id for order 2); -1 = unreachable.
    reach = []          # per level: list of reachable entry indices in walk order
    decoded = []
    parents = []
    prev_next = lm.uni_next
    prev_order_idx = range(n1)      # reachable entries of previous level, in order
    prev_ok = None                  # findability of previous level (None = all)
    unfindable_counts = [0] * order
    unsorted_counts = [0] * order
    for li, lv in enumerate(lm.levels):
        cap = lv["entries"]
        # Children ranges of the previous level's reachable entries.
        ends = []
        for p in prev_order_idx:
            b, e = prev_next[p], prev_next[p + 1]
            if e < b or e > cap:
                raise FormatError(
                    "%s: corrupt trie: %d-gram range [%d,%d) of parent %d "
                    "outside 0..%d" % (in_path, lv["order"], b, e, p, cap))
            if e > b:
                ends.append(e)
        max_end = max(ends) if ends else 0
        # Decode one past the last reachable entry (its ``next`` ends the
        # final child range of the following level).
        n_dec = min(max_end + 1, cap + 1) if lv["next_bits"] else max_end
        dec = lm.decode_level(li, n_dec)
        word = dec[0]
        par = array("i", [-1]) * max(n_dec, 1)
        idx = []
        seen_twice = 0
        for p in prev_order_idx:
            b, e = prev_next[p], prev_next[p + 1]
            for j in range(b, e):
                if par[j] != -1:
                    seen_twice += 1
                par[j] = p
                if word[j] >= n1:
                    raise FormatError(
                        "%s: corrupt trie: %d-gram entry %d has word id %d"
                        % (in_path, lv["order"], j, word[j]))
            idx.extend(range(b, e))
        if seen_twice:
            print("warning: %d %d-gram entries reachable from more than one "
                  "parent" % (seen_twice, lv["order"]), file=log)
        # Which entries can the library's own lookup (interpolation search
        # over each child range, which assumes word ids sorted ascending)
        # actually find?  Only ranges that are not strictly increasing, or
        # whose parent is unfindable, need checking.
        ok = bytearray(b"\1") * max(n_dec, 1)
        for p in prev_order_idx:
            b, e = prev_next[p], prev_next[p + 1]
            if e - b < 1:
                continue
            if prev_ok is not None and not prev_ok[p]:
                for j in range(b, e):
                    ok[j] = 0
                continue
            if all(word[j] < word[j + 1] for j in range(b, e - 1)):
                continue
            unsorted_counts[li + 1] += 1
            for j in range(b, e):
                if library_find(word, b, e, word[j], n1) != j:
                    ok[j] = 0
        unfindable_counts[li + 1] = sum(1 for j in idx if not ok[j])
        if drop_unfindable and unfindable_counts[li + 1]:
            idx = [j for j in idx if ok[j]]
        reach.append(idx)
        decoded.append(dec)
        parents.append(par)
        prev_next = dec[3]
        prev_order_idx = idx
        prev_ok = ok

    out_counts = [n1] + [len(r) for r in reach]
    for k in range(order):
        flag = "" if out_counts[k] == lm.header_counts[k] else "  (differs)"
        print("  %d-grams: header %d, written %d%s"
              % (k + 1, lm.header_counts[k], out_counts[k], flag), file=log)
        if unsorted_counts[k] or unfindable_counts[k]:
            print("    %d unsorted child ranges; %d reachable %d-grams that "
                  "the library's lookup cannot find (%s)"
                  % (unsorted_counts[k], unfindable_counts[k], k + 1,
                     "dropped" if drop_unfindable else
                     "kept; --drop-unfindable omits them"), file=log)

    fmt = "%%.%df" % decimals
    c = LOG10_OF_BASE

    def l10(v):
        s = fmt % (v * c)
        if s.startswith("-") and float(s) == 0.0:
            s = s[1:]
        return s

    tmp_path = out_path + ".tmp"
    try:
        _write_arpa(tmp_path, lm, order, out_counts, reach, decoded, parents,
                    l10)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise
    os.replace(tmp_path, out_path)
    print("wrote %s (%d bytes) in %.1fs" % (out_path, os.path.getsize(out_path),
                                          time.time() - t0), file=log)
    return lm.header_counts, out_counts


def _write_arpa(tmp_path, lm, order, out_counts, reach, decoded, parents, l10):
    n1 = lm.header_counts[0]
    words = lm.words
    with open(tmp_path, "w", encoding="utf-8", errors="surrogateescape",
              newline="\n") as out:
        w = out.write
        w("\\data\\\n")
        for k in range(order):
            w("ngram %d=%d\n" % (k + 1, out_counts[k]))
        w("\n\\1-grams:\n")
        up, ub = lm.uni_prob, lm.uni_bo
        buf = []
        for i in range(n1):
            if order > 1:
                buf.append("%s\t%s\t%s\n" % (l10(up[i]), words[i], l10(ub[i])))
            else:
                buf.append("%s\t%s\n" % (l10(up[i]), words[i]))
        w("".join(buf))
        for li, lv in enumerate(lm.levels):
            k = lv["order"]
            w("\n\\%d-grams:\n" % k)
            word, prob, bo, _ = decoded[li]
            ptab = lm.prob_tables[li]
            # Cache formatted codebook strings (only 65536 distinct values).
            pstr = [l10(x) for x in ptab]
            bstr = [l10(x) for x in lm.bo_tables[li]] if bo is not None else None
            buf = []
            for j in reach[li]:
                # Reconstruct the ARPA word sequence: path read backwards.
                seq = [words[word[j]]]
                p = parents[li][j]
                for lj in range(li - 1, -1, -1):
                    seq.append(words[decoded[lj][0][p]])
                    p = parents[lj][p]
                seq.append(words[p])     # p is now the unigram id (root)
                # seq = [h_{k-1}, ..., h1, w] in ARPA (oldest-first) order
                if bo is not None:
                    buf.append("%s\t%s\t%s\n" % (pstr[prob[j]], " ".join(seq),
                                                 bstr[bo[j]]))
                else:
                    buf.append("%s\t%s\n" % (pstr[prob[j]], " ".join(seq)))
                if len(buf) >= 100000:
                    w("".join(buf))
                    buf = []
            w("".join(buf))
        w("\n\\end\\\n")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Convert a sphinx/pocketsphinx binary trie LM "
                    "(\"Trie Language Model\") to ARPA.")
    ap.add_argument("input", help="binary LM, e.g. en-us.lm.bin")
    ap.add_argument("output", help="ARPA file to write")
    ap.add_argument("--decimals", type=int, default=6,
                    help="decimals for log10 values (default 6; the library "
                         "writer uses 4)")
    ap.add_argument("--drop-unfindable", action="store_true",
                    help="omit reachable n-grams that the library's own "
                         "lookup can never find (entries in mis-sorted child "
                         "ranges), so the ARPA scores exactly like pocketsphinx")
    args = ap.parse_args(argv)
    try:
        convert(args.input, args.output, args.decimals, args.drop_unfindable)
    except FormatError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    except OSError as e:
        print("error: %s: %s" % (e.filename or args.input, e.strerror or e),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
