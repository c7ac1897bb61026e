"""The dashboard's pages and the fragments and JSON their scripts load."""
