//! Prints each unit's probabilities for a sentence: `lm_debug MODEL "text"`.
use spinscore::model::Model;
use spinscore::model::format::{BOS, EOS};
use spinscore::model::units::for_each_unit;
use spinscore::tokenize;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().collect();
    let m = Model::open_path(&a[1])?;
    m.verify()?;
    let text = &a[2];
    let toks = tokenize::tokenize(text);
    let mut ids = vec![BOS];
    let mut words = vec![];
    for_each_unit(text, &toks, |u, _| {
        ids.push(m.word_id(u));
        words.push(u.to_string());
    });
    ids.push(EOS);
    words.push("</s>".into());
    let mut out = vec![];
    m.score_sequence(&ids, &mut out);
    let mut s = 0.0;
    for (w, p) in words.iter().zip(&out) {
        s += p.unigram - p.logp;
        println!(
            "{w:>14} id={:<6} lp={:7.3} uni={:7.3} ns={:6.2} hit={} best={}({:.2})",
            m.word_id(w),
            p.logp,
            p.unigram,
            p.unigram - p.logp,
            p.hit,
            m.word(p.ctx_best),
            p.ctx_best_logp
        );
    }
    println!("mean ns {:.3}", s / words.len() as f32);
    Ok(())
}
