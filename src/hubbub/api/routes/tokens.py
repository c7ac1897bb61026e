"""The workspace's API tokens (admin only). A new token's text is in the answer, once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from hubbub.api.deps import admin, app_state
from hubbub.auth import Principal, TokenStore

router = APIRouter(prefix="/tokens", tags=["tokens"])
Admin = Annotated[Principal, Depends(admin)]


class TokenIn(BaseModel):
    role: str
    name: str = ""


@router.get("")
def list_tokens(request: Request, who: Admin) -> dict[str, Any]:
    with TokenStore(app_state(request).home) as tokens:
        return {"tokens": [t.to_dict() for t in tokens.list(who.workspace)]}


@router.post("", status_code=201)
def create_token(body: TokenIn, request: Request, who: Admin) -> dict[str, Any]:
    with TokenStore(app_state(request).home) as tokens:
        made, plain = tokens.create(who.workspace, body.role, body.name)
    return {**made.to_dict(), "token": plain}


@router.delete("/{token_id}")
def revoke_token(token_id: str, request: Request, who: Admin) -> dict[str, Any]:
    with TokenStore(app_state(request).home) as tokens:
        return tokens.revoke(token_id, who.workspace).to_dict()
