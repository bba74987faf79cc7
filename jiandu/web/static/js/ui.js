// Shared components of the jiandu web UI. Bilingual through tr(); styled by app.css.
import {
  html, useState, useEffect, useRef, tr, api, fmtDateTime,
} from "./core.js";

export function Page({ title, actions, children }) {
  return html`<section class="page">
    <header class="page-head">
      <h1>${title}</h1>
      ${actions ? html`<div class="page-actions">${actions}</div>` : null}
    </header>
    ${children}
  </section>`;
}

export function Card({ title, actions, children, testid }) {
  return html`<section class="card" data-testid=${testid}>
    ${title || actions
      ? html`<header class="card-head"><h2>${title}</h2>
          ${actions ? html`<div class="card-actions">${actions}</div>` : null}</header>`
      : null}
    <div class="card-body">${children}</div>
  </section>`;
}

export function Button({ onClick, kind = "secondary", disabled, children, type = "button", testid, title }) {
  return html`<button type=${type} class=${`btn btn-${kind}`} onClick=${onClick}
    disabled=${disabled} data-testid=${testid} title=${title}>${children}</button>`;
}

export function Badge({ tone = "info", children }) {
  return html`<span class=${`badge badge-${tone}`}>${children}</span>`;
}

// status → [zh, en, tone] for clues, cases, runs, jobs and batches.
const STATUSES = {
  pending: ["待核查", "to verify", "warn"],
  verifying: ["核查中", "verifying", "info"],
  confirmed: ["成案", "confirmed", "ok"],
  rejected: ["不成案", "rejected", "muted"],
  transferred: ["已移送", "transferred", "info"],
  closed: ["已办结", "closed", "muted"],
  open: ["办理中", "open", "info"],
  draft: ["草稿", "draft", "muted"],
  issued: ["已发出", "issued", "info"],
  served: ["已送达", "served", "info"],
  replied: ["已回复", "replied", "ok"],
  overdue: ["逾期", "overdue", "bad"],
  running: ["运行中", "running", "info"],
  queued: ["排队中", "queued", "muted"],
  succeeded: ["成功", "succeeded", "ok"],
  failed: ["失败", "failed", "bad"],
  cancelled: ["已取消", "cancelled", "muted"],
  committed: ["已入池", "committed", "ok"],
  replaced: ["已被替换", "replaced", "muted"],
  duplicate: ["重复", "duplicate", "muted"],
  accepted: ["已接收", "accepted", "ok"],
  returned: ["已退回", "returned", "warn"],
  sent: ["待接收", "awaiting", "warn"],
  new: ["新增", "new", "warn"],
  present: ["仍存在", "present", "info"],
  changed: ["有变化", "changed", "warn"],
  gone: ["已消失", "gone", "muted"],
  private: ["仅本人", "private", "muted"],
  unit: ["本院", "unit", "info"],
  province: ["全省", "province", "ok"],
};

export function statusLabel(status) {
  const known = STATUSES[status];
  return known ? tr(known[0], known[1]) : String(status ?? "");
}

export function StatusBadge({ status }) {
  const known = STATUSES[status];
  return html`<${Badge} tone=${known ? known[2] : "muted"}>${statusLabel(status)}<//>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  const message = typeof error === "string" ? error : error.message;
  return html`<div class="error-box" role="alert">${message}</div>`;
}

export function Loading() {
  return html`<div class="loading" role="status" aria-live="polite">${tr("加载中…", "Loading…")}</div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children || tr("暂无数据", "Nothing here yet")}</div>`;
}

export function Field({ label, children, hint, error, id }) {
  return html`<div class=${`field${error ? " field-error" : ""}`}>
    <label for=${id}>${label}</label>
    ${children}
    ${hint ? html`<div class="hint">${hint}</div>` : null}
    ${error ? html`<div class="field-message" role="alert">${error}</div>` : null}
  </div>`;
}

export function Select({ value, onChange, options, id, label, disabled }) {
  return html`<select id=${id} aria-label=${label} value=${value} disabled=${disabled}
      onChange=${(event) => onChange(event.target.value)}>
    ${options.map((o) => html`<option value=${o.value} selected=${String(o.value) === String(value)}>${o.label}</option>`)}
  </select>`;
}

export function KeyValue({ items }) {
  return html`<dl class="kv">
    ${items.filter(Boolean).map(([label, value]) => html`<div class="kv-row"><dt>${label}</dt><dd>${value}</dd></div>`)}
  </dl>`;
}

export function Tabs({ tabs, active, onChange }) {
  return html`<div class="tabs" role="tablist">
    ${tabs.map((tab) => html`<button type="button" role="tab" class=${`tab${tab.key === active ? " tab-active" : ""}`}
        aria-selected=${tab.key === active} onClick=${() => onChange(tab.key)}>${tab.label}</button>`)}
  </div>`;
}

export function Table({ columns, rows, rowKey = "id", onRow, selected, onSelect, empty, testid, caption }) {
  if (!rows || rows.length === 0) return html`<${Empty}>${empty}<//>`;
  const keyOf = (row) => (typeof rowKey === "function" ? rowKey(row) : row[rowKey]);
  const allSelected = selected && rows.every((row) => selected.has(keyOf(row)));
  const toggleAll = () => {
    const next = new Set(selected);
    for (const row of rows) {
      if (allSelected) next.delete(keyOf(row));
      else next.add(keyOf(row));
    }
    onSelect(next);
  };
  const toggle = (row) => {
    const next = new Set(selected);
    const key = keyOf(row);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onSelect(next);
  };
  // The wrapper scrolls sideways on narrow screens: focusable, so keyboards can scroll it.
  return html`<div class="table-wrap" tabindex="0" role="region"
      aria-label=${caption || tr("表格", "table")}><table class="table" data-testid=${testid}>
    ${caption ? html`<caption>${caption}</caption>` : null}
    <thead><tr>
      ${onSelect ? html`<th scope="col" class="col-check"><input type="checkbox" aria-label=${tr("全选", "select all")}
          checked=${allSelected} onChange=${toggleAll} /></th>` : null}
      ${columns.map((c) => html`<th scope="col" class=${c.className}>${c.label}</th>`)}
    </tr></thead>
    <tbody>
      ${rows.map((row) => html`<tr key=${keyOf(row)} class=${onRow ? "clickable" : ""}
          onClick=${onRow ? (event) => { if (!event.target.closest("input,button,a,select")) onRow(row); } : undefined}>
        ${onSelect ? html`<td class="col-check"><input type="checkbox" aria-label=${tr("选择", "select")}
            checked=${selected.has(keyOf(row))} onChange=${() => toggle(row)} /></td>` : null}
        ${columns.map((c) => html`<td class=${c.className}>${c.render ? c.render(row) : row[c.key]}</td>`)}
      </tr>`)}
    </tbody>
  </table></div>`;
}

export function Pager({ offset, limit, total, hasMore, onChange }) {
  const more = hasMore !== undefined ? hasMore : total !== undefined && offset + limit < total;
  return html`<nav class="pager" aria-label=${tr("翻页", "pages")}>
    <${Button} disabled=${offset <= 0} onClick=${() => onChange(Math.max(0, offset - limit))}>${tr("上一页", "Previous")}<//>
    <span>${total !== undefined
      ? tr(`第 ${offset + 1}–${Math.min(offset + limit, total)} 条，共 ${total} 条`,
           `${offset + 1}–${Math.min(offset + limit, total)} of ${total}`)
      : tr(`从第 ${offset + 1} 条起`, `from ${offset + 1}`)}</span>
    <${Button} disabled=${!more} onClick=${() => onChange(offset + limit)}>${tr("下一页", "Next")}<//>
  </nav>`;
}

export function Modal({ title, open, onClose, children, footer }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event) => event.key === "Escape" && onClose();
    document.addEventListener("keydown", onKey);
    const first = ref.current && ref.current.querySelector("input,select,textarea,button");
    if (first) first.focus();
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  if (!open) return null;
  return html`<div class="modal-backdrop" onClick=${(e) => e.target === e.currentTarget && onClose()}>
    <div class="modal" role="dialog" aria-modal="true" aria-label=${title} ref=${ref}>
      <header class="modal-head"><h2>${title}</h2>
        <button type="button" class="btn btn-link" aria-label=${tr("关闭", "close")} onClick=${onClose}>✕</button></header>
      <div class="modal-body">${children}</div>
      ${footer ? html`<footer class="modal-foot">${footer}</footer>` : null}
    </div>
  </div>`;
}

export function Progress({ value, label }) {
  const pct = Math.max(0, Math.min(1, Number(value) || 0));
  return html`<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${Math.round(pct * 100)} aria-label=${label}>
    <div class="progress-bar" style=${{ width: `${(pct * 100).toFixed(1)}%` }}></div>
    <span class="progress-label">${label} ${Math.round(pct * 100)}%</span>
  </div>`;
}

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

export function JobProgress({ jobId, onDone }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    let timer = null;
    const poll = async () => {
      try {
        const current = await api("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
        if (!live) return;
        setJob(current);
        if (FINISHED.has(current.status)) {
          if (onDone) onDone(current);
          return;
        }
      } catch (err) {
        if (!live) return;
        setError(err);
      }
      timer = setTimeout(poll, 700);
    };
    poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId]);
  if (!job) return error ? html`<${ErrorBox} error=${error} />` : html`<${Loading} />`;
  const stage = tr(job.stage_zh || "", job.stage_en || "");
  return html`<div class="job" data-testid="job" data-status=${job.status}>
    <div class="job-head"><strong>${tr(job.title_zh, job.title_en)}</strong> <${StatusBadge} status=${job.status} /></div>
    ${job.status === "failed"
      ? html`<${ErrorBox} error=${tr(job.error_zh || "失败", job.error_en || "failed")} />`
      : html`<${Progress} value=${job.status === "succeeded" ? 1 : job.progress} label=${stage} />`}
    ${FINISHED.has(job.status) ? null : html`<${Button} kind="link" onClick=${async () => {
      try { await api("POST", `/api/jobs/${encodeURIComponent(jobId)}/cancel`); } catch (err) { setError(err); }
    }}>${tr("取消", "Cancel")}<//>`}
    <${ErrorBox} error=${error} />
  </div>`;
}

// ---- toasts ------------------------------------------------------------------------
export function notify(message, tone = "ok") {
  let holder = document.getElementById("toasts");
  if (!holder) {
    holder = document.createElement("div");
    holder.id = "toasts";
    holder.setAttribute("role", "status");
    holder.setAttribute("aria-live", "polite");
    document.body.appendChild(holder);
  }
  const toast = document.createElement("div");
  toast.className = `toast toast-${tone}`;
  toast.textContent = message;
  holder.appendChild(toast);
  setTimeout(() => toast.remove(), 5000);
}

// ---- charts and graphs (loaded on first use) ----------------------------------------
let echartsModule = null;
let cytoscapeModule = null;

export function Chart({ option, height = 320, testid, label }) {
  const ref = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    let live = true;
    let observer = null;
    (async () => {
      echartsModule = echartsModule || (await import("../vendor/echarts.mjs"));
      if (!live || !ref.current) return;
      chart.current = chart.current || echartsModule.init(ref.current, null, { renderer: "canvas" });
      chart.current.setOption(option, true);
      observer = new ResizeObserver(() => chart.current && chart.current.resize());
      observer.observe(ref.current);
    })();
    return () => {
      live = false;
      if (observer) observer.disconnect();
    };
  }, [JSON.stringify(option)]);
  useEffect(() => () => chart.current && chart.current.dispose(), []);
  return html`<div class="chart" ref=${ref} role="img" aria-label=${label} data-testid=${testid}
    style=${{ height: `${height}px` }}></div>`;
}

export function Graph({ elements, height = 360, layout = "cose", testid, label, onTap }) {
  const ref = useRef(null);
  useEffect(() => {
    let live = true;
    let cy = null;
    (async () => {
      cytoscapeModule = cytoscapeModule || (await import("../vendor/cytoscape.mjs"));
      if (!live || !ref.current) return;
      cy = cytoscapeModule.default({
        container: ref.current,
        elements,
        layout: { name: layout, animate: false },
        style: [
          { selector: "node", style: { label: "data(label)", "font-size": 11, "text-wrap": "wrap",
            "text-max-width": 120, "background-color": "data(color)", width: 22, height: 22 } },
          { selector: "edge", style: { label: "data(label)", "font-size": 9, width: 1.5,
            "line-color": "#8a9bb0", "curve-style": "bezier", "text-rotation": "autorotate" } },
        ],
      });
      if (onTap) cy.on("tap", "node", (event) => onTap(event.target.data()));
    })();
    return () => {
      live = false;
      if (cy) cy.destroy();
    };
  }, [JSON.stringify(elements)]);
  return html`<div class="graph" ref=${ref} role="img" aria-label=${label} data-testid=${testid}
    style=${{ height: `${height}px` }}></div>`;
}

export { fmtDateTime };
