"""Text for matching: normalization, CJK-aware tokenization and entity extraction.

The original text of a post is always kept; these functions derive the forms the store indexes
and the query language matches against (see docs/text-matching.md).
"""

from hubbub.text.extract import extract_emojis, extract_hashtags, extract_mentions, extract_urls
from hubbub.text.normalize import fold, is_cjk_char, norm, strip_accents
from hubbub.text.tokenize import cjk_grams, tokenize

__all__ = [
    "cjk_grams",
    "extract_emojis",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "fold",
    "is_cjk_char",
    "norm",
    "strip_accents",
    "tokenize",
]
