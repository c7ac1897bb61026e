"""Hostile input for every import format: random bytes and mutated real items never crash the
pipeline; each rejection is one clear line (hypothesis; see fuzzing.py for the two lanes)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import strategies as st

from hubbub.connectors.importers.base import ImportFormat
from hubbub.connectors.importers.detect import get_format
from hubbub.connectors.importers.pipeline import STREAM_ERRORS, process_batch

from .fuzzing import json_values, lanes, one_line

DATA = Path(__file__).parents[1] / "data" / "importers"
NOW = datetime(2026, 11, 27, tzinfo=UTC)
# Every built-in format, with a fixture whose first items seed the structured mutations.
SEEDS = {
    "hubbub": "hubbub.ndjson",
    "csv": "posts.csv",
    "twitter_v2": "twitter_v2_search.jsonl",
    "twarc2": "twarc2_flat.jsonl",
    "weibo": "weibo_mweibo.jsonl",
    "reddit": "reddit_thread.json",
    "pushshift": "pushshift.ndjson",
    "zeeschuimer": "zeeschuimer.ndjson",
}
FORMATS = sorted(SEEDS)
_DELETE = object()


def run_units(fmt: ImportFormat, data: bytes) -> None:
    """Split, parse, map, validate and build rows as an import does; assert it copes."""
    try:
        units = list(fmt.units(io.BytesIO(data)))
    except STREAM_ERRORS as exc:  # the pipeline ends the file with this one-line reason
        assert one_line(str(exc)), repr(exc)
        return
    result = process_batch(fmt.parse, fmt.map, units, NOW)
    for line, reason in result.rejects:
        assert one_line(reason) and len(reason) < 2000, (line, reason[:300])


def check_random_bytes(name: str, data: bytes) -> None:
    run_units(get_format(name), data)


test_random_bytes, test_random_bytes_10k = lanes(
    30, data=st.binary(max_size=3000) | st.text(max_size=1000).map(str.encode)
)(check_random_bytes)
for _test in (test_random_bytes, test_random_bytes_10k):
    pytest.mark.parametrize("name", FORMATS)(_test)


@cache
def seed_documents(name: str) -> list[Any]:
    fmt = get_format(name)
    with open(DATA / SEEDS[name], "rb") as handle:
        units = [unit for _, unit in fmt.units(handle)][:4]
    documents = []
    for unit in units:
        try:
            documents.append(orjson.loads(unit))
        except orjson.JSONDecodeError:
            continue  # fixtures hold deliberately broken lines too
    return documents


def paths_in(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths_in(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value[:5]):
            found += paths_in(inner, (*prefix, index))
    return found


def mutate(document: Any, changes: list[tuple[int, Any]]) -> Any:
    document = json.loads(json.dumps(document))
    for choice, value in changes:
        paths = [p for p in paths_in(document) if p]
        if not paths:
            return value if value is not _DELETE else document
        *parents, last = paths[choice % len(paths)]
        holder = document
        for step in parents:
            holder = holder[step]
        if value is _DELETE:
            del holder[last]
        else:
            holder[last] = value
    return document


# Built once (see fuzzing.json_values): a strategy made inside the test is re-validated each time.
CHANGES = st.lists(
    st.tuples(st.integers(0, 10_000), json_values() | st.just(_DELETE)), min_size=1, max_size=5
)


@cache
def seed_strategy(name: str) -> st.SearchStrategy[Any] | None:
    documents = [d for d in seed_documents(name) if isinstance(d, dict | list)]
    return st.sampled_from(documents) if documents else None


def check_mutated_items(name: str, data: st.DataObject) -> None:
    documents = seed_strategy(name)
    if documents is None:
        pytest.skip(f"{name}: its fixture has no JSON items to mutate")
    document = data.draw(documents)
    changes = data.draw(CHANGES)
    text = json.dumps(mutate(document, changes), ensure_ascii=data.draw(st.booleans()))
    run_units(get_format(name), text.encode() + b"\n")


test_mutated_items, test_mutated_items_10k = lanes(25, data=st.data())(check_mutated_items)
for _test in (test_mutated_items, test_mutated_items_10k):
    pytest.mark.parametrize("name", [n for n in FORMATS if n != "csv"])(_test)


def check_csv_text(rows: list[list[str]]) -> None:
    header = "platform_id,created_at,text,author,likes\n"
    body = "".join(
        ",".join(json.dumps(cell) if i % 2 else cell for i, cell in enumerate(row)) + "\n"
        for row in rows
    )
    run_units(get_format("csv"), (header + body).encode("utf-8", "surrogatepass"))


test_csv_rows, test_csv_rows_10k = lanes(
    60,
    rows=st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30), max_size=7
        ),
        max_size=6,
    ),
)(check_csv_text)


def test_a_weibo_timestamp_beyond_time_t_is_a_reject_not_a_crash():
    # Found by test_mutated_items_10k[weibo]: fromtimestamp raised OSError/OverflowError.
    fmt = get_format("weibo")
    for stamp in (-67_768_040_609_740_801, -(2**62), 2**62):
        item = {"id": "1", "created_at": stamp, "text": "hi", "user": {"id": 1}}
        unit = orjson.dumps({"statuses": [item]})
        result = process_batch(fmt.parse, fmt.map, [(1, unit)], NOW)
        assert result.rejects == [(1, f"created_at {stamp!r} is not a time (out of range)")]


def test_a_bare_carriage_return_in_a_csv_field_is_a_reject_not_a_crash():
    # Found by test_random_bytes_10k[csv]: csv.Error escaped the importer.
    run_units(get_format("csv"), b"a,b\nx\ry,z\n")
    fmt = get_format("csv")
    result = process_batch(fmt.parse, fmt.map, [(2, b"text,platform_id\nx\ry,1")], NOW)
    assert result.rejects and result.rejects[0][1].startswith("malformed CSV record (")
