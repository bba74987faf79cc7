// 模型排行 (model leaderboard): models ranked by confirmed clues, precision, cases and
// rectification, over the clues the caller may read (GET /api/ledger/leaderboard).
import { html, useState, tr, useApi, fmtNum, fmtPct } from "../core.js";
import { Page, Card, Chart, Table, ErrorBox, Loading, Empty, Select } from "../ui.js";
import { baseOption } from "./home.js";

const SORTS = [
  ["confirmed", "按成案数", "by confirmed clues"],
  ["precision", "按成案率", "by precision"],
  ["cases", "按案件数", "by cases"],
  ["rectified", "按整改数", "by rectification"],
];

function name(row) {
  return tr(row.name_zh, row.name_en);
}

function chartOption(rows) {
  const top = rows.slice(0, 12);
  return {
    ...baseOption(),
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 48, top: 56, bottom: 8, containLabel: true },
    xAxis: [
      { type: "value", minInterval: 1 },
      { type: "value", min: 0, max: 100, position: "top", splitLine: { show: false },
        axisLabel: { formatter: "{value}%" } },
    ],
    yAxis: {
      type: "category", inverse: true, data: top.map(name),
      axisLabel: { width: 180, overflow: "truncate" },
    },
    series: [
      { name: tr("线索", "clues"), type: "bar", data: top.map((r) => r.clues), barMaxWidth: 16 },
      { name: tr("成案", "confirmed"), type: "bar", data: top.map((r) => r.confirmed), barMaxWidth: 16 },
      { name: tr("案件", "cases"), type: "bar", data: top.map((r) => r.cases), barMaxWidth: 16 },
      {
        name: tr("成案率 %", "precision %"), type: "scatter", xAxisIndex: 1, symbolSize: 12,
        data: top.map((r) => (r.precision === null ? null : Math.round(r.precision * 1000) / 10)),
      },
    ],
  };
}

function Share({ value }) {
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="bar-cell"><span class="bar" style=${{ width: `${Math.round(value * 80)}px` }}></span>
    ${fmtPct(value)}</span>`;
}

const num = (key, zh, en) => ({ key, label: tr(zh, en), className: "num", render: (r) => fmtNum(r[key]) });

export default function Leaderboard({ query }) {
  const [sort, setSort] = useState(query.sort || "confirmed");
  const { data, error } = useApi(`/api/ledger/leaderboard?sort=${encodeURIComponent(sort)}`);
  const actions = html`<${Select} id="leaderboard-sort" label=${tr("排序", "Sort")} value=${sort}
    onChange=${(value) => { setSort(value); history.replaceState(null, "", `#/leaderboard?sort=${value}`); }}
    options=${SORTS.map(([value, zh, en]) => ({ value, label: tr(zh, en) }))} />`;
  const title = tr("模型排行", "Model leaderboard");
  if (error) return html`<${Page} title=${title} actions=${actions}><${ErrorBox} error=${error} /><//>`;
  if (!data) return html`<${Page} title=${title} actions=${actions}><${Loading} /><//>`;
  const columns = [
    { key: "rank", label: tr("名次", "Rank"), render: (r) => html`<span class=${`rank rank-${r.rank}`}>${r.rank}</span>` },
    { key: "name", label: tr("模型", "Model"),
      render: (r) => html`<a href=${`#/models/${encodeURIComponent(r.model_id)}`}>${name(r)}</a>
        <div class="muted mono">${r.model_id}</div>` },
    num("clues", "线索", "Clues"),
    num("verified", "已核查", "Verified"),
    num("confirmed", "成案", "Confirmed"),
    num("rejected", "不成案", "Rejected"),
    { key: "precision", label: tr("成案率", "Precision"), render: (r) => html`<${Share} value=${r.precision} />` },
    num("cases", "案件", "Cases"),
    num("documents", "文书", "Documents"),
    num("rectified", "整改", "Rectified"),
    { key: "rectification_rate", label: tr("整改率", "Rectification"),
      render: (r) => html`<${Share} value=${r.rectification_rate} />` },
  ];
  return html`<${Page} title=${title} actions=${actions}>
    <p class="muted">${tr(
      "成案率 = 成案 ÷ 已核查（成案 + 不成案）；整改率 = 被监督单位回复已整改的案件 ÷ 案件。只统计本人可以查看的线索。",
      "Precision = confirmed ÷ verified (confirmed + rejected); rectification = cases whose supervised unit reported rectification ÷ cases. Only the clues you may read count.")}</p>
    ${data.length === 0
      ? html`<${Empty}>${tr("还没有线索：运行模型后这里会出现排行。", "No clues yet: run a model and the ranking appears here.")}<//>`
      : html`
        <${Card} title=${tr("前 12 名", "Top 12")} testid="card-leaderboard-chart">
          <${Chart} option=${chartOption(data)} height=${Math.max(240, 70 + Math.min(data.length, 12) * 42)}
            testid="chart-leaderboard" label=${tr("各模型线索、成案、案件数与成案率", "clues, confirmed, cases and precision per model")} />
        <//>
        <${Card} title=${tr("排行榜", "Ranking")}>
          <${Table} testid="leaderboard-table" rowKey="model_id" columns=${columns} rows=${data} />
        <//>`}
  <//>`;
}
