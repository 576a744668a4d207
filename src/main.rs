//! spinscore command line (temporary main of the `model` branch: only `train` and `model-info`).
use clap::Parser;

mod cli;

#[derive(Parser)]
#[command(name = "spinscore", version)]
enum Cmd {
    /// Build a reference model.
    Train(cli::train::TrainArgs),
}

fn main() -> anyhow::Result<()> {
    match Cmd::parse() {
        Cmd::Train(a) => cli::train::run(&a),
    }
}
