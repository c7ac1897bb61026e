"""Hubbub's REST API (FastAPI) and the operations behind it.

    service.Service        one workspace's topics and analyses over one store: the API routes,
                           the local SDK client and the CLI all call it, so they agree
    app.create_app(home)   the FastAPI application (`hubbub serve` runs it with uvicorn)

Importing this package does not import FastAPI; only `hubbub.api.app` does.
"""
