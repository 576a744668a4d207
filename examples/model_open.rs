//! Times opening the embedded default model and verifying its checksum.
use spinscore::model::Model;

fn main() {
    let t = std::time::Instant::now();
    let m = Model::embedded();
    let open = t.elapsed();
    let t = std::time::Instant::now();
    let ok = m.verify().is_ok();
    println!("open {open:?}, verify {:?} (ok={ok}), {:?}", t.elapsed(), m.info());
}
