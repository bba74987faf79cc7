// 运行详情 — one model run: who ran which version with which parameters over which
// batches, the funnel, hits per rule branch, the hits (masked) and the clues it made.
import { html, useEffect, tr, useApi, can, qs, fmtNum, fmtDateTime } from "../core.js";
import { Page, Card, ErrorBox, Loading, KeyValue, StatusBadge, Table, Chart } from "../ui.js";
import { Funnel, HitsTable, fmtDuration } from "./model_parts.js";

function paramText(value) {
  if (Array.isArray(value)) return value.join("、");
  if (typeof value === "boolean") return value ? tr("是", "yes") : tr("否", "no");
  return String(value);
}

export default function RunPage({ params }) {
  const id = encodeURIComponent(params.id);
  const { data: run, error, loading, reload } = useApi(params.id ? `/api/runs/${id}` : null);
  const hits = useApi(run && run.status === "succeeded" ? `/api/runs/${id}/hits${qs({ limit: 100 })}` : null, [run && run.status]);
  useEffect(() => {
    if (!run || run.status !== "running") return undefined;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [run]);

  if (loading && !run) return html`<${Loading} />`;
  if (error) return html`<${Page} title=${tr("模型运行", "Model run")}><${ErrorBox} error=${error} /><//>`;
  if (!run) return null;

  const branchOption = {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: run.branches.map((b) => tr(b.name_zh, b.name_en)) },
    series: [{ type: "bar", data: run.branches.map((b) => b.hits), barMaxWidth: 26,
      itemStyle: { color: "#a4161a" }, label: { show: true, position: "right" } }],
  };
  const cluesLink = `#/clues${qs({ model_id: run.model_id })}`;
  return html`<${Page} title=${tr(`运行 ${run.id}`, `Run ${run.id}`)}>
    <div class="grid">
      <${Card} title=${tr("概况", "Summary")} testid="run-summary">
        <${KeyValue} items=${[
          [tr("模型", "Model"), html`<a href=${`#/models/${run.model_id}?version=${run.model_version}`}>${tr(run.model.name_zh, run.model.name_en)}</a>
            <span class="muted mono"> ${run.model_id} v${run.model_version}</span>`],
          [tr("状态", "Status"), html`<span data-testid="run-status"><${StatusBadge} status=${run.status} /></span>`],
          [tr("命中", "Hits"), run.hit_count === null ? "—" : html`<strong data-testid="run-hits">${fmtNum(run.hit_count)}</strong>`],
          [tr("开始", "Started"), fmtDateTime(run.started_at)],
          [tr("耗时", "Duration"), fmtDuration(run.duration_ms)],
          [tr("运行人", "Run by"), run.created_by || tr("命令行", "command line")],
          [tr("参数", "Parameters"), html`<ul class="model-datasets">${Object.entries(run.params).map(([k, v]) => html`<li><span class="mono">$${k}</span> = ${paramText(v)}</li>`)}</ul>`],
          [tr("读取的数据", "Data read"), html`<ul class="model-datasets">${run.datasets.map((d) => html`<li>${tr(d.name_zh, d.name_en)}
            <span class="muted">${tr(`${d.batches.length} 个批次`, `${d.batches.length} batches`)}</span></li>`)}</ul>`],
          [tr("线索", "Clues"), can("clues.read")
            ? html`<a href=${cluesLink} data-testid="run-clues">${tr(`本次新增 ${run.clues.new} 条，最近一次由本次更新 ${run.clues.last_seen} 条 — 查看线索`,
                `${run.clues.new} new, ${run.clues.last_seen} last updated by this run — open the clues`)}</a>`
            : tr(`新增 ${run.clues.new} 条`, `${run.clues.new} new`)],
        ]} />
        ${run.error ? html`<${ErrorBox} error=${tr(run.error.zh, run.error.en)} />` : null}
      <//>
      ${run.branches.length ? html`<${Card} title=${tr("各规则分支命中数", "Hits per rule branch")} testid="run-branches">
      ${run.branches.length > 1 ? html`<${Chart} option=${branchOption} height=${Math.max(120, 40 * run.branches.length + 30)}
        label=${tr("各分支命中数", "hits per branch")} />` : null}
      <${Table} rows=${run.branches} columns=${[
        { key: "id", label: tr("分支", "Branch"), render: (b) => html`<span class="mono">${b.id}</span>` },
        { key: "name", label: tr("名称", "Name"), render: (b) => tr(b.name_zh, b.name_en) },
        { key: "hits", label: tr("命中", "Hits"), className: "num", render: (b) => fmtNum(b.hits) },
      ]} />
    <//>` : null}
    </div>
    <${Card} title=${tr("漏斗（每一步的行数）", "Funnel (rows per step)")} testid="run-funnel">
      ${run.funnel.length ? html`<${Funnel} funnel=${run.funnel} testid="run-funnel-view" />`
        : html`<span class="muted">${tr("运行完成后显示", "shown once the run is done")}</span>`}
    <//>
    ${run.status === "succeeded" ? html`<${Card} title=${tr("命中结果（前 100 条，个人信息已脱敏）", "Hits (first 100, personal data masked)")} testid="run-hits-card">
      ${hits.loading && !hits.data ? html`<${Loading} />` : null}
      <${ErrorBox} error=${hits.error} />
      ${hits.data ? html`<${HitsTable} columns=${hits.data.columns} rows=${hits.data.rows} testid="run-hits-table" />` : null}
    <//>` : null}
  <//>`;
}
