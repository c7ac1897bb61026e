"""Hubbub's boolean query language (Brandwatch rules; Talkwalker and Radarly forms read too).

    parse(query)            → ParsedQuery(root, warnings), or QueryError with position + hint
    lint(query)             → LintReport(errors, warnings), never raises for a bad query
    compile_sql(query)      → SqlQuery(where, params) over hubbub.posts, bound parameters only
    Matcher(query)(row)     → bool, over a store row (hubbub.store.rows.post_row)
    Percolator(queries)     → .match(row) / .match_batch(rows): ids of matching saved queries
    search(store, query)    → newest matching rows; count(store, query) → int

See docs/query-language.md for the language and the matching rules.
"""

from hubbub.query.ast import describe
from hubbub.query.compile_sql import SqlQuery, compile_sql
from hubbub.query.diagnostics import Diagnostic
from hubbub.query.lint import LintReport, lint
from hubbub.query.match import Doc, Matcher, compile_matcher
from hubbub.query.parser import (
    MAX_DEPTH,
    MAX_DISTANCE,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    ParsedQuery,
    parse,
)
from hubbub.query.percolate import Percolator, required_keys
from hubbub.query.run import count, search, where_clause

__all__ = [
    "MAX_DEPTH",
    "MAX_DISTANCE",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "Diagnostic",
    "Doc",
    "LintReport",
    "Matcher",
    "ParsedQuery",
    "Percolator",
    "SqlQuery",
    "compile_matcher",
    "compile_sql",
    "count",
    "describe",
    "lint",
    "parse",
    "required_keys",
    "search",
    "where_clause",
]
