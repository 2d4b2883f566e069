//! The mediahook edge worker. Filled by the edge-worker work.
