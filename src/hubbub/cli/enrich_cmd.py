"""`hubbub enrich`: enrich NDJSON posts from stdin to stdout, with the store's own enrichers.

Each input line is a JSON object with at least ``text`` (optional ``title``, ``lang``,
``platform``, ``platform_id``/``id``, ``author_followers``, ``repost_of``). Each output line is
that object with ``lang``, ``sentiment`` and ``emotion`` (``{"label", "score"}``), ``entities``,
``keyphrases``, ``dup_cluster``, ``dup_size``, ``flags`` and ``enrichers`` added. A line that is
not such an object is reported on stderr with its number and skipped; the stream goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO

import orjson
import typer

from hubbub.cli.common import HomeOption, console, out, parse_day, progress_bar, store_for
from hubbub.enrich.base import EnrichDoc
from hubbub.enrich.registry import DEFAULT, build
from hubbub.store.embedded import POSTS

BATCH = 2_000
MAX_LINE = 10 << 20  # a 10 MB line is not a post


def register(app: typer.Typer) -> None:
    app.command("enrich")(enrich)
    app.command("reenrich")(reenrich)


def reenrich(
    enricher: Annotated[
        str, typer.Option("--enricher", "-e", help="Enricher(s) to re-run, comma-separated.")
    ],
    query: Annotated[str | None, typer.Argument(help="Only posts matching this query.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this day (UTC).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this day (UTC).")] = None,
    home: HomeOption = None,
) -> None:
    """Re-run enrichers over stored posts (e.g. after a model upgrade); counts never change."""
    from hubbub.enrich.backfill import reenrich as run_backfill
    from hubbub.query import where_clause
    from hubbub.store.slices import rebuild_touched

    condition = where_clause(query, parse_day(since, "--since"), parse_day(until, "--until"))
    with store_for(home) as store:
        total = int(
            store.scalar(f"SELECT count() FROM {POSTS} WHERE {condition.where}", condition.params)
            or 0
        )
        progress = progress_bar("re-enriching", "posts")
        with progress:
            task = progress.add_task("", total=total)
            done = run_backfill(
                store,
                enricher,
                condition.where,
                dict(condition.params),
                on_progress=lambda n: progress.advance(task, n),
            )
        # Its ALTER UPDATE does not fire the slices' views: rebuild the slices it touched.
        rebuild_touched(store, condition.where, dict(condition.params))
    out.print(f"Re-enriched {done:,} posts with {enricher}.")


def enrich(
    enrichers: Annotated[
        str,
        typer.Option("--enrichers", "-e", help="Comma-separated enrichers, in order."),
    ] = ",".join(DEFAULT),
) -> None:
    """Read NDJSON posts on stdin; write them enriched on stdout."""
    pipeline = build(enrichers)
    done = 0
    for batch in _batches(sys.stdin.buffer):
        docs = [doc for _, _, doc in batch]
        pipeline.run(docs)
        out = bytearray()
        for _, item, doc in batch:
            out += orjson.dumps(_output(item, doc)) + b"\n"
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
        done += len(batch)
        if console.is_terminal:
            console.print(f"enriched {done:,} posts", end="\r")
    console.print(f"enriched {done:,} posts with {', '.join(pipeline.names)}")


def _batches(stream: BinaryIO) -> Iterator[list[tuple[int, dict[str, Any], EnrichDoc]]]:
    batch: list[tuple[int, dict[str, Any], EnrichDoc]] = []
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            if len(line) > MAX_LINE:
                raise ValueError(f"longer than {MAX_LINE >> 20} MB")
            item = orjson.loads(line)
            doc = _doc(number, item)
        except (orjson.JSONDecodeError, ValueError, TypeError) as exc:
            print(f"hubbub enrich: line {number} skipped: {_first_line(exc)}", file=sys.stderr)
            continue
        batch.append((number, item, doc))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _doc(number: int, item: Any) -> EnrichDoc:
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    text = item.get("text")
    if not isinstance(text, str):
        raise ValueError('no "text" string')
    given_author = item.get("author")
    author: dict[str, Any] = given_author if isinstance(given_author, dict) else {}
    followers = item.get("author_followers", author.get("followers"))
    return EnrichDoc(
        platform=str(item.get("platform") or "stdin"),
        platform_id=str(item.get("platform_id") or item.get("id") or number),
        text=text,
        title=item.get("title") if isinstance(item.get("title"), str) else None,
        lang=item.get("lang") if isinstance(item.get("lang"), str) else None,
        author_handle=author.get("handle"),
        author_followers=followers if isinstance(followers, int) else None,
        repost_of=item.get("repost_of") if isinstance(item.get("repost_of"), str) else None,
    )


def _output(item: dict[str, Any], doc: EnrichDoc) -> dict[str, Any]:
    out = dict(item)
    out["lang"] = doc.lang
    out["sentiment"] = _labelled(doc.sentiment, doc.sentiment_score)
    out["emotion"] = _labelled(doc.emotion, doc.emotion_score)
    out["entities"] = [{"text": t, "type": k} for t, k in doc.entities]
    out["keyphrases"] = doc.keyphrases
    out["dup_cluster"] = doc.dup_cluster
    out["dup_size"] = doc.dup_size
    out["flags"] = doc.flags
    out["enrichers"] = doc.provenance
    if doc.errors:
        out["enrich_errors"] = doc.errors
    return out


def _labelled(label: str | None, score: float | None) -> dict[str, Any] | None:
    if label is None:
        return None
    return {"label": label, "score": None if score is None else round(float(score), 4)}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
