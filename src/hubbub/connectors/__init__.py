"""Connectors (live collection, later) and file importers: raw items in, `Post`s out."""
