// 一本账 (the ledger): what the caller's units did, in tiles, charts and a per-unit table.
// Figures come from GET /api/ledger (SQL aggregates over the caller's row scope).
import { html, useState, useEffect, useRef, tr, useApi, can, me, qs, fmtNum, fmtPct } from "../core.js";
import { Page, Card, Chart, Table, ErrorBox, Loading, Empty, Button, Select } from "../ui.js";

// The platform's palette for charts: brand red, blue, green, amber, violet, slate.
export const PALETTE = ["#a4161a", "#1f5fa8", "#1e7b45", "#d08c00", "#6b4fa3", "#5b6878", "#0f8b8d"];
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

export function baseOption() {
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    animation: false,
    tooltip: { trigger: "axis" },
  };
}

function label(labels, kind, key) {
  const known = labels && labels[kind] && labels[kind][key];
  return known ? tr(known.zh, known.en) : key;
}

function Tile({ name, value, sub, tone, testid }) {
  return html`<div class=${`stat ledger-tile${tone ? ` ledger-tile-${tone}` : ""}`} data-testid=${testid}>
    <div class="label">${name}</div>
    <div class="value">${value}</div>
    ${sub ? html`<div class="ledger-sub">${sub}</div>` : null}
  </div>`;
}

function Tiles({ totals }) {
  const t = totals;
  return html`<div class="stats ledger-tiles" data-testid="ledger-tiles">
    <${Tile} testid="tile-clues" name=${tr("线索", "Clues")} value=${fmtNum(t.clues)}
      sub=${tr(`待核查 ${fmtNum(t.clues_by_status.pending)}`, `${fmtNum(t.clues_by_status.pending)} to verify`)} />
    <${Tile} testid="tile-verification" name=${tr("核查率", "Verification rate")} value=${fmtPct(t.verification_rate)}
      sub=${tr(`已核查 ${fmtNum(t.verified)}`, `${fmtNum(t.verified)} verified`)} />
    <${Tile} testid="tile-confirmation" name=${tr("成案率", "Confirmation rate")} value=${fmtPct(t.confirmation_rate)}
      sub=${tr(`成案 ${fmtNum(t.confirmed)} · 不成案 ${fmtNum(t.rejected)}`,
               `${fmtNum(t.confirmed)} confirmed · ${fmtNum(t.rejected)} rejected`)} />
    <${Tile} testid="tile-cases" name=${tr("监督案件", "Cases")} value=${fmtNum(t.cases)}
      sub=${tr(`文书 ${fmtNum(t.documents)} 份`, `${fmtNum(t.documents)} documents`)} />
    <${Tile} testid="tile-rectified" name=${tr("回复 / 整改", "Replies / rectified")}
      value=${`${fmtNum(t.replies)} / ${fmtNum(t.rectified)}`}
      sub=${tr(`整改率 ${fmtPct(t.rectification_rate)}`, `rectification ${fmtPct(t.rectification_rate)}`)} />
    <${Tile} testid="tile-overdue" tone=${t.clues_overdue + t.cases_overdue > 0 ? "bad" : ""}
      name=${tr("逾期", "Overdue")} value=${fmtNum(t.clues_overdue + t.cases_overdue)}
      sub=${tr(`线索 ${fmtNum(t.clues_overdue)} · 案件 ${fmtNum(t.cases_overdue)}`,
               `${fmtNum(t.clues_overdue)} clues · ${fmtNum(t.cases_overdue)} cases`)} />
    <${Tile} testid="tile-models" name=${tr("模型（使用 / 可用）", "Models (used / available)")}
      value=${`${fmtNum(t.models_used)} / ${fmtNum(t.models_available)}`}
      sub=${tr(`运行 ${fmtNum(t.runs)} 次 · 命中 ${fmtNum(t.hits)}`, `${fmtNum(t.runs)} runs · ${fmtNum(t.hits)} hits`)} />
    <${Tile} testid="tile-transfers" name=${tr("流转（发出 / 接收）", "Transfers (sent / accepted)")}
      value=${`${fmtNum(t.transfers_sent)} / ${fmtNum(t.transfers_accepted)}`}
      sub=${tr(`待接收 ${fmtNum(t.transfers_pending)} · 退回 ${fmtNum(t.transfers_returned)}`,
               `${fmtNum(t.transfers_pending)} waiting · ${fmtNum(t.transfers_returned)} returned`)} />
  </div>`;
}

function trendOption(months) {
  const series = [
    ["clues", "发现线索", "clues found"],
    ["verified", "核查", "verified"],
    ["confirmed", "成案", "confirmed"],
    ["cases", "立案", "cases opened"],
    ["documents", "文书", "documents"],
  ];
  return {
    ...baseOption(),
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: months.map((m) => m.month) },
    // Clues found (the volume) as bars on the left axis; the work done on them, far
    // fewer, as lines on the right axis, so both stay readable.
    yAxis: [
      { type: "value", minInterval: 1, name: tr("线索", "clues"), nameTextStyle: { align: "left" } },
      { type: "value", minInterval: 1, name: tr("核查 / 案件", "work"), splitLine: { show: false },
        nameTextStyle: { align: "right" } },
    ],
    series: series.map(([key, zh, en]) => (key === "clues"
      ? { name: tr(zh, en), type: "bar", barMaxWidth: 28, itemStyle: { opacity: 0.85 },
          data: months.map((m) => m[key]) }
      : { name: tr(zh, en), type: "line", yAxisIndex: 1, symbolSize: 6,
          data: months.map((m) => m[key]) })),
  };
}

function statusOption(totals, labels) {
  const data = Object.entries(totals.clues_by_status)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => ({ name: label(labels, "clue_status", status), value: n }));
  return {
    ...baseOption(),
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: {
      orient: "vertical", left: 0, top: "middle",
      formatter: (name) => `${name}  ${(data.find((d) => d.name === name) || {}).value ?? ""}`,
    },
    series: [{
      name: tr("线索状态", "Clue status"), type: "pie", radius: ["45%", "72%"], center: ["64%", "50%"],
      itemStyle: { borderColor: "#fff", borderWidth: 2 },
      minShowLabelAngle: 12,
      label: { formatter: "{b}\n{d}%" },
      data,
    }],
  };
}

function unitsOption(perUnit) {
  const names = perUnit.map((u) => u.unit_name);
  const bar = (key, zh, en) => ({
    name: tr(zh, en), type: "bar", data: perUnit.map((u) => u[key]), barMaxWidth: 22,
  });
  return {
    ...baseOption(),
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 130, overflow: "truncate" } },
    series: [
      bar("clues", "线索", "clues"),
      bar("confirmed", "成案", "confirmed"),
      bar("cases", "案件", "cases"),
      bar("documents", "文书", "documents"),
    ],
  };
}

function typesOption(perUnit, totals, labels) {
  // One bar per case type, stacked by unit: which unit made which kind of case.
  const types = Object.keys(totals.cases_by_type);
  return {
    ...baseOption(),
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: types.map((t) => label(labels, "case_type", t)),
      axisLabel: { interval: 0, width: 84, overflow: "break" } },
    yAxis: { type: "value", minInterval: 1 },
    series: perUnit.map((u) => ({
      name: u.unit_name, type: "bar", stack: "cases", barMaxWidth: 40,
      data: types.map((t) => u.cases_by_type[t] || 0),
    })),
  };
}

const RATE = (key) => (row) => fmtPct(row[key]);
const NUM = (key) => (row) => fmtNum(row[key]);

function unitColumns() {
  const num = (key, zh, en) => ({ key, label: tr(zh, en), render: NUM(key), className: "num" });
  return [
    { key: "unit_name", label: tr("单位", "Unit"), className: "ledger-unit-name" },
    num("clues", "线索", "Clues"),
    num("verified", "已核查", "Verified"),
    num("confirmed", "成案", "Confirmed"),
    { key: "verification_rate", label: tr("核查率", "Verif. rate"), render: RATE("verification_rate"), className: "num" },
    { key: "confirmation_rate", label: tr("成案率", "Conf. rate"), render: RATE("confirmation_rate"), className: "num" },
    { key: "transfers", label: tr("流转 发出/接收", "Transfers sent/acc."), className: "num",
      render: (r) => `${fmtNum(r.transfers_sent)} / ${fmtNum(r.transfers_accepted)}` },
    num("cases", "案件", "Cases"),
    num("documents", "文书", "Documents"),
    num("replies", "回复", "Replies"),
    num("rectified", "整改", "Rectified"),
    { key: "overdue", label: tr("逾期", "Overdue"), className: "num",
      render: (r) => fmtNum(r.clues_overdue + r.cases_overdue) },
    { key: "runs", label: tr("运行/命中", "Runs/hits"), className: "num",
      render: (r) => `${fmtNum(r.runs)} / ${fmtNum(r.hits)}` },
  ];
}

function Welcome() {
  const caller = me();
  const links = [
    ["users.manage", "#/admin", "管理用户与单位", "Manage users and units"],
    ["audit.read", "#/audit", "查看与校验审计日志", "Read and verify the audit log"],
    ["datasets.import", "#/import", "导入数据", "Import data"],
    ["datasets.read", "#/data", "浏览数据资源", "Browse the data resources"],
    ["models.read", "#/models", "监督模型库", "The model library"],
    ["clues.read", "#/clues", "线索", "Clues"],
    [null, "#/api", "接口文档", "API documentation"],
  ].filter(([permission]) => !permission || can(permission));
  return html`<${Page} title=${tr("工作台", "Home")}>
    <${Card} title=${tr(`欢迎，${caller.display_name}`, `Welcome, ${caller.display_name}`)}>
      <p class="muted">${tr("一本账汇总监督案件与线索，需要“查看案件”权限。您可以：",
        "The ledger sums up cases and clues and needs the 'read cases' permission. You can:")}</p>
      <ul class="ledger-links">
        ${links.map(([, href, zh, en]) => html`<li><a href=${href}>${tr(zh, en)}</a></li>`)}
      </ul>
    <//>
  <//>`;
}

export default function Home({ query }) {
  return can("cases.read") ? html`<${Ledger} query=${query} />` : html`<${Welcome} />`;
}

function Ledger({ query }) {
  const [filters, setFilters] = useState({ from: query.from || "", to: query.to || "", unit: query.unit || "" });
  const { data, error, loading, reload } = useApi(`/api/ledger${qs(filters)}`);
  // The last answer, so the filters keep their options while a new one loads or fails.
  const last = useRef(null);
  if (data) last.current = data;
  const shown = data || last.current;
  // Keep the filters in the address (to bookmark or share) without reloading the screen:
  // only when they change, and only while the address is still this screen's (the user
  // may have moved on before this effect ran; rewriting it would pull them back).
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    const here = location.hash.replace(/^#/, "") || "/";
    if (here === "/" || here.startsWith("/?")) history.replaceState(null, "", `#/${qs(filters)}`);
  }, [filters.from, filters.to, filters.unit]);
  const apply = (next) => setFilters((old) => ({ ...old, ...next }));
  const filterBar = html`<div class="row ledger-filters">
    <label class="ledger-filter" for="ledger-from">${tr("自", "From")}
      <input id="ledger-from" type="date" value=${filters.from || (shown ? shown.range.from : "")}
        onChange=${(e) => apply({ from: e.target.value })} /></label>
    <label class="ledger-filter" for="ledger-to">${tr("至", "To")}
      <input id="ledger-to" type="date" value=${filters.to || (shown ? shown.range.to : "")}
        onChange=${(e) => apply({ to: e.target.value })} /></label>
    <${Select} id="ledger-unit" label=${tr("单位", "Unit")} value=${filters.unit}
      onChange=${(value) => apply({ unit: value })}
      options=${[{ value: "", label: tr("全部可见单位", "All my units") }].concat(
        (shown ? shown.units : []).map((u) => ({ value: u.id, label: u.name })))} />
    <${Button} onClick=${reload} testid="ledger-reload">${tr("刷新", "Refresh")}<//>
  </div>`;
  const title = tr("一本账", "Ledger");
  if (error) return html`<${Page} title=${title} actions=${filterBar}><${ErrorBox} error=${error} /><//>`;
  if (!data) return html`<${Page} title=${title} actions=${filterBar}><${Loading} /><//>`;
  const { totals, per_unit: perUnit, months, labels } = data;
  const scope = data.unit
    ? (data.units.find((u) => u.id === data.unit) || {}).name
    : tr(`${perUnit.length} 个单位`, `${perUnit.length} unit${perUnit.length === 1 ? "" : "s"}`);
  return html`<${Page} title=${title} actions=${filterBar}>
    <p class="muted ledger-caption" data-testid="ledger-caption">
      ${tr(`${data.range.from} 至 ${data.range.to} · ${scope}`, `${data.range.from} to ${data.range.to} · ${scope}`)}
      ${loading ? html` · ${tr("更新中…", "updating…")}` : null}</p>
    <${Tiles} totals=${totals} />
    <div class="ledger-charts">
      <${Card} title=${tr("月度趋势", "Month by month")} testid="card-trend">
        <${Chart} option=${trendOption(months)} height=${280} testid="chart-trend"
          label=${tr("每月发现线索、核查、成案、立案和文书数量", "clues found, verified, confirmed, cases and documents per month")} />
      <//>
      <${Card} title=${tr("线索状态", "Clue status")} testid="card-status">
        ${totals.clues
          ? html`<${Chart} option=${statusOption(totals, labels)} height=${280} testid="chart-status"
              label=${tr("线索按状态分布", "clues by status")} />`
          : html`<${Empty}>${tr("此期间没有线索", "No clues in this period")}<//>`}
      <//>
      <${Card} title=${tr("各单位", "By unit")} testid="card-units">
        <${Chart} option=${unitsOption(perUnit)} height=${Math.max(220, 60 + perUnit.length * 56)} testid="chart-units"
          label=${tr("各单位线索、成案、案件和文书数量", "clues, confirmed, cases and documents per unit")} />
      <//>
      <${Card} title=${tr("案件类型", "Cases by type")} testid="card-types">
        ${totals.cases
          ? html`<${Chart} option=${typesOption(perUnit, totals, labels)} height=${Math.max(220, 60 + perUnit.length * 56)}
              testid="chart-types" label=${tr("监督案件按类型", "supervision cases by type")} />`
          : html`<${Empty}>${tr("此期间没有立案", "No cases opened in this period")}<//>`}
      <//>
    </div>
    <${Card} title=${tr("分单位明细", "Per unit")}>
      <${Table} testid="ledger-units" rowKey="unit_id" columns=${unitColumns()} rows=${perUnit}
        onRow=${perUnit.length > 1 ? (row) => apply({ unit: row.unit_id }) : undefined} />
    <//>
  <//>`;
}
