"""The API's routes, one module per resource; `hubbub.api.app` includes them under /v1."""
