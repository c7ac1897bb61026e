"""X (Twitter) API v2: recent search and the filtered stream, with an app bearer token."""
