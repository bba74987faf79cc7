"""Full-text search (`GET /api/search`): judgments and other free text in the pool.

Scoped like reading rows: only the datasets the caller may see and is cleared for are
searched, and that list goes into the index query itself, so `total` counts nothing
the caller may not see. A dataset named in `dataset=` that the caller cannot see is
answered 404, as one that does not exist.

Results are masked — ID and phone numbers in titles and snippets scrubbed, the
document's party names masked — unless the caller holds pii.unmask and asks `unmask=1`
(audited as `pii.unmask`); a masked search that returns rows of a sensitive dataset is
audited as `data.read`. The audit entry names the datasets and the filters used, never
the query text (it is often a person's name).

Before searching, the index is brought up to date (`text.index.sync`; after an import
`text.refresh` has usually done so, and an up-to-date index costs one catalog query).
If another process is writing the index, the search does not wait: it runs on the
index as it stands.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.masking import mask_value, scrub_text
from jiandu.security.permissions import Permission
from jiandu.security.scope import visible_datasets
from jiandu.text import index
from jiandu.text.query import MAX_QUERY_CHARS, parse_query
from jiandu.web.guard import Caller, Db, app_state, denied, requires

router = APIRouter(prefix="/api/search", tags=["search"])

MAX_HITS = 100
SENSITIVE = ("sensitive", "secret")


@router.get("")
def search(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    dataset: Annotated[list[str] | None, Query(max_length=64)] = None,
    type: Annotated[str | None, Query(max_length=64)] = None,
    court: Annotated[str | None, Query(max_length=100)] = None,
    cause: Annotated[str | None, Query(max_length=100)] = None,
    party: Annotated[str | None, Query(max_length=100)] = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_HITS)] = 20,
    offset: Annotated[int, Query(ge=0, le=index.MAX_OFFSET)] = 0,
    unmask: bool = False,
) -> dict[str, Any]:
    """Rows whose text matches `q` (terms ANDed, each an exact substring; "quoted
    phrases"; -exclusions), best first, with highlighted snippets; masked unless
    unmasking is allowed and asked for (audited)."""
    principal = caller.principal
    parse_query(q)  # a bad query is the caller's error (400), before anything else
    if unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    visible = {d.id: d for d in visible_datasets(session, principal)}
    for dataset_id in dataset or ():
        if dataset_id not in visible:
            raise NotFound("dataset", dataset_id)
    searched = sorted(dataset) if dataset else sorted(visible)
    state = app_state(request)
    # End this request's transaction before the index work (it holds the store's write
    # lock on SQLite since the guard touched the session row).
    session.commit()
    with suppress(index.IndexBusy):  # another process is indexing: search what is there
        index.sync(state.settings, engine=state.engine, wait_s=0)
    result = index.search(
        state.settings, q, dataset_ids=searched, dataset_type=type, court=court, cause=cause,
        party=party, date_from=date_from, date_to=date_to, limit=limit, offset=offset,
    )  # fmt: skip
    hits = result.hits
    if not unmask:
        hits = [hit.masked(scrub_text, partial(mask_value, "name")) for hit in hits]
    found = sorted({hit.dataset_id for hit in hits})
    if unmask or any(visible[d].sensitivity in SENSITIVE for d in found if d in visible):
        filters = {"dataset": dataset, "type": type, "court": court, "cause": cause,
                   "party": party, "from": date_from, "to": date_to}  # fmt: skip
        audit.record(
            session,
            actor=principal.user_id,
            action="pii.unmask" if unmask else "data.read",
            object_kind="search",
            object_id=",".join(found)[:128] or "-",
            unit_id=principal.unit_id,
            detail={
                "hits": len(hits),
                "total": result.total,
                "datasets": found,
                "filters": sorted(k for k, v in filters.items() if v),
            },
        )
    return {
        "total": result.total,
        "offset": offset,
        "limit": limit,
        "masked": not unmask,
        "hits": [
            {**hit.to_dict(), "dataset_name_zh": visible[hit.dataset_id].name_zh}
            if hit.dataset_id in visible
            else hit.to_dict()
            for hit in hits
        ],
    }
