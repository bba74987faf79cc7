// 模型运行 — recent model runs the caller may see (running ones included) and the caller's
// own run jobs (a job starts before its run exists, and a run finishing belongs to the unit
// only once it is done); status, model, hits, duration. Refreshes while anything runs.
import { html, useState, useEffect, useMemo, tr, useApi, navigate, fmtNum, fmtDateTime } from "../core.js";
import { Page, Card, Table, ErrorBox, Loading, Select, StatusBadge, Progress } from "../ui.js";
import { fmtDuration } from "./model_parts.js";

const ACTIVE = new Set(["queued", "running"]);

export default function Runs({ query }) {
  const runs = useApi("/api/runs?limit=200");
  // One request at a time: the jobs follow each answer about the runs.
  const jobs = useApi(runs.data ? "/api/jobs?kind=model.run&limit=20" : null, [runs.data]);
  const [status, setStatus] = useState(query.status || "");
  const [text, setText] = useState(query.model || "");
  const busy = (runs.data || []).some((r) => r.status === "running")
    || (jobs.data || []).some((j) => ACTIVE.has(j.status));
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setInterval(runs.reload, 3000);
    return () => clearInterval(timer);
  }, [busy]);
  const rows = useMemo(() => (runs.data || []).filter((r) => (!status || r.status === status)
    && (!text || [r.model_id, r.model_name_zh, r.model_name_en].some((v) => v && v.toLowerCase().includes(text.trim().toLowerCase())))), [runs.data, status, text]);

  const jobColumns = [
    { key: "title", label: tr("任务", "Job"), render: (j) => tr(j.title_zh, j.title_en) },
    { key: "status", label: tr("状态", "Status"), render: (j) => html`<${StatusBadge} status=${j.status} />` },
    { key: "progress", label: tr("进度", "Progress"), render: (j) => (ACTIVE.has(j.status)
      ? html`<${Progress} value=${j.progress} label=${tr(j.stage_zh || "", j.stage_en || "")} />`
      : j.status === "failed" ? html`<span class="muted">${tr(j.error_zh || "", j.error_en || "")}</span>` : "") },
    { key: "created", label: tr("发起时间", "Started"), render: (j) => fmtDateTime(j.created_at) },
    { key: "run", label: tr("运行", "Run"), render: (j) => (j.result && j.result.run_id
      ? html`<a href=${`#/runs/${j.result.run_id}`} class="mono">${j.result.run_id}</a>` : "—") },
  ];
  const columns = [
    { key: "id", label: tr("运行", "Run"), render: (r) => html`<a href=${`#/runs/${r.id}`} class="mono"
        data-testid=${`run-link-${r.id}`}>${r.id}</a>` },
    { key: "model", label: tr("模型", "Model"), render: (r) => html`<a href=${`#/models/${r.model_id}`}>${tr(r.model_name_zh, r.model_name_en)}</a>
        <div class="muted mono">${r.model_id} v${r.model_version}</div>` },
    { key: "status", label: tr("状态", "Status"), render: (r) => html`<${StatusBadge} status=${r.status} />` },
    { key: "hits", label: tr("命中", "Hits"), className: "num", render: (r) => (r.hit_count === null ? "—" : fmtNum(r.hit_count)) },
    { key: "started", label: tr("开始", "Started"), render: (r) => fmtDateTime(r.started_at) },
    { key: "duration", label: tr("耗时", "Duration"), className: "num", render: (r) => fmtDuration(r.duration_ms) },
    { key: "by", label: tr("运行人", "Run by"), render: (r) => r.created_by || tr("命令行", "command line") },
  ];

  return html`<${Page} title=${tr("模型运行", "Model runs")}>
    ${jobs.data && jobs.data.length ? html`<${Card} title=${tr("运行任务（本人及本院发起）", "Run jobs (mine and my units')")} testid="run-jobs">
      <${Table} rows=${jobs.data} columns=${jobColumns} testid="run-jobs-table" />
    <//>` : null}
    <${ErrorBox} error=${jobs.error} />
    <div class="model-filters" role="search">
      <input id="runs-model" type="search" value=${text} aria-label=${tr("按模型筛选（名称或编号）", "Filter by model (name or id)")}
        placeholder=${tr("模型名称或编号…", "model name or id…")} onInput=${(e) => setText(e.target.value)} />
      <${Select} id="runs-status" label=${tr("按状态筛选", "Filter by status")} value=${status} onChange=${setStatus}
        options=${[{ value: "", label: tr("全部状态", "Any status") },
          ...["running", "succeeded", "failed"].map((s) => ({ value: s, label: tr({ running: "运行中", succeeded: "成功", failed: "失败" }[s], s) }))]} />
      ${busy ? html`<span class="muted">${tr("有运行进行中，自动刷新", "runs in progress; refreshing")}</span>` : null}
    </div>
    ${runs.loading && !runs.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${runs.error} />
    ${runs.data ? html`<${Table} testid="runs-table" rows=${rows} columns=${columns}
      onRow=${(r) => navigate(`/runs/${r.id}`)} empty=${tr("暂无运行记录", "No runs yet")} />` : null}
  <//>`;
}
