use super::format::*;
use super::train::{TrainConfig, Trainer, train_paths, trigram_table_hashed, vocab_table_hashed};
use super::*;
use crate::lexicon::Lexicon;
use serde_json::json;

const TINY: &str = "The cat sat on the mat.\nThe dog sat on the log.\nThe cat saw the dog.\n\
A cat and a dog sat on the mat.\nThe U.S. economy grew. The U.S. economy shrank.\n";

fn tiny(cfg: TrainConfig) -> Vec<u8> {
    let mut t = Trainer::new(cfg);
    t.add_text(TINY);
    t.finish().unwrap()
}

fn unpruned() -> TrainConfig {
    TrainConfig { bigram_min_count: 1, trigram_min_count: 1, surface_min_count: 1, ..TrainConfig::default() }
}

fn logp(m: &Model, ctx: &[&str], w: &str) -> f32 {
    let mut ids: Vec<u32> = ctx.iter().map(|c| if *c == "<s>" { BOS } else { m.word_id(c) }).collect();
    ids.push(if w == "</s>" { EOS } else { m.word_id(w) });
    let mut out = Vec::new();
    m.score_sequence(&ids, &mut out);
    out.last().unwrap().logp
}

#[test]
fn round_trip_and_info() {
    let m = Model::from_bytes(tiny(TrainConfig::default())).unwrap();
    m.verify().unwrap();
    let info = m.info();
    assert_eq!(info.order, 3);
    assert_eq!(info.version, VERSION);
    assert!(info.meta.contains("Kneser-Ney"));
    assert_eq!(m.word(m.word_id("cat")), "cat");
    assert_eq!(m.word_id("zebra"), UNK);
    assert!(!m.is_default());
    assert!(Model::embedded().is_default());
}

#[test]
fn training_is_deterministic() {
    assert_eq!(tiny(TrainConfig::default()), tiny(TrainConfig::default()));
    assert_eq!(tiny(unpruned()), tiny(unpruned()));
}

#[test]
fn unpruned_distributions_sum_to_one() {
    let m = Model::from_bytes(tiny(unpruned())).unwrap();
    let words: Vec<String> = (0..m.vocab_size() as u32)
        .filter(|&id| id != BOS)
        .map(|id| if id == EOS { "</s>".into() } else { m.word(id).to_string() })
        .collect();
    for ctx in [&["the", "cat"][..], &["on", "the"], &["<s>", "the"], &["cat", "dog"], &["mat"]] {
        let total: f64 = words
            .iter()
            .map(|w| {
                let w = if w == "<unk>" { "zebra" } else { w.as_str() };
                10f64.powf(logp(&m, ctx, w) as f64)
            })
            .sum();
        assert!((total - 1.0).abs() < 0.01, "P(.|{ctx:?}) sums to {total}");
    }
}

#[test]
fn known_probabilities_order_sensibly() {
    let m = Model::from_bytes(tiny(unpruned())).unwrap();
    // "sat on the" is seen three times: "on" follows "cat sat" with high probability.
    assert!(logp(&m, &["cat", "sat"], "on") > -0.5);
    assert!(logp(&m, &["cat", "sat"], "on") > logp(&m, &["cat", "sat"], "dog") + 0.5);
    // The best continuation of "sat" is "on".
    let mut out = Vec::new();
    m.score_sequence(&[m.word_id("cat"), m.word_id("sat"), m.word_id("dog")], &mut out);
    assert_eq!(m.word(out[1].ctx_best), "on");
    assert!(out[1].ctx_best_logp > -0.5);
}

#[test]
fn lexicon_keeps_case() {
    let m = Model::from_bytes(tiny(unpruned())).unwrap();
    assert_eq!(m.surface_count("U.S"), 2);
    assert_eq!(m.surface_count("The"), 5);
    assert_eq!(m.surface_count("the"), 4);
    assert_eq!(m.normalized_count("the"), 9);
    assert_eq!(m.normalized_count("u.s"), 2);
    let near = m.near_misses("A.S", 1);
    assert_eq!(near.first().map(|x| x.0.as_str()), Some("U.S"));
    assert!(m.near_misses("U.S", 1).iter().all(|x| x.0 != "U.S"));
    assert!(m.total_tokens() > 30);
}

#[test]
fn corrupt_files_give_errors() {
    let good = tiny(TrainConfig::default());
    assert!(matches!(Model::from_bytes(b"hello world".to_vec()), Err(ModelError::Format)));
    assert!(matches!(Model::from_bytes(Vec::new()), Err(ModelError::Format)));
    let mut v = good.clone();
    v[field::VERSION] = 9;
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Version { expected: VERSION, got: 9 })));
    let mut v = good.clone();
    v[field::NORM] = 7;
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Normalization { .. })));
    let v = good[..good.len() - 1].to_vec();
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Truncated { .. })));
    let v = good[..100].to_vec();
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Truncated { .. })));
    let mut v = good.clone();
    v[SECTION_TABLE + 8..SECTION_TABLE + 16].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Corrupt(_))));
    // A flipped byte in the content opens (cheap open) but fails verification.
    let mut v = good.clone();
    let last = v.len() - 1;
    v[last] ^= 0x55;
    let m = Model::from_bytes(v).unwrap();
    assert!(matches!(m.verify(), Err(ModelError::ChecksumMismatch { .. })));
}

#[test]
fn damaged_files_never_panic() {
    let good = tiny(TrainConfig::default());
    // Every truncation, and a byte flipped at many places: open may fail, but must not
    // panic, and a model that opens must answer lookups without panicking.
    for cut in (0..good.len()).step_by(7) {
        let _ = Model::from_bytes(good[..cut].to_vec());
    }
    for at in (0..good.len()).step_by(3) {
        let mut v = good.clone();
        v[at] = v[at].wrapping_add(0x9D);
        if let Ok(m) = Model::from_bytes(v) {
            let mut out = Vec::new();
            let ids = [BOS, m.word_id("the"), m.word_id("cat"), m.word_id("sat"), EOS];
            m.score_sequence(&ids, &mut out);
            if let Ok(c) = ContrastModel::from_model(&m) {
                assert_contrast_matches(&m, &c, &ids);
            }
            let _ = m.near_misses("cat", 1);
            let _ = m.normalized_count("the");
            let _ = m.freq_quartiles();
        }
    }
}

#[test]
fn embedded_model_opens() {
    let t = std::time::Instant::now();
    let m = Model::embedded();
    assert!(m.vocab_size() > 1000);
    assert!(t.elapsed().as_millis() < 1000);
    assert!(m.word_id("the") != UNK);
}

#[test]
fn one_edit_near_misses_match_the_automaton() {
    let m = Model::embedded();
    let map = fst::Map::new(m.section(SURFACE)).unwrap();
    let mut found = 0;
    for q in [
        "Pifer",
        "Peifer",
        "A.S",
        "U8",
        "Karmanov",
        "Obana",
        "Stefen",
        "a",
        "",
        "Zelenskyy",
        "Kremlim",
        "Washingtom",
        "Bidem",
        "naïve",
        "Müller",
        "😀x",
        "Jonson",
        "Smlth",
        "Londn",
        "Parls",
    ] {
        let mut fast = near_misses_1(map.as_fst(), q);
        let mut slow = near_misses_automaton(&map, q, 1);
        fast.sort();
        fast.dedup();
        slow.sort();
        assert_eq!(fast, slow, "query {q:?}");
        found += slow.len();
    }
    assert!(found > 20, "the queries should exercise real near misses ({found})");
}

#[test]
fn slot_scores_equal_logp3() {
    // The slot API gives exactly what logp3/logp2 give, with contexts that hit trigrams,
    // bigrams only, and nothing (backoff), at every position of real sentences.
    let m = Model::embedded();
    let text = "The president said on Monday that the talks would continue next week . \
                He was quoted as saying that the economy of the United States grew by 2 % . \
                Zebrafish quixotically the of and said the minister in a statement";
    let mut ids = vec![BOS];
    ids.extend(text.split(' ').map(|w| m.word_id(&crate::tokenize::normalize(w))));
    ids.push(EOS);
    let cands: Vec<u32> = ["the", "said", "that", "as", "talks", "week", "economy", "of", "minister", "qwxz"]
        .iter()
        .map(|w| m.word_id(w))
        .chain(ids.iter().copied())
        .collect();
    let (mut checked, mut tri) = (0usize, 0usize);
    for j in 1..ids.len() {
        let slot = m.slot(&ids, j);
        let (u, v) = (ids[j.saturating_sub(2)], ids[j - 1]);
        for &s in &cands {
            let (left, mut sw) = m.slot_left(&slot, s, &m.unigram(s));
            let want = if j >= 2 { m.logp3(u, v, s) } else { m.logp2(v, s) };
            assert_eq!(left.to_bits(), want.to_bits(), "left j={j} s={s}");
            let mid = m.slot_mid(&slot, &mut sw);
            assert_eq!(mid.map(f32::to_bits), ids.get(j + 1).map(|&n1| m.logp3(v, s, n1).to_bits()));
            let right = m.slot_right(&slot, &sw);
            let want = ids.get(j + 1).zip(ids.get(j + 2)).map(|(&n1, &n2)| m.logp3(s, n1, n2).to_bits());
            assert_eq!(right.map(f32::to_bits), want, "right j={j} s={s}");
            tri += usize::from(j >= 2 && m.bigram(u, v).is_some_and(|b| b.has_trigrams));
            checked += 1;
        }
    }
    assert!(checked > 1000 && tri > 100, "{checked} {tri}");
}

#[test]
fn surface_counts_from_the_fst_equal_the_table() {
    // Answers before and after the switch to the table agree: the fst and the table on every
    // table key (and variants of it, mostly absent), then a model that crosses the switch.
    let m = Model::embedded();
    let table = m.surface_map();
    let mut asked = 0;
    for (k, n) in table.iter().step_by(7) {
        assert_eq!(m.surface_count_fst(k), n, "{k:?}");
        for v in [format!("{k}x"), k.to_lowercase(), k.to_uppercase(), k.chars().skip(1).collect()] {
            assert_eq!(m.surface_count_fst(&v), table.get(&v), "{v:?}");
            asked += 1;
        }
    }
    assert!(asked > 10_000);
    let fresh = Model::from_static(EMBEDDED_BYTES).unwrap();
    let words = ["The", "the", "Said", "London", "Xqzv", "", "U.S.", "Obama", "’s"];
    for i in 0..(SURFACE_FST_LOOKUPS as usize + 50) {
        let w = words[i % words.len()];
        assert_eq!(fresh.surface_count(w), table.get(w), "{w:?} at {i}");
    }
    assert!(fresh.surfaces.get().is_some());
    // The batched look-up answers alike, before the table is built and after.
    let fresh = Model::from_static(EMBEDDED_BYTES).unwrap();
    for _ in 0..(SURFACE_FST_LOOKUPS as usize / words.len() + 2) {
        let mut out = [u64::MAX; 10];
        fresh.surface_counts(&words, &mut out);
        for (w, o) in words.iter().zip(&out) {
            assert_eq!(*o, table.get(w), "{w:?}");
        }
        assert_eq!(out[words.len()], u64::MAX);
    }
    assert!(fresh.surfaces.get().is_some());
}

#[test]
fn vocabulary_words_hash_to_their_own_ids() {
    // Fluency looks a known unit's synonyms up by the unit's hash, not by `Model::word` of its
    // id: the same key only while every word's hash leads back to its id.
    let tiny = Model::from_bytes(tiny(unpruned())).unwrap();
    for m in [Model::embedded(), &tiny] {
        for id in SPECIALS.len() as u32..m.vocab_size() as u32 {
            assert_eq!(m.word_id(m.word(id)), id, "{:?}", m.word(id));
        }
    }
}

#[test]
fn embedded_roundtrip_model_opens() {
    let rt = ContrastModel::roundtrip_embedded();
    rt.verify().expect("checksum of models/roundtrip.spinlm");
    assert_ne!(rt.info().checksum, Model::embedded().info().checksum);
    assert_eq!(rt.info().order, Model::embedded().info().order);
    assert!(rt.info().meta.contains("\"contrast_only\":true"));
    assert!(rt.vocab_size() > 60_000);
    // Every unit the scorer hashes resolves in both vocabularies by the same hash.
    for w in ["the", "company", "said", "telephones", ","] {
        let h = crate::model::format::vocab_hash(w.as_bytes());
        assert_eq!(rt.word_id_hashed(h), rt.word_id(w), "{w}");
    }
}

#[test]
fn contrast_score_logp_equals_score_sequence_logp() {
    const NEWS: &str = "The president said on Monday that the talks would continue next week, \
        although officials in Brussels warned that a deal was still far off. Shares in London \
        fell sharply after the announcement; the pound slipped against the dollar. \"We are not \
        there yet,\" a spokesman told reporters. Glorbish zyxqv the the of of and ran quickly \
        table. It's the government's view that 2.5 per cent growth is achievable by 2026.";
    let words: Vec<String> = NEWS
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | '"'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let tiny_m = Model::from_bytes(tiny(unpruned())).unwrap();
    for m in [Model::embedded(), &tiny_m] {
        // The contrast model cut from `m` gives the same logp, bit for bit.
        let c = ContrastModel::from_model(m).unwrap();
        let mut ids = vec![BOS];
        ids.extend(words.iter().map(|w| m.word_id(w)));
        ids.push(EOS);
        for w in &words {
            assert_eq!(c.word_id(w), m.word_id(w), "{w}");
        }
        // The whole text, every prefix and every window of up to eight units.
        assert_contrast_matches(m, &c, &ids);
        for end in 0..=ids.len() {
            assert_contrast_matches(m, &c, &ids[..end]);
            for start in end.saturating_sub(8)..end {
                assert_contrast_matches(m, &c, &ids[start..end]);
            }
        }
        // Unknown and out-of-range ids.
        let odd = [BOS, UNK, u32::MAX, m.word_id("the"), UNK, EOS];
        assert_contrast_matches(m, &c, &odd);
    }
    let tiny_c = ContrastModel::from_model(&tiny_m).unwrap();
    for line in TINY.lines() {
        let mut ids = vec![BOS];
        ids.extend(line.split_whitespace().map(|w| tiny_m.word_id(&w.to_lowercase())));
        ids.push(EOS);
        assert_contrast_matches(&tiny_m, &tiny_c, &ids);
    }
}

/// [`ContrastModel::score_logp`] against the `logp` field of [`Model::score_sequence`], bit for
/// bit.
fn assert_contrast_matches(m: &Model, c: &ContrastModel, ids: &[u32]) {
    let (mut full, mut cut) = (Vec::new(), Vec::new());
    m.score_sequence(ids, &mut full);
    c.score_logp(ids, &mut cut);
    let full: Vec<u32> = full.iter().map(|p| p.logp.to_bits()).collect();
    let cut: Vec<u32> = cut.iter().map(|p| p.to_bits()).collect();
    assert_eq!(full, cut, "{ids:?}");
}

fn contrast_only(mut cfg: TrainConfig) -> TrainConfig {
    cfg.contrast_only = true;
    cfg
}

#[test]
fn contrast_only_training_equals_the_cut_model() {
    for cfg in [TrainConfig::default(), unpruned()] {
        let full = Model::from_bytes(tiny(cfg.clone())).unwrap();
        let trained = tiny(contrast_only(cfg.clone()));
        let cut = ContrastModel::from_model(&full).unwrap();
        let cut = cut.raw();
        // Every section but the metadata (which says how it was trained) is the same.
        let (a, b) = (Header::parse(&trained).unwrap(), Header::parse(cut).unwrap());
        for i in 0..META {
            assert_eq!(&trained[a.sec[i].0..a.sec[i].1], &cut[b.sec[i].0..b.sec[i].1], "section {i}");
        }
        assert_eq!(trained[..field::CHECKSUM], cut[..field::CHECKSUM]);
        assert_eq!(trained[field::TOTAL_TOKENS..SECTION_TABLE], cut[field::TOTAL_TOKENS..SECTION_TABLE]);
        assert_eq!(a.kind, KIND_CONTRAST);
        let c = ContrastModel::from_bytes(trained.clone()).unwrap();
        c.verify().unwrap();
        assert_eq!(c.info().surface_forms, 0);
        assert!(trained.len() < full.info().bytes as usize * 3 / 4);
        // Training is deterministic for this kind too.
        assert_eq!(trained, tiny(contrast_only(cfg)));
    }
}

#[test]
fn model_kinds_are_not_confused() {
    let full = tiny(TrainConfig::default());
    let contrast = tiny(contrast_only(TrainConfig::default()));
    assert!(matches!(Model::from_bytes(contrast.clone()), Err(ModelError::ContrastOnly)));
    assert!(ModelError::ContrastOnly.to_string().contains("round-trip model"));
    // A full model serves as a contrast model, cut down at open.
    let c = ContrastModel::from_bytes(full.clone()).unwrap();
    assert_eq!(c.word_id("cat"), Model::from_bytes(full.clone()).unwrap().word_id("cat"));
    let mut v = contrast.clone();
    v[field::KIND] = 7;
    assert!(matches!(ContrastModel::from_bytes(v.clone()), Err(ModelError::Corrupt(_))));
    assert!(matches!(Model::from_bytes(v), Err(ModelError::Corrupt(_))));
}

#[test]
fn version_1_files_are_refused_with_a_retrain_hint() {
    for bytes in [tiny(TrainConfig::default()), tiny(contrast_only(TrainConfig::default()))] {
        let mut v = bytes.clone();
        v[field::VERSION..field::VERSION + 4].copy_from_slice(&1u32.to_le_bytes());
        let e = Model::from_bytes(v.clone()).unwrap_err();
        assert!(matches!(e, ModelError::Version { expected: 2, got: 1 }));
        assert!(e.to_string().contains("spinscore train"), "{e}");
        assert!(matches!(ContrastModel::from_bytes(v), Err(ModelError::Version { got: 1, .. })));
    }
}

#[test]
fn damaged_contrast_files_never_panic() {
    let good = tiny(contrast_only(TrainConfig::default()));
    let full = tiny(TrainConfig::default());
    for cut in (0..good.len()).step_by(5) {
        let _ = ContrastModel::from_bytes(good[..cut].to_vec());
    }
    for (bytes, step) in [(&good, 2), (&full, 3)] {
        for at in (0..bytes.len()).step_by(step) {
            let mut v = bytes.clone();
            v[at] = v[at].wrapping_add(0x9D);
            if let Ok(c) = ContrastModel::from_bytes(v) {
                let ids = [BOS, c.word_id("the"), c.word_id("cat"), u32::MAX, c.word_id("sat"), EOS];
                let mut out = Vec::new();
                c.score_logp(&ids, &mut out);
                assert_eq!(out.len(), ids.len() - 1);
                let _ = c.verify();
            }
        }
    }
}

#[test]
fn fingerprint_collisions_are_refused_by_the_writer() {
    // Two hashes with the same low 43 bits in one probe run: the later could never be found.
    let h = 0x8000_0000_0000_1234u64;
    assert!(vocab_table_hashed(&[h, h ^ 0xFFFF_FFFF_FFFF_FFFF, 7]).is_ok());
    assert_eq!(vocab_table_hashed(&[h, h ^ (1 << 50), 7]), Err((0, 1)));
    // The same for trigrams (low 48 bits of the key hash).
    assert!(trigram_table_hashed(&[(h, 5), (h ^ 1, 6)]).is_ok());
    assert_eq!(trigram_table_hashed(&[(h, 5), (h ^ (1 << 55), 6)]), Err((0, 1)));
}

#[test]
fn a_stranger_is_unknown_unless_its_fingerprint_matches() {
    let hashes = [0x1111_0000_0000_0001u64, 0x9999_0000_0000_0002, 0x5555_0000_0000_0003];
    let table = vocab_table_hashed(&hashes).unwrap();
    let slots = table.len() / VOCAB_REC;
    for (id, &h) in hashes.iter().enumerate() {
        assert_eq!(vocab_lookup(&table, slots, h), id as u32);
        // Other low bits: not stored.
        assert_eq!(vocab_lookup(&table, slots, h ^ 0x10), UNK);
    }
    // The same low 43 bits and a home slot in the same run: taken for the stored word (the
    // 2^-43 coincidence the format accepts).
    assert_eq!(vocab_lookup(&table, slots, hashes[1] ^ (1 << 44)), 1);
}

#[test]
fn scoring_with_the_next_sequence_ahead_gives_the_same_scores() {
    let m = Model::embedded();
    let c = ContrastModel::roundtrip_embedded();
    let tiny_m = Model::from_bytes(tiny(unpruned())).unwrap();
    let tiny_c = ContrastModel::from_model(&tiny_m).unwrap();
    let sentence = |m: &Model, text: &str| {
        let mut ids = vec![BOS];
        ids.extend(text.split_whitespace().map(|w| m.word_id(w)));
        ids.push(EOS);
        ids
    };
    for (m, c) in [(m, c), (&tiny_m, &tiny_c)] {
        let mut seqs: Vec<Vec<u32>> = vec![
            vec![],
            vec![BOS],
            vec![BOS, EOS],
            vec![BOS, m.word_id("the"), EOS],
            vec![BOS, UNK, u32::MAX, m.word_id("the"), UNK, EOS],
            vec![u32::MAX, u32::MAX - 1, 7],
            sentence(m, "the cat sat on the mat"),
            sentence(m, "the president said on monday that the talks would continue next week"),
            sentence(m, "glorbish zyxqv the the of of and ran quickly table"),
        ];
        seqs.extend(TINY.lines().map(|l| sentence(m, &l.to_lowercase())));
        for ids in &seqs {
            let (mut alone, mut alone_c) = (Vec::new(), Vec::new());
            m.score_sequence(ids, &mut alone);
            c.score_logp(ids, &mut alone_c);
            assert_eq!(alone.len(), ids.len().saturating_sub(1));
            for next in &seqs {
                let (mut got, mut got_c) = (
                    vec![UnitProb {
                        logp: 1.0,
                        unigram: 0.0,
                        ctx_best_logp: 0.0,
                        ctx_best: 0,
                        hit: 0,
                        count: 0,
                    }],
                    vec![1.0f32],
                );
                m.score_sequence_then(ids, next, &mut got);
                c.score_logp_then(ids, next, &mut got_c);
                // Appended after what `out` held, bit for bit.
                assert_eq!(got[0].logp, 1.0);
                assert_eq!(got_c[0], 1.0);
                let bits = |v: &[UnitProb]| -> Vec<(u32, u32, u32, u32, u8, u32)> {
                    v.iter()
                        .map(|p| {
                            (
                                p.logp.to_bits(),
                                p.unigram.to_bits(),
                                p.ctx_best_logp.to_bits(),
                                p.ctx_best,
                                p.hit,
                                p.count,
                            )
                        })
                        .collect()
                };
                assert_eq!(bits(&got[1..]), bits(&alone), "{ids:?} then {next:?}");
                let cbits = |v: &[f32]| -> Vec<u32> { v.iter().map(|x| x.to_bits()).collect() };
                assert_eq!(cbits(&got_c[1..]), cbits(&alone_c), "{ids:?} then {next:?}");
            }
        }
    }
}

#[test]
fn the_context_ahead_in_the_next_sequence() {
    let next = [BOS, 5, 6, 7];
    assert_eq!(ahead_in_next(&next, 0), None);
    assert_eq!(ahead_in_next(&next, 1), Some((None, BOS, 5)));
    assert_eq!(ahead_in_next(&next, 2), Some((Some(BOS), 5, 6)));
    assert_eq!(ahead_in_next(&next, 3), Some((Some(5), 6, 7)));
    assert_eq!(ahead_in_next(&next, 4), None);
    assert_eq!(ahead_in_next(&next, usize::MAX), None);
    assert_eq!(ahead_in_next(&[], 1), None);
}

#[test]
fn slot_hints_do_not_change_slot_scores() {
    // Hints for every candidate (known, unknown, out of range) at every position, then the
    // slot scores equal logp3 as they do without hints.
    let m = Model::embedded();
    let mut ids = vec![BOS];
    ids.extend(["the", "minister", "was", "quoted", "as", "saying"].map(|w| m.word_id(w)));
    ids.push(EOS);
    let cands = [m.word_id("as"), m.word_id("arsenic"), UNK, u32::MAX, m.word_id("the")];
    for j in 1..ids.len() {
        let slot = m.slot(&ids, j);
        for &s in &cands {
            m.prefetch_slot_left(&slot, s);
        }
        for &s in &cands {
            let (left, mut sw) = m.slot_left(&slot, s, &m.unigram(s));
            let want = if j >= 2 { m.logp3(ids[j - 2], ids[j - 1], s) } else { m.logp2(ids[j - 1], s) };
            assert_eq!(left.to_bits(), want.to_bits(), "{j} {s}");
            if let Some(mid) = m.slot_mid(&slot, &mut sw) {
                assert_eq!(mid.to_bits(), m.logp3(ids[j - 1], s, ids[j + 1]).to_bits());
            }
        }
    }
}

#[test]
fn filtered_look_ups_equal_the_tables_alone() {
    // Fresh instances (the shared ones may have built their filters in other tests): one with
    // the filters built, one without; every answer the same, bit for bit.
    let tiny_bytes = tiny(unpruned());
    let models = [
        (Model::from_static(EMBEDDED_BYTES).unwrap(), Model::from_static(EMBEDDED_BYTES).unwrap()),
        (Model::from_bytes(tiny_bytes.clone()).unwrap(), Model::from_bytes(tiny_bytes).unwrap()),
    ];
    let rts = [ContrastModel::roundtrip_fresh(), ContrastModel::roundtrip_fresh()];
    let start = std::time::Instant::now();
    models[0].1.count_scored(filter::FILTER_AFTER_UNITS);
    models[1].1.count_scored(filter::FILTER_AFTER_UNITS);
    rts[1].count_scored(filter::FILTER_AFTER_UNITS);
    eprintln!("filters built in {:?}", start.elapsed());
    assert!(models[0].0.filters.get().is_none() && rts[0].filters.get().is_none());
    assert!(models[0].1.filters.get().is_some() && rts[1].filters.get().is_some());
    // Below the threshold nothing is built.
    models[0].0.count_scored(filter::FILTER_AFTER_UNITS - 1);
    assert!(models[0].0.filters.get().is_none());
    for (plain, filtered) in &models {
        let n = plain.vocab_size() as u32;
        let frequent: Vec<u32> =
            ["the", "of", "and", "to", "a", "in", "said", "cat", "sat", "on", "mat", "'s"]
                .iter()
                .map(|w| plain.word_id(w))
                .collect();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |k: u32| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (x >> 33) as u32;
            if r % 3 == 0 { frequent[(r / 3) as usize % frequent.len()] } else { r % k }
        };
        let (mut absent, mut told_absent) = (0usize, 0usize);
        for _ in 0..200_000 {
            let (u, v, w) = (next(n + 2), next(n + 2), next(n + 2));
            assert_eq!(plain.logp2(v, w).to_bits(), filtered.logp2(v, w).to_bits());
            assert_eq!(plain.logp3(u, v, w).to_bits(), filtered.logp3(u, v, w).to_bits());
            let (a, b) = (plain.bigram(v, w), filtered.bigram(v, w));
            assert_eq!(a.map(|b| (b.logp.to_bits(), b.best)), b.map(|b| (b.logp.to_bits(), b.best)));
            if a.is_none() {
                absent += 1;
                told_absent +=
                    usize::from(filtered.filters.get().is_some_and(|f| !f.bi.may_hold(mix64(bi_key(v, w)))));
            }
        }
        // The filter answers most absent keys itself.
        assert!(told_absent * 10 > absent * 8, "{told_absent} of {absent}");
    }
    // The hints accept any ids, with and without filters, and give the unit's key hashes (the
    // bigram's is the next unit's context hash; the trigram's when it was asked for).
    let hashes = |h: super::UnitHash| (h.bi, h.tri);
    for m in [&models[0].0, &models[0].1] {
        for (u, v, w) in [(0, 0, 0), (u32::MAX, u32::MAX, u32::MAX), (BOS, 5, UNK), (1 << 21, 1 << 22, 7)] {
            let (bi, tri) = hashes(m.tables().prefetch_unit(Some((u, 12345)), v, w));
            assert_eq!(bi, mix64(bi_key(v, w)));
            assert!(tri.is_none_or(|t| t == mix64(tri_key(u, v, w))));
            assert_eq!(hashes(m.tables().prefetch_unit(None, v, w)), (mix64(bi_key(v, w)), None));
            m.tables().prefetch_unit_plain(Some(u), v, w);
            m.tables().prefetch_unit_plain(None, v, w);
        }
    }
    for c in &rts {
        for (u, v, w) in [(0, 0, 0), (u32::MAX, u32::MAX, u32::MAX), (BOS, 5, UNK)] {
            let (bi, tri) = hashes(c.tables().prefetch_unit(Some((u, u64::MAX)), v, w));
            assert_eq!(bi, mix64(bi_key(v, w)));
            assert!(tri.is_none_or(|t| t == mix64(tri_key(u, v, w))));
        }
    }
    // The round-trip model, on triples of its own ids.
    let n = rts[0].vocab_size() as u32;
    let mut x = 1u64;
    for _ in 0..200_000 {
        let mut id = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (x >> 33) as u32;
            if r % 2 == 0 { r % 200 } else { r % (n + 2) }
        };
        let (u, v, w) = (id(), id(), id());
        assert_eq!(rts[0].logp3(u, v, w).to_bits(), rts[1].logp3(u, v, w).to_bits(), "{u} {v} {w}");
    }
}

#[test]
fn no_text_is_an_error_naming_the_input_not_an_empty_model() {
    let mut t = Trainer::new(TrainConfig::default());
    t.add_text(" \n\t\r\n");
    assert!(matches!(t.finish(), Err(crate::Error::Config(m)) if m.contains("no text")));
    let d = tempfile::tempdir().unwrap();
    let blank = d.path().join("blank.txt");
    std::fs::write(&blank, "  \n\n").unwrap();
    let e = train_paths(&[blank.clone(), d.path().join("blank.txt")], &TrainConfig::default()).unwrap_err();
    assert!(e.to_string().starts_with(&format!("{}, ", blank.display())), "{e}");
    assert!(e.to_string().contains("no text to train on"), "{e}");
    std::fs::write(&blank, "Some text.\n").unwrap();
    assert!(train_paths(&[blank], &TrainConfig::default()).is_ok());
}

#[test]
fn training_jsonl_drops_a_byte_order_mark_starting_any_line() {
    // As the record reader reads it: a file's mark, and that of a file joined on with `cat`.
    let d = tempfile::tempdir().unwrap();
    let (plain, marked) = (d.path().join("plain.jsonl"), d.path().join("marked.jsonl"));
    let lines = ["{\"text\":\"The cat sat on the mat.\"}", "{\"text\":\"The dog sat on the rug.\"}"];
    std::fs::write(&plain, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(format!("{}\n\u{feff}{}\n", lines[0], lines[1]).as_bytes());
    std::fs::write(&marked, bytes).unwrap();
    let model = |p: &std::path::Path| {
        let m = Model::from_bytes(train_paths(&[p.to_path_buf()], &TrainConfig::default()).unwrap().bytes)
            .unwrap();
        (m.info().vocab, m.info().bigrams, m.info().total_tokens)
    };
    assert_eq!(model(&marked), model(&plain));
}

#[test]
fn training_walks_directories_as_score_does() {
    // Only files of a document or record extension, no hidden files, each file once.
    let d = tempfile::tempdir().unwrap();
    let corpus = d.path().join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    std::fs::write(corpus.join("a.txt"), "The cat sat on the mat. The dog sat on the rug.\n").unwrap();
    std::fs::write(corpus.join("sub/b.jsonl"), "{\"text\":\"A bird sat on the fence.\"}\n").unwrap();
    let clean = train_paths(std::slice::from_ref(&corpus), &TrainConfig::default()).unwrap().bytes;
    std::fs::write(corpus.join(".DS_Store"), b"\0\0\0\x01Bud1\0\0\x10\0 Icnv junk words here").unwrap();
    std::fs::write(corpus.join("sub/picture.png"), b"\x89PNG\r\n\x1a\n IHDR more junk words").unwrap();
    std::fs::write(corpus.join("notes.bin"), b"binary junk words").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", corpus.join("sub/up")).unwrap();
    let bytes = train_paths(&[corpus], &TrainConfig::default()).unwrap().bytes;
    assert_eq!(bytes, clean, "the same model: nothing but the documents read");
}

#[test]
fn training_reads_csv_html_and_json_as_score_does() {
    // The same two sentences as JSONL, as a CSV's text column, as a .json file of records and as
    // the article of an HTML page give the same model: no markup, no other column.
    let d = tempfile::tempdir().unwrap();
    let p = |name: &str| d.path().join(name);
    let (a, b) = ("The cat sat on the mat today.", "A dog sat on the rug, \"quietly\".");
    std::fs::write(p("r.jsonl"), format!("{}\n{}\n", json!({ "text": a }), json!({ "text": b }))).unwrap();
    std::fs::write(p("r.json"), format!("{}\n{}\n", json!({ "id": 1, "text": a }), json!({ "text": b })))
        .unwrap();
    std::fs::write(
        p("r.csv"),
        format!("\u{feff}id,text,url\n1,{a},https://x.example/1\n2,\"{}\",u\n", b.replace('"', "\"\"")),
    )
    .unwrap();
    let page = format!(
        "<html><head><title>Zebra menu</title><style>.nav{{color:red}}</style></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/z\">Zebras</a></nav><article><h1>Pets</h1>\
         <p>{a} {a} It purred for a long while and then it went to sleep in the sun by the door.</p>\
         <p>{b} It barked once at the mail carrier and then lay down again near the back door.</p>\
         </article><footer>Copyright zebra</footer></body></html>"
    );
    std::fs::write(p("page.html"), &page).unwrap();
    let model = |f: &str| {
        let m = Model::from_bytes(train_paths(&[p(f)], &TrainConfig::default()).unwrap().bytes).unwrap();
        (m.info().vocab, m.info().bigrams, m.info().total_tokens)
    };
    let jsonl = model("r.jsonl");
    assert_eq!(model("r.json"), jsonl);
    assert_eq!(model("r.csv"), jsonl);
    let html =
        Model::from_bytes(train_paths(&[p("page.html")], &TrainConfig::default()).unwrap().bytes).unwrap();
    assert_ne!(html.word_id("purred"), UNK);
    for markup in ["html", "nav", "href", "color", "zebra", "zebras"] {
        assert_eq!(html.word_id(markup), UNK, "{markup}");
    }
    // A record or file without the field is skipped and listed, naming the file and line; the
    // rest is read.
    std::fs::write(p("bad.csv"), "id,body\n1,The cat.\n").unwrap();
    std::fs::write(p("bad.json"), format!("{}\n{}\nnot json\n", json!({ "text": a }), json!({ "body": b })))
        .unwrap();
    let t = train_paths(&[p("bad.csv"), p("bad.json"), p("r.csv")], &TrainConfig::default()).unwrap();
    let skipped: Vec<String> = t.skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped[0].contains("bad.csv:1") && skipped[0].contains("no column \"text\""), "{skipped:?}");
    assert!(skipped[1].contains("bad.json:2") && skipped[1].contains("no string field"), "{skipped:?}");
    assert!(skipped[2].contains("bad.json:3") && skipped[2].contains("not JSON"), "{skipped:?}");
    let m = Model::from_bytes(t.bytes).unwrap();
    assert_ne!(m.word_id("rug"), UNK);
    assert!(train_paths(&[p("r.csv")], &TrainConfig::default()).unwrap().skipped.is_empty());
    // Nothing but skipped records: no text to train on.
    assert!(train_paths(&[p("bad.csv")], &TrainConfig::default()).is_err());
    // Plain text by any other name.
    std::fs::write(p("notes.log"), format!("{a}\n{b}\n")).unwrap();
    assert_eq!(model("notes.log"), model("r.jsonl"));
    // Compressed files, and a semicolon CSV, give the same model.
    let gzip = |from: &str, to: &str| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&std::fs::read(p(from)).unwrap()).unwrap();
        std::fs::write(p(to), e.finish().unwrap()).unwrap();
    };
    gzip("r.jsonl", "r.jsonl.gz");
    gzip("r.csv", "r.csv.gz");
    gzip("notes.log", "notes.txt.gz");
    for f in ["r.jsonl.gz", "r.csv.gz", "notes.txt.gz"] {
        assert_eq!(model(f), jsonl, "{f}");
    }
    std::fs::write(p("s.csv"), format!("id;text\n1;{a}\n2;\"{}\"\n", b.replace('"', "\"\""))).unwrap();
    assert_eq!(model("s.csv"), jsonl);
}
