"""Every field operator the query language knows, declared once as data.

The parser reads values by `kind`, the compilers read `column`, and docs/query-language.md
lists the same table (tests/query/test_docs.py fails when a field is undocumented).
Names are matched without regard to case, as Brandwatch does.
"""

from __future__ import annotations

from dataclasses import dataclass

# Count columns are UInt64 in the store: bounds outside 0..UINT64_MAX are errors, not wrapped.
UINT64_MAX = 2**64 - 1


@dataclass(frozen=True)
class FieldSpec:
    name: str  # canonical name, as written in the docs
    kind: str  # text | title | hashtag | mention | keyword | enum | bool | range
    column: str = ""  # store column (or the matching rule's name for keyword fields)
    values: tuple[str, ...] = ()  # allowed values for enum fields
    case_sensitive_values: bool = False
    integer: bool = True  # range fields: whole numbers only
    low: float | None = None  # smallest allowed bound
    high: float | None = None  # largest allowed bound (count columns: UInt64)
    help: str = ""


_SPECS = [
    FieldSpec("title", "title", help="the post's title (news, Reddit, YouTube)"),
    FieldSpec("text", "text", help="the title and text (the default; Radarly/Talkwalker)"),
    FieldSpec("content", "text", help="same as text: (Talkwalker)"),
    FieldSpec("hashtag", "hashtag", help="same as #tag (Radarly/Talkwalker)"),
    FieldSpec("mention", "mention", help="same as @handle (Talkwalker)"),
    FieldSpec("author", "keyword", "author", help="author handle or display name, any case"),
    FieldSpec(
        "site", "keyword", "site", help="the post's own URL: domain (and subdomains) or domain/path"
    ),
    FieldSpec("url", "keyword", "url", help="a part of the post's own URL"),
    FieldSpec(
        "links", "keyword", "links", help="a domain linked from the post (or its subdomains)"
    ),
    FieldSpec("language", "keyword", "lang", help="ISO 639-1 language code (en, zh)"),
    FieldSpec("lang", "keyword", "lang", help="same as language:"),
    FieldSpec("country", "keyword", "country", help="ISO 3166 country code, 2 or 3 letters"),
    FieldSpec("platform", "keyword", "platform", help="x, reddit, weibo, bilibili, ..."),
    FieldSpec("kind", "keyword", "kind", help="post, reply, repost, quote, comment, article, ..."),
    FieldSpec(
        "engagementType",
        "enum",
        "kind",
        values=("COMMENT", "REPLY", "RETWEET", "QUOTE"),
        case_sensitive_values=True,
        help="Brandwatch's post types, mapped to our kind column",
    ),
    FieldSpec(
        "sentiment",
        "enum",
        "sentiment",
        values=("positive", "neutral", "negative"),
        help="set by enrichment; matches nothing before it runs",
    ),
    FieldSpec("authorVerified", "bool", "author_verified", help="true or false"),
    FieldSpec(
        "authorFollowers", "range", "author_followers", low=0, high=UINT64_MAX, help="[a TO b]"
    ),
    FieldSpec(
        "followers",
        "range",
        "author_followers",
        low=0,
        high=UINT64_MAX,
        help="same as authorFollowers:",
    ),
    FieldSpec(
        "engagement",
        "range",
        "engagement",
        low=0,
        high=UINT64_MAX,
        help="likes+reposts+replies+quotes",
    ),
    FieldSpec("likes", "range", "likes", low=0, high=UINT64_MAX, help="[a TO b]"),
    FieldSpec("reposts", "range", "reposts", low=0, high=UINT64_MAX, help="[a TO b]"),
    FieldSpec("replies", "range", "replies", low=0, high=UINT64_MAX, help="[a TO b]"),
    FieldSpec("views", "range", "views", low=0, high=UINT64_MAX, help="[a TO b]"),
    FieldSpec(
        "rating", "range", "rating", integer=False, low=0, high=10, help="n or [a TO b], 0..10"
    ),
]

FIELDS: dict[str, FieldSpec] = {spec.name.lower(): spec for spec in _SPECS}

# engagementType values → our `kind` column.
ENGAGEMENT_KINDS = {"COMMENT": "comment", "REPLY": "reply", "RETWEET": "repost", "QUOTE": "quote"}

# Brandwatch fields for data Hubbub does not hold: refusing them is better than reading them
# as text and silently matching something else.
UNSUPPORTED = {
    name.lower(): name
    for name in (
        "authorGender",
        "authorVerifiedType",
        "continent",
        "region",
        "city",
        "latitude",
        "longitude",
        "channelId",
        "blogName",
        "parentBlogName",
        "rootBlogName",
        "tags",
        "parentPostId",
        "rootPostId",
        "engagingWith",
        "engagingWithGuid",
        "guid",
        "brandIds",
        "objects",
        "imageType",
        "itemReview",
        "minuteOfDay",
        "pubType",
        "publisherSubType",
        "publication",
        "redditAuthorFlair",
        "redditPostFlair",
        "redditSpoiler",
        "subreddit",
        "subredditNSFW",
        "subredditTopics",
        "sensitiveContent",
        "topLevelDomain",
        "weblogTitle",
        "entityId",
        "raw",
        "rawer",
    )
}

# Brandwatch writes countries as ISO 3166-1 alpha-3 (gbr, usa); the store keeps alpha-2.
ISO3_TO_ISO2 = {
    "arg": "AR", "aus": "AU", "aut": "AT", "bel": "BE", "bgd": "BD", "bra": "BR", "can": "CA",
    "che": "CH", "chl": "CL", "chn": "CN", "col": "CO", "cze": "CZ", "deu": "DE", "dnk": "DK",
    "egy": "EG", "esp": "ES", "fin": "FI", "fra": "FR", "gbr": "GB", "grc": "GR", "hkg": "HK",
    "hun": "HU", "idn": "ID", "ind": "IN", "irl": "IE", "irn": "IR", "isr": "IL", "ita": "IT",
    "jpn": "JP", "kor": "KR", "mac": "MO", "mex": "MX", "mys": "MY", "nga": "NG", "nld": "NL",
    "nor": "NO", "nzl": "NZ", "pak": "PK", "per": "PE", "phl": "PH", "pol": "PL", "prt": "PT",
    "rou": "RO", "rus": "RU", "sau": "SA", "sgp": "SG", "swe": "SE", "tha": "TH", "tur": "TR",
    "twn": "TW", "ukr": "UA", "are": "AE", "usa": "US", "vnm": "VN", "zaf": "ZA",
}  # fmt: skip


def lookup(name: str) -> FieldSpec | None:
    return FIELDS.get(name.lower())
