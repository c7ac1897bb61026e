"""YouTube Data API v3: videos found by search (a query or a channel) and their comment threads."""
