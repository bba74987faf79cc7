// Pieces shared by the model screens (library, model, builder, runs, run): names, the
// funnel chart, hits tables, parameter inputs. Not a screen of its own.
import { html, tr, fmtNum } from "../core.js";
import { Chart, Table, Badge, Field } from "../ui.js";

export function modelName(model) {
  return model ? tr(model.name_zh, model.name_en) : "";
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

const ORIGIN = { library: ["内置", "built-in", "info"], imported: ["自建", "stored", "ok"] };

export function OriginBadge({ origin }) {
  const known = ORIGIN[origin] || [origin, origin, "muted"];
  return html`<${Badge} tone=${known[2]}>${tr(known[0], known[1])}<//>`;
}

export const SEVERITY_LABELS = { low: ["低", "low"], medium: ["中", "medium"], high: ["高", "high"] };
export const SUBJECT_LABELS = {
  person: ["自然人", "person"], org: ["单位", "organisation"], case: ["案件", "case"],
  incident: ["警情/事件", "incident"], auction: ["拍卖", "auction"], group: ["群体", "group"],
  other: ["其他", "other"],
};
export const PARAM_TYPE_LABELS = {
  int: ["整数", "integer"], decimal: ["数值", "decimal"], text: ["文本", "text"],
  date: ["日期", "date"], bool: ["是/否", "yes/no"], text_list: ["词语列表", "word list"],
};
export const JOIN_LABELS = {
  inner: ["内连接（两边都有）", "inner (match on both sides)"],
  left: ["左连接（保留左边全部）", "left (keep every left row)"],
  exists: ["存在匹配（只保留有匹配的行）", "exists (keep rows with a match)"],
  not_exists: ["不存在匹配（只保留无匹配的行）", "not exists (keep rows without a match)"],
};

export function label(table, key) {
  const known = table[key];
  return known ? tr(known[0], known[1]) : key;
}

// Rows per step as a horizontal bar chart (a join can add rows, so bars, not a funnel
// shape), with the numbers in a table beside it for screen readers and for copying.
export function Funnel({ funnel, testid = "funnel", height }) {
  if (!funnel || funnel.length === 0) return null;
  const names = funnel.map((f) => tr(f.label_zh || f.step, f.label_en || f.step));
  const option = {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: names.slice().reverse(),
      axisLabel: { width: 220, overflow: "truncate" } },
    series: [{
      type: "bar", data: funnel.map((f) => f.rows).reverse(), barMaxWidth: 26,
      itemStyle: { color: "#1f5fa8" }, label: { show: true, position: "right" },
    }],
  };
  return html`<div class="funnel" data-testid=${testid}>
    <${Chart} option=${option} height=${height || Math.max(140, 44 * funnel.length + 30)}
      label=${tr("漏斗：每一步的行数", "Funnel: rows per step")} testid=${`${testid}-chart`} />
    <${Table} testid=${`${testid}-table`} rowKey="step" rows=${funnel} columns=${[
      { key: "step", label: tr("步骤", "Step"), render: (f) => html`<span class="mono">${f.step}</span>` },
      { key: "label", label: tr("说明", "Meaning"), render: (f) => tr(f.label_zh || "", f.label_en || "") },
      { key: "rows", label: tr("行数", "Rows"), className: "num", render: (f) => fmtNum(f.rows) },
    ]} />
  </div>`;
}

// Text a funnel as "pay 12 → big 12 → persons 1" (run history rows).
export function funnelText(funnel) {
  if (!funnel || funnel.length === 0) return "—";
  return funnel.map((f) => `${f.step} ${fmtNum(f.rows)}`).join(" → ");
}

function cell(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const HIT_COLUMNS = {
  branch: ["分支", "Branch"], subject_type: ["主体类型", "Subject type"], subject_key: ["主体", "Subject"],
  title: ["标题", "Title"], severity: ["严重程度", "Severity"],
};

function hitCell(column, value) {
  if (column === "severity") return label(SEVERITY_LABELS, value);
  if (column === "subject_type") return label(SUBJECT_LABELS, value);
  return cell(value);
}

// Hits as the API answers them (masked): columns and rows.
export function HitsTable({ columns, rows, testid = "hits", empty }) {
  const shown = (columns || []).filter((c) => c !== "evidence");
  return html`<${Table} testid=${testid} rows=${(rows || []).map((r, i) => ({ ...r, _i: i }))}
    rowKey="_i" empty=${empty || tr("没有命中", "No hits")}
    columns=${shown.map((c) => ({ key: c, label: HIT_COLUMNS[c] ? label(HIT_COLUMNS, c) : c,
      render: (r) => hitCell(c, r[c]) }))} />`;
}

// One input for a model parameter's value, by type; `value` as the API takes it.
export function ParamInput({ param, value, onChange, id }) {
  const text = param.type === "text_list" ? (value || []).join(", ") : value ?? "";
  let input;
  if (param.type === "bool") {
    input = html`<input id=${id} type="checkbox" checked=${!!value}
      onChange=${(e) => onChange(e.target.checked)} />`;
  } else {
    input = html`<input id=${id} type=${param.type === "date" ? "date" : param.type === "int" || param.type === "decimal" ? "number" : "text"}
      step=${param.type === "decimal" ? "any" : undefined} value=${text}
      onInput=${(e) => onChange(parseParam(param.type, e.target.value))} />`;
  }
  return html`<${Field} id=${id} label=${`${tr(param.label_zh, param.label_en)} ($${param.name})`}
    hint=${param.type === "text_list" ? tr("多个词用逗号分隔", "separate words with commas") : null}>${input}<//>`;
}

export function parseParam(type, raw) {
  if (type === "int") return raw === "" ? "" : Number.parseInt(raw, 10);
  if (type === "decimal") return raw;
  if (type === "text_list") return String(raw).split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
  return raw;
}
