"""Reposts and near-duplicates: a stateful MinHash LSH enricher (``dedup.minhash-lsh.v1``).

Each post gets ``dup_cluster`` (the key ``platform:platform_id`` of the first post of its
cluster, its own key when it has no duplicate yet) and ``dup_size`` (posts in that cluster when
this one was enriched). Posts arrive in order, one process owns the state, and clusters only ever
merge (union-find), so a cluster's id is stable: when two clusters meet, the one whose first post
came first absorbs the other.

How a post finds its cluster (docs/enrichment.md, "Near-duplicates", says it for users):

1. Normalize: `fold` (NFKC, casefold, traditional→simplified, no accents), then drop what differs
   between copies of one text: URLs, @mentions, Weibo ``//@user:`` chain markers, X ``RT @user:``,
   Weibo boilerplate (转发微博, 网页链接, [doge]-style emoticon codes), and digit runs (→ ``0``, so
   the "$79" and "$129" versions of one spam template agree). Hashtag text stays.
2. Units: each Latin word is one unit, each CJK character is one unit; shingles are 3 consecutive
   units (word 3-grams in Latin text, character 3-grams in Chinese/Japanese, both in mixed text).
3. Texts under 5 words (8 CJK characters) are too short for MinHash to mean anything: they are
   clustered only with exact copies of their normalized text. Empty texts are not clustered.
4. MinHash (60 multiply-shift permutations, vectorized over the batch with numpy), 20 LSH bands of
   3 rows; candidates sharing a band are verified by their estimated Jaccard similarity
   (16-bit b-bit signatures kept per post) ≥ `threshold` (0.6).
5. A post whose `repost_of` names a post already seen joins that post's cluster, whatever its
   text; reposts of a post never seen cluster together under the first such repost.

Memory stays bounded: the index keeps the last `capacity` posts (default 1,000,000; ~0.5 KB
each). Older posts stop being candidates, but clusters that were formed keep their id and keep
counting. `to_bytes`/`from_bytes` (and `save`/`load`) serialize the whole state, so a restarted
worker resumes with the same clusters.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from hubbub.enrich.base import EnrichDoc
from hubbub.text.normalize import CJK_CLASS, fold
from hubbub.text.tokenize import URL_PATTERN

DEDUP_NAME = "dedup.minhash-lsh.v1"
_STATE_FORMAT = 1

# Normalization: what differs between copies of one text and so must not count. Each pattern
# runs only when its trigger is in the text: one big alternation tried at every position was
# the slowest step of the whole enricher.
_URLS = re.compile(f"{URL_PATTERN}|www\\.\\S+")
_AT = re.compile(
    "|".join(
        (
            r"//\s*@[^:：\s/]{1,40}[:：]",  # Weibo repost chain marker //@user:
            r"(?:^|\s)rt\s+@[\w\-.]+:?",  # X retweet prefix (text is folded: "RT" is "rt")
            r"回复\s*@[\w\-.]+[:：]",  # Weibo reply prefix
            r"@[\w\-.]+(?:@[\w\-]+(?:\.[\w\-]+)+)?",  # mentions, Mastodon user@instance too
        )
    )
)
_EMOTICON = re.compile(r"\[[^\[\]\s]{1,8}\]")  # Weibo emoticon codes: [doge], [赞]
_BOILERPLATE = ("转发微博", "网页链接", "展开全文", "...全文", "…全文", "分享图片")
_DIGITS = re.compile(r"\d+")
_UNIT = re.compile(f"[{CJK_CLASS}]|[^\\W{CJK_CLASS}]+")
_CJK = re.compile(f"[{CJK_CLASS}]")


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Tuning of the near-duplicate index; stored with its state (a mismatch refuses to load)."""

    num_perm: int = 60
    bands: int = 20  # rows per band = num_perm // bands
    threshold: float = 0.6  # estimated Jaccard of shingle sets to call two posts near-duplicates
    shingle: int = 3  # units per shingle
    min_units: int = 5  # below this (Latin words, or CJK chars x 5/8) only exact copies cluster
    capacity: int = 1_000_000  # posts kept as candidates (the last ones)
    seed: int = 20261001

    def __post_init__(self) -> None:
        if self.num_perm % self.bands or self.num_perm // self.bands < 1:
            raise ValueError("num_perm must be a multiple of bands")
        if not 0.0 < self.threshold <= 1.0 or self.capacity < 1 or self.shingle < 1:
            raise ValueError("threshold must be in (0, 1], capacity and shingle >= 1")


def normalize_for_dedup(text: str) -> str:
    """The folded text without what differs between copies (links, mentions, repost chains)."""
    folded = fold(text)
    if "http" in folded or "www." in folded:
        folded = _URLS.sub(" ", folded)
    if "@" in folded:
        folded = _AT.sub(" ", folded)
    if "[" in folded:
        folded = _EMOTICON.sub(" ", folded)
    for phrase in _BOILERPLATE:
        if phrase in folded:
            folded = folded.replace(phrase, " ")
    return _DIGITS.sub("0", folded)


def _hash64(data: str, tag: bytes) -> int:
    """A stable 64-bit hash (Python's own `hash` changes between processes)."""
    raw = data.encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8, person=tag).digest(), "little")


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer: spreads polynomial shingle codes over all 64 bits."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class _MultiMap:
    """uint64 key → int64 values (post sequence numbers), many per key, compact in memory.

    Two sorted levels of numpy arrays, like a small LSM tree: batches are merged into `mid`,
    and `mid` into `base` once it grows past a share of it; entries older than the index's
    window are dropped on the way. A Python dict would take ~100 bytes per entry, this takes 16
    (20 bands x 1M posts are 20M entries). `recent` holds single adds until the batch ends, so
    a post sees the ones before it in its own batch.
    """

    def __init__(self) -> None:
        empty_k, empty_v = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        self.levels: list[tuple[np.ndarray, np.ndarray]] = [(empty_k, empty_v), (empty_k, empty_v)]
        self.recent: dict[int, list[int]] = {}

    def last(self, keys: np.ndarray) -> np.ndarray:
        """The latest value stored under each key (-1 if none), per sorted level: (levels, n)."""
        out = np.full((len(self.levels), len(keys)), -1, dtype=np.int64)
        for i, (lk, lv) in enumerate(self.levels):
            if len(lk):
                hi = np.searchsorted(lk, keys, side="right")
                hit = (hi > 0) & (lk[np.maximum(hi - 1, 0)] == keys)
                out[i, hit] = lv[hi[hit] - 1]
        return out

    def add(self, key: int, value: int) -> None:
        self.recent.setdefault(key, []).append(value)

    def add_many(self, keys: np.ndarray, values: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self._insert(1, keys[order], values[order])

    def flush(self, oldest: int) -> None:
        """End of a batch: move `recent` into the arrays; compact when `mid` has grown."""
        self._drain()
        base, mid = self.levels[0][0], self.levels[1][0]
        if len(mid) > min(max(len(base) // 16, 1 << 16), 1 << 20):
            self.compact(oldest)

    def compact(self, oldest: int) -> None:
        """Merge everything into `base`, dropping values older than `oldest`."""
        self._drain()
        (bk, bv), (mk, mv) = self.levels
        keep, fresh = bv >= oldest, mv >= oldest
        self.levels = [(bk[keep], bv[keep]), (mk[:0], mv[:0])]
        self._insert(0, mk[fresh], mv[fresh])

    def _drain(self) -> None:
        if self.recent:
            n = sum(len(v) for v in self.recent.values())
            keys = np.fromiter((k for k, vs in self.recent.items() for _ in vs), np.uint64, n)
            values = np.fromiter((v for vs in self.recent.values() for v in vs), np.int64, n)
            self.recent = {}
            self.add_many(keys, values)

    def _insert(self, level: int, keys: np.ndarray, values: np.ndarray) -> None:
        lk, lv = self.levels[level]
        # After equal keys, so within a key values stay in arrival order and the last is newest.
        at = np.searchsorted(lk, keys, side="right")
        self.levels[level] = (np.insert(lk, at, keys), np.insert(lv, at, values))

    def ranges(self, keys: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per sorted level, the [lo, hi) index range of each key (vectorized over a batch)."""
        return [
            (np.searchsorted(lk, keys, "left"), np.searchsorted(lk, keys, "right"))
            for lk, _ in self.levels
        ]

    def get(
        self, key: int, at: int, ranges: list[tuple[np.ndarray, np.ndarray]], oldest: int
    ) -> list[int]:
        """Live values under `key` (its ranges precomputed at index `at`), newest last, few."""
        out: list[int] = []
        for (_, lv), (lo, hi) in zip(self.levels, ranges, strict=True):
            start, end = int(lo[at]), int(hi[at])
            if end > start:
                out.extend(v for v in lv[max(start, end - 4) : end].tolist() if v >= oldest)
        out.extend(v for v in self.recent.get(key, ())[-4:] if v >= oldest)
        return out


@dataclass(slots=True)
class _Cluster:
    key: str  # the first post's key: the cluster's id
    size: int
    last: int  # sequence number of its latest post: the record is dropped once that is evicted
    into: int | None = None  # merged into the cluster whose first post has this sequence number


@dataclass(slots=True)
class _Prepared:
    mode: str  # "empty" | "exact" | "minhash" | "error"
    exact: int = 0  # hash of the normalized text, for "exact"
    row: int = -1  # row in the batch's signature matrix, for "minhash"
    seq: int = -1  # sequence number given to the post, or that of its earlier copy (replay)
    replay: bool = False
    links: list[int] | None = None  # posts it is tied to by id: repost, exact copy


class NearDuplicates:
    """The stateful near-duplicate enricher; call it on batches in arrival order.

    >>> dedup = NearDuplicates()            # or NearDuplicates(DedupConfig(capacity=200_000))
    >>> dedup(docs)                          # fills doc.dup_cluster and doc.dup_size
    >>> blob = dedup.to_bytes(); dedup = NearDuplicates.from_bytes(blob)
    """

    name = DEDUP_NAME
    requires: tuple[str, ...] = ("text", "title", "repost_of")
    assigns: tuple[str, ...] = ("dup_cluster", "dup_size")
    stateful = True
    description = "near-duplicate and repost clusters (MinHash LSH over word/CJK 3-grams)"

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = cfg = config or DedupConfig()
        rng = np.random.default_rng(cfg.seed)
        # Multiply-shift hashing: (a*x + b) mod 2^64, top 32 bits; `a` odd.
        self._a = rng.integers(1, 2**62, cfg.num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(
            1
        )
        self._b = rng.integers(0, 2**63, cfg.num_perm, dtype=np.uint64)
        self._band_mult = rng.integers(1, 2**63, cfg.num_perm // cfg.bands, dtype=np.uint64)
        self._shingle_mult = rng.integers(1, 2**63, cfg.shingle, dtype=np.uint64) | np.uint64(1)
        self.seq = 0  # sequence number of the next post
        self._sketch = np.zeros((0, cfg.num_perm), dtype=np.uint16)  # grows up to capacity
        self._cid = np.zeros(0, dtype=np.int64)  # cluster (first post's seq) per ring slot
        self._keys: list[str] = []  # post key per ring slot
        self._bands = _MultiMap()  # band key → posts
        self._ids = _MultiMap()  # hash of a post key / of an exact short text → posts
        self._clusters: dict[int, _Cluster] = {}  # clusters of 2+ posts, by first post's seq
        self._gc_at = 1 << 16
        self._unit_cache: dict[str, int] = {}

    # -- the enricher ------------------------------------------------------------------------
    def __call__(self, docs: list[EnrichDoc]) -> None:
        step = self.config.capacity  # a batch must fit the ring: split larger ones
        for i in range(0, len(docs), step):
            self._batch(docs[i : i + step])

    def _batch(self, docs: list[EnrichDoc]) -> None:
        cfg = self.config
        prepared, units, offsets = self._prepare(docs)
        sketches, band_keys = self._signatures(units, offsets)
        first = self.seq
        self._link_ids(docs, prepared)  # gives sequence numbers, ring keys and id links
        oldest = self.seq - cfg.capacity
        self._ensure_ring()
        rows = [p for p in prepared if p.mode == "minhash" and not p.replay]
        own = np.asarray([p.seq for p in rows], dtype=np.int64)
        if len(rows):
            self._sketch[own % cfg.capacity] = sketches[[p.row for p in rows]]
        similar = self._similar(own, band_keys[[p.row for p in rows]], first, oldest)
        for doc, prep in zip(docs, prepared, strict=True):
            if prep.mode == "error":
                continue
            try:
                self._assign(doc, prep, similar.get(prep.seq, ()))
            except Exception as exc:  # one bad post must not stop the batch
                doc.errors.append(f"{self.name}: {type(exc).__name__}: {exc}")
        self._bands.flush(oldest)
        self._ids.flush(oldest)
        if len(self._clusters) >= self._gc_at:
            self._collect(oldest)

    def similarity(self, a: str, b: str) -> float | None:
        """Estimated Jaccard similarity of two texts as this index sees them (None: too short
        for MinHash, so only an exact copy would cluster). For tuning and explaining."""
        docs = [EnrichDoc("", "a", a), EnrichDoc("", "b", b)]
        prepared, units, offsets = self._prepare(docs)
        if any(p.mode != "minhash" for p in prepared):
            return None
        sketches, _ = self._signatures(units, offsets)
        return float((sketches[0] == sketches[1]).mean())

    def _prepare(self, docs: list[EnrichDoc]) -> tuple[list[_Prepared], list[int], list[int]]:
        """Normalize each doc; unit hashes of the MinHash ones go into one flat list."""
        cfg = self.config
        cache = self._unit_cache
        if len(cache) > 500_000:
            cache.clear()  # bounded: Zipf brings the frequent units straight back
        lookup = cache.__getitem__
        prepared: list[_Prepared] = []
        units: list[int] = []
        offsets = [0]
        for doc in docs:
            try:
                normalized = normalize_for_dedup(doc.full_text or "")
                found = _UNIT.findall(normalized)
                if not found:
                    prepared.append(_Prepared("empty"))
                    continue
                cjk = len(_CJK.findall(normalized))
                if (len(found) - cjk) * 8 + cjk * 5 < cfg.min_units * 8:
                    prepared.append(_Prepared("exact", _hash64(" ".join(found), b"exact")))
                    continue
                try:
                    units.extend(map(lookup, found))
                except KeyError:
                    del units[offsets[-1] :]
                    for unit in found:
                        if unit not in cache:
                            cache[unit] = zlib.crc32(unit.encode("utf-8", "surrogatepass"))
                    units.extend(map(lookup, found))
                offsets.append(len(units))
                prepared.append(_Prepared("minhash", row=len(offsets) - 2))
            except Exception as exc:  # recorded on the doc, as for any enricher
                doc.errors.append(f"{self.name}: {type(exc).__name__}: {exc}")
                prepared.append(_Prepared("error"))
        return prepared, units, offsets

    def _signatures(self, units: list[int], offsets: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """16-bit sketches and band keys for every MinHash doc of the batch, in one go."""
        cfg = self.config
        n_docs = len(offsets) - 1
        if n_docs == 0:
            return (
                np.zeros((0, cfg.num_perm), dtype=np.uint16),
                np.zeros((0, cfg.bands), dtype=np.uint64),
            )
        u = np.asarray(units, dtype=np.uint64)
        k = cfg.shingle
        ends = np.asarray(offsets[1:], dtype=np.int64)
        # Shingle i covers units i..i+k-1; it is valid when it ends inside its own doc.
        count = len(u) - k + 1
        codes = np.zeros(count, dtype=np.uint64)
        for j in range(k):
            codes += u[j : j + count] * self._shingle_mult[j]
        codes = _mix64(codes)
        doc_of = np.repeat(np.arange(n_docs), np.diff(np.asarray(offsets)))[:count]
        valid = np.arange(count) + k <= ends[doc_of]
        codes, doc_of = codes[valid], doc_of[valid]
        # Every MinHash doc has >= min_units >= k units, so each has at least one shingle.
        starts = np.searchsorted(doc_of, np.arange(n_docs))
        hashed = (self._a[:, None] * codes[None, :] + self._b[:, None]) >> np.uint64(32)
        mins = np.minimum.reduceat(hashed, starts, axis=1).T  # (docs, num_perm), < 2^32
        sketches = (mins & np.uint64(0xFFFF)).astype(np.uint16)
        rows = cfg.num_perm // cfg.bands
        grouped = mins.reshape(n_docs, cfg.bands, rows)
        band_hash = _mix64((grouped * self._band_mult).sum(axis=2, dtype=np.uint64))
        band_ids = np.arange(cfg.bands, dtype=np.uint64) << np.uint64(56)
        return sketches, (band_hash >> np.uint64(8)) | band_ids

    # -- ids: replays, reposts, exact copies -------------------------------------------------
    def _link_ids(self, docs: list[EnrichDoc], prepared: list[_Prepared]) -> None:
        """Give each new post a sequence number and ring slot; find the posts it is tied to by
        id (the original it reposts, an exact copy of a short text) or is a replay of."""
        cap = self.config.capacity
        queries: list[int] = []
        asks: list[tuple[int, int, int]] = []  # per doc: query index of key, target, exact
        for doc, prep in zip(docs, prepared, strict=True):
            if prep.mode == "error":
                asks.append((-1, -1, -1))
                continue
            qi = len(queries)
            queries.append(_hash64(doc.key, b"key"))
            ti = ei = -1
            if doc.repost_of:
                target = (
                    doc.repost_of if ":" in doc.repost_of else f"{doc.platform}:{doc.repost_of}"
                )
                ti = len(queries)
                queries.append(_hash64(target, b"key"))
            if prep.mode == "exact":
                ei = len(queries)
                queries.append(prep.exact)
            asks.append((qi, ti, ei))
        ranges = self._ids.ranges(np.asarray(queries, dtype=np.uint64))
        ids = self._ids
        for doc, prep, (qi, ti, ei) in zip(docs, prepared, asks, strict=True):
            if qi < 0:
                continue
            oldest = self.seq - cap
            key, key_hash = doc.key, queries[qi]
            links: list[int] = []
            for seq in ids.get(key_hash, qi, ranges, oldest):
                if self._keys[seq % cap] == key:
                    prep.seq, prep.replay = seq, True  # a replay after a crash: count nothing
                    break
                links.append(seq)  # a repost of this post arrived before it
            if prep.replay:
                continue
            seq = prep.seq = self.seq
            self.seq += 1
            if ti >= 0:
                found = ids.get(queries[ti], ti, ranges, oldest)
                links.extend(found)
                if not found:  # remember the unseen original: its other reposts join this one
                    ids.add(queries[ti], seq)
            if ei >= 0:
                links.extend(ids.get(prep.exact, ei, ranges, oldest))
                ids.add(prep.exact, seq)
            ids.add(key_hash, seq)
            prep.links = links
            slot = seq % cap
            if slot == len(self._keys):  # the ring is still filling
                self._keys.append(key)
            else:
                self._keys[slot] = key

    def _ensure_ring(self) -> None:
        # The ring's arrays double until they reach `capacity`, so small streams stay small.
        used = len(self._keys)
        if used <= len(self._cid):
            return
        size = min(self.config.capacity, max(1024, 2 * len(self._cid), used))
        cid = np.zeros(size, dtype=np.int64)
        cid[: len(self._cid)] = self._cid
        sketch = np.zeros((size, self.config.num_perm), dtype=np.uint16)
        sketch[: len(self._sketch)] = self._sketch
        self._cid, self._sketch = cid, sketch

    # -- similar texts -----------------------------------------------------------------------
    def _similar(
        self, own: np.ndarray, band_keys: np.ndarray, first: int, oldest: int
    ) -> dict[int, list[int]]:
        """Earlier posts sharing an LSH band with each new post whose estimated Jaccard passes.

        Per band, the candidates are the newest post in that bucket of each stored level and
        the previous post of this batch with the same band: in a burst of copies the newest is
        as good as any, and 20 bands give other members of the bucket their chance."""
        cfg = self.config
        if len(own) == 0:
            return {}
        flat = band_keys.ravel()
        owner = np.repeat(own, cfg.bands)
        own_parts, cand_parts = [], []
        for level in self._bands.last(flat):
            own_parts.append(owner)
            cand_parts.append(level)
        order = np.lexsort((owner, flat))
        sorted_keys, sorted_owner = flat[order], owner[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        own_parts.append(sorted_owner[1:][same])
        cand_parts.append(sorted_owner[:-1][same])
        pair_own = np.concatenate(own_parts)
        pair_cand = np.concatenate(cand_parts)
        floor = max(oldest, 0)
        ok = (pair_cand >= floor) & (pair_cand < pair_own)
        width = self.seq - floor + 1
        codes = np.unique((pair_own[ok] - first) * width + (pair_cand[ok] - floor))
        pair_own, pair_cand = codes // width + first, codes % width + floor
        cap = cfg.capacity
        agree = np.count_nonzero(
            self._sketch[pair_own % cap] == self._sketch[pair_cand % cap], axis=1
        )
        passed = agree >= cfg.threshold * cfg.num_perm
        out: dict[int, list[int]] = {}
        for o, c in zip(pair_own[passed].tolist(), pair_cand[passed].tolist(), strict=True):
            out.setdefault(o, []).append(c)
        self._bands.add_many(flat, owner)
        return out

    # -- clusters ----------------------------------------------------------------------------
    def _assign(self, doc: EnrichDoc, prep: _Prepared, similar: Sequence[int]) -> None:
        cap = self.config.capacity
        seq = prep.seq
        if prep.replay:
            doc.dup_cluster, doc.dup_size = self._describe(
                self._find(int(self._cid[seq % cap])), seq
            )
            return
        links = (prep.links or []) + list(similar)
        roots = sorted({self._find(int(self._cid[s % cap])) for s in links})
        if roots:
            root = roots[0]  # the cluster whose first post came first keeps its id
            cluster = self._record(root)
            for other in roots[1:]:
                absorbed = self._record(other)
                absorbed.into = root
                cluster.size += absorbed.size
            cluster.size += 1
            cluster.last = seq
        else:
            root = seq
        self._cid[seq % cap] = root
        doc.dup_cluster, doc.dup_size = self._describe(root, seq)

    def _find(self, root: int) -> int:
        path = []
        cluster = self._clusters.get(root)
        while cluster is not None and cluster.into is not None:
            path.append(cluster)
            root = cluster.into
            cluster = self._clusters.get(root)
        for c in path:
            c.into = root  # path compression
        return root

    def _record(self, root: int) -> _Cluster:
        cluster = self._clusters.get(root)
        if cluster is None:  # a singleton gets its record when it gains a member
            key = self._keys[root % self.config.capacity]
            cluster = self._clusters[root] = _Cluster(key, 1, root)
        return cluster

    def _describe(self, root: int, seq: int) -> tuple[str, int]:
        cluster = self._clusters.get(root)
        if cluster is None:
            return self._keys[seq % self.config.capacity], 1
        return cluster.key, cluster.size

    def _collect(self, oldest: int) -> None:
        """Drop records no live post can reach (a merge target is always newer than its source)."""
        self._clusters = {r: c for r, c in self._clusters.items() if c.last >= oldest}
        self._gc_at = max(1 << 16, 2 * len(self._clusters))

    # -- state -------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The whole state (config included) as one blob; `from_bytes` resumes from it."""
        oldest = self.seq - self.config.capacity
        self._bands.compact(oldest)
        self._ids.compact(oldest)
        self._collect(oldest)
        roots = list(self._clusters)
        recs = list(self._clusters.values())
        header = {
            "format": _STATE_FORMAT,
            "name": self.name,
            "config": asdict(self.config),
            "seq": self.seq,
        }
        n = len(self._keys)
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            "sketch": self._sketch[:n],
            "cid": self._cid[:n],
            "band_keys": self._bands.levels[0][0],
            "band_values": self._bands.levels[0][1],
            "id_keys": self._ids.levels[0][0],
            "id_values": self._ids.levels[0][1],
            "c_root": np.asarray(roots, dtype=np.int64),
            "c_size": np.asarray([c.size for c in recs], dtype=np.int64),
            "c_last": np.asarray([c.last for c in recs], dtype=np.int64),
            "c_into": np.asarray([-1 if c.into is None else c.into for c in recs], dtype=np.int64),
        }
        arrays.update(_pack_strings("post_keys", self._keys))
        arrays.update(_pack_strings("c_key", [c.key for c in recs]))
        out = io.BytesIO()
        np.savez_compressed(out, allow_pickle=False, **arrays)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> NearDuplicates:
        with np.load(io.BytesIO(blob), allow_pickle=False) as data:
            header = json.loads(bytes(data["header"]).decode())
            if header.get("format") != _STATE_FORMAT or header.get("name") != DEDUP_NAME:
                raise ValueError(
                    f"state was written by {header.get('name')} format {header.get('format')}; "
                    f"this is {DEDUP_NAME} format {_STATE_FORMAT}: rebuild the index by "
                    "re-running dedup over the stored posts"
                )
            self = cls(DedupConfig(**header["config"]))
            self.seq = int(header["seq"])
            self._keys = _unpack_strings(data, "post_keys")
            n = len(self._keys)
            size = min(self.config.capacity, max(1024, n))
            self._cid = np.zeros(size, dtype=np.int64)
            self._cid[:n] = data["cid"]
            self._sketch = np.zeros((size, self.config.num_perm), dtype=np.uint16)
            self._sketch[:n] = data["sketch"]
            self._bands.levels[0] = (data["band_keys"], data["band_values"])
            self._ids.levels[0] = (data["id_keys"], data["id_values"])
            c_keys = _unpack_strings(data, "c_key")
            self._clusters = {
                int(r): _Cluster(k, int(s), int(la), None if i < 0 else int(i))
                for r, k, s, la, i in zip(
                    data["c_root"],
                    c_keys,
                    data["c_size"],
                    data["c_last"],
                    data["c_into"],
                    strict=True,
                )
            }
        self._gc_at = max(1 << 16, 2 * len(self._clusters))
        return self

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state atomically (a crash mid-write leaves the previous file intact)."""
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(self.to_bytes())
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> NearDuplicates:
        return cls.from_bytes(Path(path).read_bytes())


def _pack_strings(name: str, items: Sequence[str]) -> dict[str, np.ndarray]:
    encoded = [s.encode("utf-8", "surrogatepass") for s in items]
    return {
        f"{name}_len": np.asarray([len(e) for e in encoded], dtype=np.int64),
        f"{name}_data": np.frombuffer(b"".join(encoded), dtype=np.uint8),
    }


def _unpack_strings(data: np.lib.npyio.NpzFile, name: str) -> list[str]:
    raw = bytes(data[f"{name}_data"])
    out, at = [], 0
    for length in data[f"{name}_len"].tolist():
        out.append(raw[at : at + length].decode("utf-8", "surrogatepass"))
        at += length
    return out
