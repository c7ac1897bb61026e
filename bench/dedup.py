"""Near-duplicate clustering: speed, planted reposts and spam in the demo, paraphrase sanity check.

    python bench/dedup.py [--posts 100000] [--paraphrase /work/shared/data/twitter_url_paraphrase]

Prints figures; passes or fails nothing. Run it with one core (taskset -c 0) for the figure the
docs quote. The paraphrase corpus (Lan et al. 2017, train split) is read where it lies and never
copied; it labels paraphrases, a wider notion than near-duplicates, so its recall is low by design
and its precision is the figure to watch.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from hubbub.demo import generate_labeled
from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.dedup import DedupConfig, NearDuplicates
from hubbub.models import Post

DEFAULT_PARAPHRASE = Path("/work/shared/data/twitter_url_paraphrase/twitterPPDB/train")


def to_doc(post: Post) -> EnrichDoc:
    return EnrichDoc(
        post.platform,
        post.platform_id,
        post.text,
        title=post.title,
        lang=post.lang,
        kind=post.kind,
        author_followers=post.author.followers,
        repost_of=post.repost_of,
    )


def speed(posts: int, batch: int) -> None:
    docs = [to_doc(lp.post) for lp in generate_labeled(posts=posts, seed=7)]
    dedup = NearDuplicates()
    t0 = time.perf_counter()
    for i in range(0, len(docs), batch):
        dedup(docs[i : i + batch])
    elapsed = time.perf_counter() - t0
    t1 = time.perf_counter()
    blob = dedup.to_bytes()
    t2 = time.perf_counter()
    NearDuplicates.from_bytes(blob)
    t3 = time.perf_counter()
    sizes = Counter(d.dup_size for d in docs)
    print(
        f"speed: {len(docs):,} demo posts in batches of {batch}: {len(docs) / elapsed:,.0f} posts/s"
    )
    print(
        f"  state {len(blob) / 1e6:.1f} MB ({len(blob) / len(docs):.0f} B/post), "
        f"save {t2 - t1:.2f} s, load {t3 - t2:.2f} s; posts in clusters of 2+: "
        f"{sum(1 for d in docs if (d.dup_size or 0) > 1) / len(docs):.1%}; "
        f"errors: {sum(len(d.errors) for d in docs)}; singletons {sizes[1]:,}"
    )


def planted(posts: int) -> None:
    labeled = list(generate_labeled(posts=posts, seed=1))
    docs = [to_doc(lp.post) for lp in labeled]
    dedup = NearDuplicates()
    for i in range(0, len(docs), 1000):
        dedup(docs[i : i + 1000])
    stories = [lp.story for lp in labeled]
    by_key = {d.key: d for d in docs}

    # Reposts whose original is in the stream: did they join its cluster?
    joined = total = 0
    for d in docs:
        original = by_key.get(f"{d.platform}:{d.repost_of}") if d.repost_of else None
        if original is not None:
            total += 1
            joined += d.dup_cluster == original.dup_cluster
    print(f"planted reposts (repost_of seen): {joined}/{total} joined the original's cluster")

    viral = [d for d, s in zip(docs, stories, strict=True) if s == "viral"]
    root = viral[0].dup_cluster
    in_root = sum(d.dup_cluster == root for d in viral)
    outsiders = sum(
        1 for d, s in zip(docs, stories, strict=True) if d.dup_cluster == root and s != "viral"
    )
    print(
        f"viral KOL cascade: {in_root}/{len(viral)} posts in the KOL post's cluster, "
        f"{outsiders} other posts in it"
    )

    members: dict[str, list[str]] = defaultdict(list)
    for d, s in zip(docs, stories, strict=True):
        members[d.dup_cluster or d.key].append(s)
    spam = [d for d, s in zip(docs, stories, strict=True) if s == "spam"]
    clustered = sum(1 for d in spam if len(members[d.dup_cluster or d.key]) > 1)
    spam_clusters = {d.dup_cluster for d in spam}
    sizes = sorted((len(members[c]) for c in spam_clusters), reverse=True)
    in_spam_clusters = [s for c in spam_clusters for s in members[c]]
    purity = in_spam_clusters.count("spam") / len(in_spam_clusters)
    print(
        f"spam burst: {clustered}/{len(spam)} spam posts clustered with other posts; "
        f"{len(spam_clusters)} clusters (sizes {sizes[:8]}); purity {purity:.1%} "
        f"(share of the members of those clusters that are spam)"
    )
    big = Counter(d.dup_cluster for d in docs)
    print(
        "largest clusters:",
        [(c, n, Counter(members[c]).most_common(2)) for c, n in big.most_common(5)],
    )


def paraphrase(folder: Path) -> None:
    if not folder.exists():
        print(f"paraphrase: {folder} not found, skipped")
        return
    a = (folder / "a.toks").read_text().split("\n")
    b = (folder / "b.toks").read_text().split("\n")
    labels = [int(x) for x in (folder / "sim.txt").read_text().split()]
    dedup = NearDuplicates()
    cfg = dedup.config
    for threshold in (0.5, cfg.threshold, 0.7, 0.8):
        tp = fp = fn = short = 0
        for x, y, label in zip(a, b, labels, strict=False):
            sim = dedup.similarity(x, y)
            if sim is None:
                short += 1
                predicted = x == y
            else:
                predicted = sim >= threshold
            tp += predicted and label
            fp += predicted and not label
            fn += (not predicted) and label
        print(
            f"paraphrase train ({len(labels):,} pairs, {short:,} too short): threshold "
            f"{threshold}: precision {tp / max(1, tp + fp):.3f}, recall {tp / (tp + fn):.3f} "
            f"({tp + fp} pairs called duplicates)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--paraphrase", type=Path, default=DEFAULT_PARAPHRASE)
    args = parser.parse_args()
    print(f"config: {DedupConfig()}")
    speed(args.posts, args.batch)
    planted(20_000)
    paraphrase(args.paraphrase)


if __name__ == "__main__":
    main()
