"""Mastodon: public and hashtag timelines and status search, across a list of servers."""
