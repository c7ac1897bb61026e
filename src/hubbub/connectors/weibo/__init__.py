"""Weibo: the open API (access token) and the m.weibo.cn search JSON."""
