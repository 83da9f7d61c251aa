"""Dedupe: reuse before render. `perceptual` compares what a step rendered with every
earlier keyframe and clip (pHash in the RecentIndex) and records what it is near;
`phash` computes the hashes (imagehash, the `dedupe` extra, loaded on first use);
`prune` keeps the index to the artifacts that still exist. docs/DEDUPE.md."""
