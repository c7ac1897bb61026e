"""Hacker News through the Algolia HN Search API (hn.algolia.com/api)."""
