-- Hubbub store schema (embedded chdb and ClickHouse server alike). {db} is the database name.
-- One row per post, identity (platform, platform_id). The sort key starts with created_at so
-- time-range queries read only the granules they need; a post's created_at never changes, so
-- (created_at, platform, platform_id) is unique per post and ReplacingMergeTree folds any
-- duplicate a crash might leave behind. Counts are exact without FINAL because the writer
-- skips keys already stored before it inserts (see store/writer.py).
CREATE TABLE IF NOT EXISTS {db}.posts
(
    platform LowCardinality(String),
    platform_id String,
    kind LowCardinality(String),
    url Nullable(String),
    created_at DateTime64(3, 'UTC'),
    collected_at DateTime64(3, 'UTC'),
    author_id Nullable(String),
    author_handle Nullable(String),
    author_name Nullable(String),
    author_followers Nullable(UInt64),
    author_following Nullable(UInt64),
    author_verified Nullable(Bool),
    author_country LowCardinality(Nullable(String)),
    author_url Nullable(String),
    title Nullable(String),
    text String,
    lang LowCardinality(Nullable(String)),
    likes Nullable(UInt64),
    reposts Nullable(UInt64),
    replies Nullable(UInt64),
    quotes Nullable(UInt64),
    views Nullable(UInt64),
    engagement Nullable(UInt64),
    parent_id Nullable(String),
    root_id Nullable(String),
    repost_of Nullable(String),
    hashtags Array(String),
    mentions Array(String),
    urls Array(String),
    domains Array(LowCardinality(String)),
    emojis Array(String),
    media_types Array(LowCardinality(String)),
    media_urls Array(String),
    country LowCardinality(Nullable(String)),
    rating Nullable(Float32),
    source LowCardinality(String),
    -- Derived text for matching (hubbub.text): NFKC + casefold + t2s of title and text, accents
    -- kept; folded word tokens in order (CJK segmented); CJK character bigrams for the index.
    text_norm String,
    tokens Array(String),
    grams Array(String),
    -- How many of the leading `tokens` come from the title (the query language's title:).
    title_token_count UInt32,
    -- Set by enrichment (hubbub.enrich); NULL or empty until it runs. `enrichers` maps each
    -- enriched field to the versioned name of the enricher that set it.
    sentiment LowCardinality(Nullable(String)),
    lang_score Nullable(Float32),
    sentiment_score Nullable(Float32),
    emotion LowCardinality(Nullable(String)),
    emotion_score Nullable(Float32),
    entity_texts Array(String),
    entity_types Array(LowCardinality(String)),
    keyphrases Array(String),
    dup_cluster Nullable(String),
    dup_size Nullable(UInt32),
    flags Array(LowCardinality(String)),
    enrichers Map(LowCardinality(String), LowCardinality(String)),
    INDEX idx_tokens tokens TYPE text(tokenizer = 'array'),
    INDEX idx_grams grams TYPE text(tokenizer = 'array'),
    INDEX idx_hashtags hashtags TYPE bloom_filter GRANULARITY 1
    -- No skip index on platform_id: the writer's key check (an IN over a batch of keys) does
    -- not use one, and building it cost 40 % of insert time (measured, docs/design.md).
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(created_at)
ORDER BY (created_at, platform, platform_id);
