"""Dedupe: reuse before render. `perceptual` compares what a step rendered with every
earlier keyframe and clip (pHash in the RecentIndex) and records what it is near;
`phash` computes the hashes (imagehash, the `dedupe` extra, loaded on first use);
`prune` keeps the index to the artifacts that still exist; `semantic`, before an image
step renders, reuses another run's keyframe whose prompt says the same (`embeddings`:
all-MiniLM-L6-v2, loaded on first use). docs/DEDUPE.md."""
