// #/cases — supervision cases: filters (status, type, overdue), and a new case from
// confirmed clues.
import {
  html, useState, useEffect, tr, api, apiDownload, navigate, qs, can, fmtDate,
} from "../core.js";
import { Page, Card, Table, Button, ErrorBox, Loading, Badge, notify } from "../ui.js";
import { CaseStatusBadge, CASE_STATUS, NewCaseModal, chinaDate } from "./clue_parts.js";

export default function Cases({ query }) {
  const filters = {
    status: query.status || "",
    case_type: query.case_type || "",
    overdue: query.overdue || "",
  };
  const [rows, setRows] = useState(null);
  const [types, setTypes] = useState([]);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(query.new === "1");

  useEffect(() => {
    api("GET", "/api/cases/types").then(setTypes, () => setTypes([]));
  }, []);
  const path = `/api/cases${qs(filters)}`;
  useEffect(() => {
    let live = true;
    setError(null);
    api("GET", path).then((found) => live && setRows(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [path]);
  const go = (changes) => navigate(`/cases${qs({ ...filters, ...changes })}`);
  const exportFile = async () => {
    try {
      await apiDownload("GET", `/api/cases/export${qs({ format: "xlsx", status: filters.status, case_type: filters.case_type })}`);
    } catch (err) {
      notify(err.message, "bad");
    }
  };

  const columns = [
    { key: "case_no", label: tr("案号", "Case no."), render: (c) => html`<a href=${`#/cases/${encodeURIComponent(c.id)}`}
      data-testid="case-link" class="mono">${c.case_no}</a>` },
    { key: "title", label: tr("案件名称", "Title") },
    { key: "type", label: tr("类型", "Type"), render: (c) => {
      const kind = types.find((t) => t.id === c.case_type);
      return kind ? tr(kind.label_zh, kind.label_en) : c.case_type_zh;
    } },
    { key: "supervised", label: tr("被监督单位", "Supervised unit"), render: (c) => c.supervised_unit || "—" },
    { key: "status", label: tr("状态", "Status"), render: (c) => html`<${CaseStatusBadge} status=${c.status} />
      ${c.overdue ? html` <${Badge} tone="bad">${tr("逾期", "overdue")}<//>` : null}` },
    { key: "due", label: tr("回复期限", "Reply due"), render: (c) => chinaDate(c.reply_due_at) || "—" },
    { key: "unit", label: tr("办案单位", "Unit"), render: (c) => c.owner_unit_name || "—" },
    { key: "clues", label: tr("线索数", "Clues"), render: (c) => c.clue_ids.length, className: "num" },
    { key: "created", label: tr("立案日期", "Opened"), render: (c) => fmtDate(c.created_at) },
  ];

  return html`<${Page} title=${tr("监督案件", "Supervision cases")} actions=${html`
      ${can("cases.write") ? html`<${Button} kind="primary" onClick=${() => setCreating(true)} testid="case-new">${tr("新建案件", "New case")}<//>` : null}
      <${Button} onClick=${exportFile}>${tr("导出 Excel", "Export Excel")}<//>`}>
    <${Card}>
      <div class="cl-filters">
        <label class="cl-filter"><span>${tr("状态", "Status")}</span>
          <select aria-label=${tr("状态", "Status")} value=${filters.status} onChange=${(e) => go({ status: e.target.value })}>
            <option value="">${tr("全部", "All")}</option>
            ${Object.entries(CASE_STATUS).map(([v, [zh, en]]) => html`<option value=${v} selected=${v === filters.status}>${tr(zh, en)}</option>`)}
          </select></label>
        <label class="cl-filter"><span>${tr("类型", "Type")}</span>
          <select aria-label=${tr("类型", "Type")} value=${filters.case_type} onChange=${(e) => go({ case_type: e.target.value })}>
            <option value="">${tr("全部", "All")}</option>
            ${types.map((t) => html`<option value=${t.id} selected=${t.id === filters.case_type}>${tr(t.label_zh, t.label_en)}</option>`)}
          </select></label>
        <label class="cl-filter cl-filter-check"><input type="checkbox" checked=${!!filters.overdue}
          onChange=${(e) => go({ overdue: e.target.checked ? "true" : "" })} /> ${tr("仅看逾期未回复", "overdue only")}</label>
      </div>
    <//>
    <${ErrorBox} error=${error} />
    ${rows === null && !error ? html`<${Loading} />` : html`<${Card}>
      <${Table} columns=${columns} rows=${rows || []} testid="case-table"
        onRow=${(c) => navigate(`/cases/${encodeURIComponent(c.id)}`)}
        empty=${tr("暂无案件；在成案线索上点击“立案”，或在此新建", "No cases yet: make one from a confirmed clue, or here")} />
    <//>`}
    <${NewCaseModal} open=${creating} clues=${null} onClose=${() => setCreating(false)}
      onDone=${(made) => { setCreating(false); navigate(`/cases/${encodeURIComponent(made.id)}`); }} />
  <//>`;
}
