"""Reddit: subreddit listings (new posts, new comments) and search, with OAuth app-only auth."""
