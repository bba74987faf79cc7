// #/clues — the clue inbox: filters, search, paging, and batch actions on the selected
// clues (assign, start verification, 一键流转, export).
import {
  html, useState, useEffect, tr, api, apiDownload, navigate, qs, can, fmtDate,
} from "../core.js";
import {
  Page, Card, Table, Pager, Button, ErrorBox, Loading, StatusBadge, Badge, notify,
} from "../ui.js";
import {
  SeverityBadge, CLUE_STATUS_OPTIONS, PRESENCE_OPTIONS, useFacets, modelName,
  AssignModal, TransferModal, chinaDate,
} from "./clue_parts.js";

const LIMIT = 50;
const FILTERS = ["status", "model_id", "presence", "assignee", "holder", "overdue", "q"];

function filtersOf(query) {
  const found = {};
  for (const key of FILTERS) if (query[key]) found[key] = query[key];
  return found;
}

export default function Clues({ query }) {
  const filters = filtersOf(query);
  const offset = Math.max(0, Number(query.offset) || 0);
  const facets = useFacets();
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(new Set());
  const [text, setText] = useState(filters.q || "");
  const [dialog, setDialog] = useState(null);
  const [busy, setBusy] = useState(false);
  const [tick, setTick] = useState(0);

  const path = `/api/clues${qs({ ...filters, limit: LIMIT + 1, offset })}`;
  useEffect(() => {
    let live = true;
    setError(null);
    api("GET", path).then((found) => live && setRows(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [path, tick]);

  const reload = () => {
    setSelected(new Set());
    setTick((n) => n + 1);
  };
  const go = (changes) => {
    const next = { ...filters, ...changes };
    navigate(`/clues${qs({ ...next, offset: changes.offset || null })}`);
  };
  const page = rows ? rows.slice(0, LIMIT) : [];
  const chosen = page.filter((r) => selected.has(r.id));

  const verifyAll = async () => {
    setBusy(true);
    let done = 0;
    try {
      for (const clue of chosen) {
        await api("POST", `/api/clues/${encodeURIComponent(clue.id)}/actions`,
          { action: "verify", expected_version: clue.version });
        done += 1;
      }
      notify(tr(`已开始核查 ${done} 条线索`, `verification started on ${done} clue(s)`));
    } catch (err) {
      notify(tr(`已开始核查 ${done} 条；其余失败：${err.message}`, `${done} started; then: ${err.message}`), "bad");
    } finally {
      setBusy(false);
      reload();
    }
  };
  const exportFile = async (format) => {
    try {
      const { q, assignee, holder, overdue, ...exportable } = filters;
      await apiDownload("GET", `/api/clues/export${qs({ ...exportable, format })}`);
    } catch (err) {
      notify(err.message, "bad");
    }
  };

  const select = (id, label, value, options) => html`<label class="cl-filter">
    <span>${label}</span>
    <select id=${id} aria-label=${label} value=${value || ""} onChange=${(e) => go({ [id.replace("f-", "")]: e.target.value })}>
      <option value="">${tr("全部", "All")}</option>
      ${options.map(([v, l]) => html`<option value=${v} selected=${v === value}>${l}</option>`)}
    </select></label>`;

  const columns = [
    { key: "title", label: tr("线索", "Clue"), className: "cl-col-title", render: (r) => html`<a href=${`#/clues/${encodeURIComponent(r.id)}`}
        data-testid="clue-link">${r.title}</a><div class="muted mono cl-small">${r.id}</div>` },
    { key: "model_id", label: tr("模型", "Model"), className: "cl-col-model", render: (r) => modelName(facets, r.model_id) },
    { key: "status", label: tr("状态", "Status"), render: (r) => html`<${StatusBadge} status=${r.status} />` },
    { key: "presence", label: tr("出现情况", "Presence"), render: (r) => html`<${StatusBadge} status=${r.presence} />` },
    { key: "severity", label: tr("严重程度", "Severity"), render: (r) => html`<${SeverityBadge} severity=${r.severity} />` },
    { key: "holder", label: tr("持有单位", "Held by"), className: "cl-col-unit", render: (r) => r.holder_unit_name || r.holder_unit || "—" },
    { key: "assignee", label: tr("承办人", "Assignee"), render: (r) => r.assignee_name || html`<span class="muted">—</span>` },
    { key: "due", label: tr("期限", "Due"), render: (r) => html`${chinaDate(r.due_at) || "—"}
        ${r.overdue ? html` <${Badge} tone="bad">${tr("逾期", "overdue")}<//>` : null}` },
    { key: "created", label: tr("发现日期", "Found"), render: (r) => fmtDate(r.created_at) },
  ];

  const statuses = CLUE_STATUS_OPTIONS.map(([v, zh, en]) => {
    const count = facets && (facets.statuses.find((s) => s.status === v) || {}).count;
    return [v, `${tr(zh, en)}${count !== undefined && count !== null ? ` (${count})` : ""}`];
  });
  const models = facets ? facets.models.map((m) => [m.id, `${tr(m.name_zh, m.name_en)} (${m.count})`]) : [];
  const holders = facets ? facets.holders.map((h) => [h.id, `${h.name} (${h.count})`]) : [];

  return html`<${Page} title=${tr("线索", "Clues")} actions=${html`
      <${Button} onClick=${() => exportFile("xlsx")} testid="clues-export">${tr("导出 Excel", "Export Excel")}<//>
      <${Button} onClick=${() => exportFile("csv")}>${tr("导出 CSV", "Export CSV")}<//>`}>
    <${Card}>
      <form class="cl-filters" onSubmit=${(e) => { e.preventDefault(); go({ q: text.trim() }); }}
          aria-label=${tr("筛选线索", "filter clues")}>
        ${select("f-status", tr("状态", "Status"), filters.status, statuses)}
        ${select("f-model_id", tr("模型", "Model"), filters.model_id, models)}
        ${select("f-presence", tr("出现情况", "Presence"), filters.presence,
          PRESENCE_OPTIONS.map(([v, zh, en]) => [v, tr(zh, en)]))}
        ${select("f-assignee", tr("承办人", "Assignee"), filters.assignee,
          [["me", tr("我承办的", "mine")], ["none", tr("未指派", "unassigned")]])}
        ${select("f-holder", tr("持有单位", "Held by"), filters.holder, holders)}
        <label class="cl-filter cl-filter-check"><input type="checkbox" checked=${!!filters.overdue}
          onChange=${(e) => go({ overdue: e.target.checked ? "true" : "" })} /> ${tr("仅看逾期", "overdue only")}</label>
        <label class="cl-filter cl-filter-grow"><span>${tr("搜索", "Search")}</span>
          <input type="search" value=${text} placeholder=${tr("编号、模型或标题", "id, model or title")}
            aria-label=${tr("搜索线索", "search clues")} onInput=${(e) => setText(e.target.value)} /></label>
        <${Button} type="submit">${tr("搜索", "Search")}<//>
        ${Object.keys(filters).length ? html`<${Button} kind="link" onClick=${() => navigate("/clues")}>${tr("清除筛选", "Clear")}<//>` : null}
      </form>
    <//>
    ${chosen.length ? html`<div class="cl-batchbar" role="region" aria-label=${tr("批量操作", "batch actions")}>
      <span>${tr(`已选 ${chosen.length} 条`, `${chosen.length} selected`)}</span>
      ${can("clues.write") ? html`<${Button} onClick=${() => setDialog("assign")} testid="batch-assign">${tr("指派", "Assign")}<//>
        <${Button} onClick=${verifyAll} disabled=${busy} testid="batch-verify">${tr("开始核查", "Start verification")}<//>` : null}
      ${can("clues.transfer") ? html`<${Button} kind="primary" onClick=${() => setDialog("transfer")} testid="batch-transfer">${tr("一键流转", "Send")}<//>` : null}
      <${Button} kind="link" onClick=${() => setSelected(new Set())}>${tr("取消选择", "Clear selection")}<//>
    </div>` : null}
    <${ErrorBox} error=${error} />
    ${rows === null && !error ? html`<${Loading} />` : html`<${Card}>
      <${Table} columns=${columns} rows=${page} testid="clue-table" selected=${selected}
        onSelect=${setSelected} onRow=${(r) => navigate(`/clues/${encodeURIComponent(r.id)}`)}
        empty=${tr("没有符合条件的线索", "No clues match")} />
      <${Pager} offset=${offset} limit=${LIMIT} hasMore=${!!rows && rows.length > LIMIT}
        onChange=${(next) => go({ offset: next || null })} />
    <//>`}
    <${AssignModal} open=${dialog === "assign"} clues=${chosen} onClose=${() => setDialog(null)}
      onDone=${() => { setDialog(null); reload(); }} />
    <${TransferModal} open=${dialog === "transfer"} clues=${chosen} onClose=${() => setDialog(null)}
      onDone=${() => { setDialog(null); reload(); }} />
  <//>`;
}
