"""Topics of the token's workspace: CRUD, history and revert (writes need the analyst role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from hubbub.api.deps import Svc, writer
from hubbub.auth import Principal

router = APIRouter(prefix="/topics", tags=["topics"])
Writer = Annotated[Principal, Depends(writer)]


class FiltersIn(BaseModel):
    platforms: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    since: str | None = None
    until: str | None = None


class TopicIn(BaseModel):
    name: str
    query: str
    group: str = "other"
    description: str = ""
    filters: FiltersIn | None = None


class TopicPatch(BaseModel):
    name: str | None = None
    query: str | None = None
    group: str | None = None
    description: str | None = None
    filters: FiltersIn | None = None


class RevertIn(BaseModel):
    version: int = Field(ge=1)


@router.get("")
def list_topics(svc: Svc, group: str | None = None) -> dict[str, Any]:
    return {"topics": [t.to_dict() for t in svc.topics(group)]}


@router.post("", status_code=201)
def create_topic(body: TopicIn, svc: Svc, _: Writer) -> dict[str, Any]:
    filters = body.filters.model_dump() if body.filters else None
    return svc.add_topic(body.name, body.query, body.group, body.description, filters).to_dict()


@router.get("/{name}")
def get_topic(name: str, svc: Svc) -> dict[str, Any]:
    return svc.topic(name).to_dict()


@router.patch("/{name}")
def edit_topic(name: str, body: TopicPatch, svc: Svc, _: Writer) -> dict[str, Any]:
    return svc.edit_topic(
        name,
        new_name=body.name,
        query=body.query,
        group=body.group,
        description=body.description,
        filters=body.filters.model_dump() if body.filters else None,
    ).to_dict()


@router.delete("/{name}")
def delete_topic(name: str, svc: Svc, _: Writer) -> dict[str, Any]:
    return svc.remove_topic(name).to_dict()


@router.get("/{name}/history")
def topic_history(name: str, svc: Svc) -> dict[str, Any]:
    return {"versions": [v.to_dict() for v in svc.topic_history(name)]}


@router.post("/{name}/revert")
def revert_topic(name: str, body: RevertIn, svc: Svc, _: Writer) -> dict[str, Any]:
    return svc.revert_topic(name, body.version).to_dict()
