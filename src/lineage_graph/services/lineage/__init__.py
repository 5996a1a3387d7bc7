"""The lineage context: walks, impact, what-if, training/serving skew, reproduction manifests."""
