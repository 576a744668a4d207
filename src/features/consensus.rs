//! Story clusters and consensus features. (Skeleton; see issue 8.)
