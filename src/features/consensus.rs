//! Story clusters: versions of one story in a batch, and how far each deviates from the
//! consensus of the others. (First version: no clustering yet; see issue 8.)

use serde::Serialize;

use super::{FamilyOutput, Feature};
use crate::model::Model;
use crate::segment::SentenceSpan;
use crate::tokenize::Token;

/// A document taking part in clustering.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    /// Its text.
    pub text: &'a str,
    /// Its content tokens.
    pub tokens: &'a [Token],
    /// Its sentences.
    pub sentences: &'a [SentenceSpan],
}

/// A document's place in a story cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterInfo {
    /// Cluster id, stable for a given input (the id of its first member in input order).
    pub id: String,
    /// Number of documents in the cluster.
    pub size: usize,
    /// How far this version deviates from the cluster's consensus (0 = not at all, 1 = wholly).
    pub deviation: f64,
    /// True for the version closest to the consensus: the likely original.
    pub likely_original: bool,
}

/// Consensus output for one member.
#[derive(Debug, Clone, Default)]
pub struct MemberResult {
    /// Features (`consensus.*`, missing when the document has no cluster) and evidence.
    pub output: FamilyOutput,
    /// Its cluster.
    pub cluster: Option<ClusterInfo>,
}

/// Feature names of the family, all missing when a document has no cluster.
pub const FEATURES: &[&str] = &["consensus.deviation"];

/// Clusters the batch and computes consensus features per member (`None` in, `None` out).
pub fn analyze_batch(_model: &Model, members: &[Option<Member<'_>>]) -> Vec<Option<MemberResult>> {
    members
        .iter()
        .map(|m| {
            m.map(|_| MemberResult {
                output: FamilyOutput {
                    features: FEATURES.iter().map(|n| Feature::missing(n)).collect(),
                    evidence: Vec::new(),
                },
                cluster: None,
            })
        })
        .collect()
}
