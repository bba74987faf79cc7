// 审计日志 (audit viewer): the hash-chained log, newest first, filtered and paged by seq,
// and the chain check (GET /api/audit/verify). Auditors only.
import { html, useState, tr, useApi, api, can, qs, fmtDateTime, fmtNum } from "../core.js";
import { Page, Card, Table, Button, Badge, ErrorBox, Loading, Select, Field } from "../ui.js";

const PAGE = 50;
// Actions the platform writes (for the filter's suggestions; any text may be typed).
const ACTIONS = [
  "auth.", "auth.sign_in", "auth.sign_out", "auth.rate_limited", "access.denied",
  "pii.unmask", "data.import", "model.", "model.run", "clue.", "clues.sync", "clues.export",
  "case.", "case.export", "case.document.read", "export.", "permission.", "permission.roles",
  "permission.user_create", "permission.user_disable", "permission.share", "unit.create",
  "token.create", "token.revoke", "job.cancel",
];
const OUTCOMES = [
  ["", "全部结果", "any outcome"],
  ["ok", "成功", "ok"],
  ["denied", "拒绝", "denied"],
  ["failed", "失败", "failed"],
];
const TONES = { ok: "ok", denied: "bad", failed: "warn" };

function Outcome({ value }) {
  const found = OUTCOMES.find(([key]) => key === value);
  return html`<${Badge} tone=${TONES[value] || "muted"}>${found ? tr(found[1], found[2]) : value}<//>`;
}

function VerifyResult({ report }) {
  if (report.ok) {
    return html`<div class="verify-ok" role="status" data-testid="verify-result" data-ok="true">
      <strong>${tr("哈希链完整", "The chain is intact")}</strong> ·
      ${tr(`共校验 ${fmtNum(report.entries)} 条记录，最后一条 #${report.last_seq ?? "—"}`,
           `${fmtNum(report.entries)} entries checked, the last is #${report.last_seq ?? "—"}`)}
    </div>`;
  }
  return html`<div class="verify-bad" role="alert" data-testid="verify-result" data-ok="false">
    <strong>${tr(`发现 ${report.problem_count} 处问题`, `${report.problem_count} problem(s) found`)}</strong>
    ${report.first_bad_seq ? tr(`（最早在 #${report.first_bad_seq}）`, ` (first at #${report.first_bad_seq})`) : ""}
    <ul>${report.problems.map((p) => html`<li>#${p.seq} · ${tr(p.zh, p.en)}</li>`)}</ul>
  </div>`;
}

function Filters({ value, onApply }) {
  const [form, setForm] = useState(value);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = (event) => {
    event.preventDefault();
    onApply(form);
  };
  const reset = () => {
    const empty = { action: "", actor: "", outcome: "", from: "", to: "" };
    setForm(empty);
    onApply(empty);
  };
  return html`<form class="audit-filters" onSubmit=${submit} aria-label=${tr("筛选", "filters")}>
    <${Field} label=${tr("操作", "Action")} id="audit-action"
        hint=${tr("以 . 结尾按前缀匹配，如 auth.", "ending in . matches a prefix, e.g. auth.")}>
      <input id="audit-action" list="audit-actions" value=${form.action} onInput=${set("action")} />
      <datalist id="audit-actions">${ACTIONS.map((a) => html`<option value=${a} />`)}</datalist>
    <//>
    <${Field} label=${tr("操作人", "Actor")} id="audit-actor" hint=${tr("用户名或用户 id", "user name or id")}>
      <input id="audit-actor" value=${form.actor} onInput=${set("actor")} />
    <//>
    <${Field} label=${tr("结果", "Outcome")} id="audit-outcome">
      <${Select} id="audit-outcome" label=${tr("结果", "Outcome")} value=${form.outcome}
        onChange=${(outcome) => setForm({ ...form, outcome })}
        options=${OUTCOMES.map(([v, zh, en]) => ({ value: v, label: tr(zh, en) }))} />
    <//>
    <${Field} label=${tr("自", "From")} id="audit-from">
      <input id="audit-from" type="date" value=${form.from} onInput=${set("from")} />
    <//>
    <${Field} label=${tr("至", "To")} id="audit-to">
      <input id="audit-to" type="date" value=${form.to} onInput=${set("to")} />
    <//>
    <div class="row">
      <${Button} type="submit" kind="primary" testid="audit-apply">${tr("筛选", "Filter")}<//>
      <${Button} onClick=${reset}>${tr("清除", "Clear")}<//>
    </div>
  </form>`;
}

function detailText(detail) {
  if (!detail || Object.keys(detail).length === 0) return "";
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`)
    .join("\n");
}

export default function Audit({ query }) {
  const [filters, setFilters] = useState({
    action: query.action || "", actor: query.actor || "", outcome: query.outcome || "",
    from: query.from || "", to: query.to || "",
  });
  // Keyset pages: the `before` cursor of each page seen so far (null: the newest).
  const [cursors, setCursors] = useState([null]);
  const before = cursors[cursors.length - 1];
  const { data, error, loading } = useApi(`/api/audit${qs({ ...filters, limit: PAGE, before })}`);
  const [report, setReport] = useState(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState(null);
  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setReport(await api("GET", "/api/audit/verify"));
    } catch (err) {
      setVerifyError(err);
    } finally {
      setVerifying(false);
    }
  };
  const apply = (next) => {
    setFilters(next);
    setCursors([null]);
    history.replaceState(null, "", `#/audit${qs(next)}`);
  };
  const columns = [
    { key: "seq", label: "#", className: "num" },
    { key: "at", label: tr("时间", "Time"), render: (e) => fmtDateTime(e.at) },
    { key: "actor", label: tr("操作人", "Actor"),
      render: (e) => html`<span title=${e.actor}>${e.actor_name || e.actor}</span>` },
    { key: "action", label: tr("操作", "Action"), render: (e) => html`<span class="mono">${e.action}</span>` },
    { key: "object", label: tr("对象", "Object"),
      render: (e) => (e.object_kind ? html`<span class="mono">${e.object_kind}:${e.object_id || ""}</span>` : "") },
    { key: "unit_id", label: tr("单位", "Unit") },
    { key: "outcome", label: tr("结果", "Outcome"), render: (e) => html`<${Outcome} value=${e.outcome} />` },
    { key: "detail", label: tr("详情", "Detail"), render: (e) => html`<div class="audit-detail mono">${detailText(e.detail)}</div>` },
    { key: "hash", label: tr("哈希", "Hash"), render: (e) => html`<span class="audit-hash mono" title=${e.hash}>${e.hash.slice(0, 10)}…</span>` },
  ];
  const rows = data || [];
  return html`<${Page} title=${tr("审计日志", "Audit log")}
      actions=${can("audit.verify") ? html`<${Button} kind="primary" onClick=${verify} disabled=${verifying}
        testid="audit-verify">${verifying ? tr("校验中…", "Verifying…") : tr("校验哈希链", "Verify chain")}<//>` : null}>
    ${report ? html`<${VerifyResult} report=${report} />` : null}
    <${ErrorBox} error=${verifyError} />
    <${Card}><${Filters} value=${filters} onApply=${apply} /><//>
    <${Card} title=${tr("记录", "Entries")} testid="audit-entries">
      <${ErrorBox} error=${error} />
      ${!data && loading ? html`<${Loading} />` : html`
        <${Table} testid="audit-table" rowKey="seq" columns=${columns} rows=${rows}
          empty=${tr("没有符合条件的记录", "No entries match")} />
        <nav class="pager" aria-label=${tr("翻页", "pages")}>
          <${Button} disabled=${cursors.length <= 1} onClick=${() => setCursors(cursors.slice(0, -1))}
            testid="audit-newer">${tr("较新", "Newer")}<//>
          <span>${rows.length ? tr(`#${rows[0].seq} – #${rows[rows.length - 1].seq}`, `#${rows[0].seq} – #${rows[rows.length - 1].seq}`) : ""}</span>
          <${Button} disabled=${rows.length < PAGE} onClick=${() => setCursors([...cursors, rows[rows.length - 1].seq])}
            testid="audit-older">${tr("较早", "Older")}<//>
        </nav>`}
    <//>
  <//>`;
}
