"""Bilibili: video search, replies and danmaku of videos (HTTP), and live-room chat (WebSocket)."""
