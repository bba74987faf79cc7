"""Sharing a dataset or a run with another unit (a sibling or an external unit cannot
see it otherwise). Only the owning units' users may share, and every share is audited."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.scope import dataset_for, owner, run_for
from jiandu.store.schema import OrgUnit, Share
from jiandu.web.guard import Caller, Db, requires

router = APIRouter(prefix="/api/shares", tags=["shares"])


class NewShare(BaseModel):
    object_kind: Literal["dataset", "run"]
    object_id: str = Field(min_length=1, max_length=64)
    unit_id: str = Field(min_length=1, max_length=64)


@router.post("", status_code=201)
def share(
    body: NewShare,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_SHARE))],
    session: Db,
) -> dict[str, str]:
    """Share an object the caller's units own with another unit."""
    principal = caller.principal
    if body.object_kind == "dataset":
        obj = dataset_for(session, principal, body.object_id)
        owning = owner(session, obj.owner_unit)
    else:
        run = run_for(session, principal, body.object_id)
        owning = owner(session, run.owner_unit)
    # Seeing an object through a share does not allow passing it on.
    if not principal.sees_unit(owning) or session.get(OrgUnit, body.unit_id) is None:
        raise NotFound(body.object_kind, body.object_id)
    if session.get(Share, (body.object_kind, body.object_id, body.unit_id)) is None:
        session.add(
            Share(
                object_kind=body.object_kind,
                object_id=body.object_id,
                unit_id=body.unit_id,
                granted_by=principal.user_id,
            )
        )
    audit.record(
        session, actor=principal.user_id, action="permission.share",
        object_kind=body.object_kind, object_id=body.object_id, unit_id=principal.unit_id,
        detail={"with_unit": body.unit_id},
    )  # fmt: skip
    return {"status": "shared"}
