"""Bluesky: post search through the AppView's `app.bsky.feed.searchPosts`."""
