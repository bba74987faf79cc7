// One dataset: its fields, its batches (imports), a batch's quality report and rejected
// rows, and the rows themselves (filtered, paged, masked unless unmasked and audited).
import {
  html, useState, useEffect, useMemo, tr, useApi, can, qs, fmtNum, fmtDateTime, fmtPct,
} from "../core.js";
import {
  Page, Card, Table, Tabs, KeyValue, Badge, StatusBadge, ErrorBox, Loading, Empty, Pager, Button,
  Select,
} from "../ui.js";
import { SensitivityBadge, datasetName } from "./datasets.js";

const PII = {
  id: ["身份证号", "ID number", "bad"],
  contact: ["联系方式", "contact", "warn"],
  name: ["姓名", "name", "warn"],
  none: ["非个人信息", "none", "muted"],
};

export function PiiBadge({ value }) {
  const known = PII[value] || [value, value, "muted"];
  return html`<${Badge} tone=${known[2]}>${tr(known[0], known[1])}<//>`;
}

const OPS = [
  ["eq", "等于", "equals"],
  ["ne", "不等于", "not equal"],
  ["contains", "包含", "contains"],
  ["prefix", "开头是", "starts with"],
  ["gt", "大于", "greater than"],
  ["ge", "大于等于", "at least"],
  ["lt", "小于", "less than"],
  ["le", "小于等于", "at most"],
];

function cell(value) {
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function labelOf(fields, name) {
  const field = fields.find((f) => f.name === name);
  return field ? tr(field.label_zh, field.label_en) : name;
}

// ---- fields ------------------------------------------------------------------------------
function FieldsTab({ dataset }) {
  const columns = [
    { key: "name", label: tr("字段名", "Name"), render: (f) => html`<code>${f.name}</code>` },
    { key: "label_zh", label: tr("中文名", "Chinese label") },
    { key: "label_en", label: tr("英文名", "English label") },
    { key: "semantic_type", label: tr("语义类型", "Semantic type"), render: (f) => html`<code>${f.semantic_type}</code>` },
    { key: "pii", label: tr("个人信息类别", "PII class"), render: (f) => html`<${PiiBadge} value=${f.pii} />` },
    { key: "origin", label: tr("来源", "Origin"), render: (f) => ({
      standard: tr("标准字段", "standard"), derived: tr("派生", "derived"),
      extra: tr("附加列（未分类）", "extra (unclassified)") }[f.origin] || f.origin || "") },
  ];
  return html`<${Table} testid="fields-table" columns=${columns} rows=${dataset.fields} rowKey="name" />`;
}

// ---- batches -----------------------------------------------------------------------------
function BatchesTab({ batches, onOpen }) {
  const columns = [
    { key: "id", label: tr("批次", "Batch"), render: (b) => html`<code>${b.id}</code>` },
    { key: "status", label: tr("状态", "Status"), render: (b) => html`<${StatusBadge} status=${b.status} />
        ${b.error ? html`<div class="data-error-line">${tr(b.error.zh, b.error.en)}</div>` : null}` },
    { key: "rows_read", label: tr("读取", "Read"), className: "num", render: (b) => fmtNum(b.rows_read) },
    { key: "rows_accepted", label: tr("通过", "Accepted"), className: "num", render: (b) => fmtNum(b.rows_accepted) },
    { key: "rows_rejected", label: tr("被拒", "Rejected"), className: "num", render: (b) => fmtNum(b.rows_rejected) },
    { key: "source_name", label: tr("来源", "Source"), render: (b) => b.source_name
        || (b.files[0] && b.files[0].name) || "—" },
    { key: "created_at", label: tr("导入时间", "When"), render: (b) => fmtDateTime(b.created_at) },
    { key: "created_by", label: tr("导入人", "By"), render: (b) => b.created_by_name || tr("命令行", "command line") },
    { key: "actions", label: tr("查看", "View"), render: (b) => b.status === "committed" || b.status === "replaced" ? html`
        <${Button} kind="link" testid=${`quality-${b.id}`} onClick=${() => onOpen(b.id, "quality")}>${tr("质量报告", "Quality")}<//>
        ${b.has_rejects ? html`<${Button} kind="link" testid=${`rejects-${b.id}`}
            onClick=${() => onOpen(b.id, "rejects")}>${tr("被拒行", "Rejects")}<//>` : null}` : null },
  ];
  return html`<${Table} testid="batches-table" columns=${columns} rows=${batches}
    empty=${tr("还没有批次", "No batches yet")} />`;
}

function BatchPicker({ batches, value, onChange }) {
  const committed = batches.filter((b) => b.status === "committed");
  return html`<div class="row">
    <label for="batch-pick">${tr("批次", "Batch")}</label>
    <${Select} id="batch-pick" label=${tr("批次", "Batch")} value=${value} onChange=${onChange}
      options=${committed.map((b) => ({ value: b.id,
        label: `${fmtDateTime(b.created_at)} · ${b.source_name || (b.files[0] && b.files[0].name) || b.id}` }))} />
  </div>`;
}

// ---- quality -----------------------------------------------------------------------------
function Reasons({ items, fields, testid }) {
  const columns = [
    { key: "field", label: tr("字段", "Field"), render: (r) => html`${labelOf(fields, r.field)} <code class="muted">${r.field}</code>` },
    { key: "reason", label: tr("原因", "Reason"), render: (r) => html`${tr(r.zh, r.en)} <code class="muted">${r.code}</code>` },
    { key: "count", label: tr("行数", "Rows"), className: "num", render: (r) => fmtNum(r.count) },
    { key: "examples", label: tr("示例行", "Example rows"), render: (r) => (r.examples || [])
        .map((e) => `${e.source} #${e.row}`).join(tr("；", "; ")) },
  ];
  return html`<${Table} testid=${testid} columns=${columns} rows=${items}
    rowKey=${(r) => `${r.field}:${r.code}`} empty=${tr("无", "None")} />`;
}

function QualityTab({ dataset, batchId, batches, onPick }) {
  const { data, error, loading } = useApi(
    batchId ? `/api/datasets/${encodeURIComponent(dataset.id)}/batches/${encodeURIComponent(batchId)}` : null,
  );
  if (!batchId) return html`<${Empty}>${tr("没有已入池的批次", "No committed batch")}<//>`;
  const picker = html`<${BatchPicker} batches=${batches} value=${batchId} onChange=${onPick} />`;
  if (loading || (!data && !error)) return html`${picker}<${Loading} />`;
  if (error) return html`${picker}<${ErrorBox} error=${error} />`;
  const q = data.quality || {};
  const accepted = q.rows_accepted || 0;
  const dup = q.duplicates || {};
  const nulls = Object.entries(q.nulls || {}).map(([field, count]) => ({ field, count }));
  return html`<div class="data-quality" data-testid="quality">
    ${picker}
    <div class="stats">
      ${[["rows_read", "读取行数", "rows read"], ["rows_accepted", "通过", "accepted"],
         ["rows_rejected", "被拒", "rejected"], ["rows_warned", "有警告", "with warnings"]]
        .map(([key, zh, en]) => html`<div class="stat"><div class="value">${fmtNum(q[key] ?? data[key])}</div>
          <div class="label">${tr(zh, en)}</div></div>`)}
    </div>
    <${Card} title=${tr("错误（导致拒收）", "Errors (rows rejected)")}>
      <${Reasons} items=${q.errors || []} fields=${dataset.fields} testid="quality-errors" /><//>
    <${Card} title=${tr("警告（已接收）", "Warnings (rows kept)")}>
      <${Reasons} items=${q.warnings || []} fields=${dataset.fields} testid="quality-warnings" /><//>
    <div class="grid">
      <${Card} title=${tr("空值（通过的行中）", "Nulls (among accepted rows)")}>
        <${Table} testid="quality-nulls" rowKey="field" rows=${nulls} columns=${[
          { key: "field", label: tr("字段", "Field"), render: (r) => labelOf(dataset.fields, r.field) },
          { key: "count", label: tr("空值行数", "Null rows"), className: "num", render: (r) => fmtNum(r.count) },
          { key: "pct", label: tr("占比", "Share"), className: "num",
            render: (r) => (accepted ? fmtPct(r.count / accepted) : "—") },
        ]} /><//>
      <${Card} title=${tr("重复", "Duplicates")}>
        <${KeyValue} items=${[
          [tr("完全重复的行", "Whole-row duplicates"), fmtNum(dup.whole_rows || 0)],
          [tr("业务主键", "Key"), (dup.key || []).map((k) => labelOf(dataset.fields, k)).join(" + ") || "—"],
          [tr("主键重复的行", "Rows repeating a key"), fmtNum(dup.key_rows || 0)],
          [tr("主键与以往批次重叠", "Keys already in earlier batches"), fmtNum(dup.key_in_earlier_batches || 0)],
          (q.skipped_tables || []).length
            ? [tr("跳过的工作表", "Skipped sheets"), q.skipped_tables.join(tr("、", ", "))] : null,
        ]} /><//>
    </div>
  </div>`;
}

// ---- rejects -----------------------------------------------------------------------------
function RejectsTab({ dataset, batchId, batches, onPick }) {
  const [offset, setOffset] = useState(0);
  const [unmask, setUnmask] = useState(false);
  const limit = 50;
  useEffect(() => setOffset(0), [batchId]);
  const path = batchId
    ? `/api/datasets/${encodeURIComponent(dataset.id)}/batches/${encodeURIComponent(batchId)}/rejects`
      + qs({ offset, limit, unmask: unmask ? "true" : "" })
    : null;
  const { data, error, loading } = useApi(path);
  if (!batchId) return html`<${Empty}>${tr("没有已入池的批次", "No committed batch")}<//>`;
  const columns = [
    { key: "source", label: tr("文件", "File") },
    { key: "row", label: tr("行号", "Row"), className: "num" },
    { key: "field", label: tr("字段", "Field"), render: (r) => tr(r.label_zh, r.label_en) },
    { key: "header", label: tr("源表头", "Source header"), render: (r) => r.header || "—" },
    { key: "value", label: tr("原值", "Value"), render: (r) => cell(r.value) },
    { key: "reason", label: tr("原因", "Reason"), render: (r) => tr(r.zh, r.en) },
  ];
  return html`<div data-testid="rejects">
    <div class="row">
      <${BatchPicker} batches=${batches} value=${batchId} onChange=${onPick} />
      ${can("pii.unmask") ? html`<label class="data-check"><input type="checkbox" checked=${unmask}
          onChange=${(e) => setUnmask(e.target.checked)} />
          ${tr("显示完整个人信息（记录审计）", "Show personal data (audited)")}</label>` : null}
    </div>
    <${ErrorBox} error=${error} />
    ${loading && !data ? html`<${Loading} />` : null}
    ${data ? html`
      <${Table} testid="rejects-table" columns=${columns} rows=${data.lines}
        rowKey=${(r) => `${r.source}:${r.row}:${r.field}`}
        empty=${tr("此批次没有被拒的行", "No rejected rows in this batch")} />
      <${Pager} offset=${offset} limit=${limit} hasMore=${data.has_more} onChange=${setOffset} />` : null}
  </div>`;
}

// ---- rows --------------------------------------------------------------------------------
function RowsTab({ dataset }) {
  const [filters, setFilters] = useState([]);
  const [draft, setDraft] = useState({ field: "", op: "eq", value: "" });
  const [offset, setOffset] = useState(0);
  const [unmask, setUnmask] = useState(false);
  const limit = 50;
  const params = new URLSearchParams();
  for (const f of filters) params.append("filter", `${f.field}:${f.op}:${f.value}`);
  params.set("limit", String(limit));
  params.set("offset", String(offset));
  if (unmask) params.set("unmask", "true");
  const { data, error, loading } = useApi(`/api/datasets/${encodeURIComponent(dataset.id)}/rows?${params}`);
  const fieldOptions = dataset.fields.filter((f) => f.origin !== "extra");
  const add = (event) => {
    event.preventDefault();
    const field = draft.field || (fieldOptions[0] && fieldOptions[0].name);
    if (!field || draft.value === "") return;
    setFilters([...filters, { field, op: draft.op, value: draft.value }]);
    setDraft({ ...draft, value: "" });
    setOffset(0);
  };
  const opLabel = (op) => { const o = OPS.find((x) => x[0] === op); return o ? tr(o[1], o[2]) : op; };
  return html`<div data-testid="rows">
    <form class="data-filter-form" onSubmit=${add}>
      <${Select} id="row-filter-field" label=${tr("字段", "Field")} value=${draft.field || (fieldOptions[0] && fieldOptions[0].name)}
        onChange=${(v) => setDraft({ ...draft, field: v })}
        options=${fieldOptions.map((f) => ({ value: f.name, label: `${tr(f.label_zh, f.label_en)} (${f.name})` }))} />
      <${Select} id="row-filter-op" label=${tr("运算", "Operator")} value=${draft.op}
        onChange=${(v) => setDraft({ ...draft, op: v })}
        options=${OPS.map(([value, zh, en]) => ({ value, label: tr(zh, en) }))} />
      <input id="row-filter-value" aria-label=${tr("值", "Value")} data-testid="row-filter-value"
        value=${draft.value} placeholder=${tr("值", "value")}
        onInput=${(e) => setDraft({ ...draft, value: e.target.value })} />
      <${Button} type="submit" testid="row-filter-add">${tr("添加筛选", "Add filter")}<//>
      ${can("pii.unmask") ? html`<label class="data-check"><input type="checkbox" checked=${unmask}
          onChange=${(e) => { setUnmask(e.target.checked); setOffset(0); }} />
          ${tr("显示完整个人信息（记录审计）", "Show personal data (audited)")}</label>` : null}
    </form>
    ${filters.length ? html`<ul class="data-chips" aria-label=${tr("当前筛选", "filters")}>
      ${filters.map((f, i) => html`<li class="data-chip">${labelOf(dataset.fields, f.field)} ${opLabel(f.op)} “${f.value}”
        <button type="button" class="btn btn-link" aria-label=${tr("移除筛选", "remove filter")}
          onClick=${() => { setFilters(filters.filter((_, j) => j !== i)); setOffset(0); }}>✕</button></li>`)}
    </ul>` : null}
    <${ErrorBox} error=${error} />
    ${loading && !data ? html`<${Loading} />` : null}
    ${data ? html`
      ${data.masked ? html`<p class="muted">${tr("个人信息已脱敏；未分类的附加列不显示。",
        "Personal data is masked; unclassified extra columns are not shown.")}</p>` : null}
      <${Table} testid="rows-table" rowKey=${(r) => JSON.stringify(r)}
        columns=${data.columns.map((c) => ({ key: c, label: labelOf(dataset.fields, c), render: (r) => cell(r[c]) }))}
        rows=${data.rows} empty=${tr("没有符合条件的行", "No rows match")} />
      <${Pager} offset=${offset} limit=${limit} hasMore=${data.rows.length === limit} onChange=${setOffset} />` : null}
  </div>`;
}

// ---- the screen --------------------------------------------------------------------------
export default function Dataset({ params, query }) {
  const id = params.id;
  const { data: dataset, error } = useApi(`/api/datasets/${encodeURIComponent(id)}`);
  // Asked after the dataset, not beside it: one request at a time per screen.
  const batchesApi = useApi(dataset ? `/api/datasets/${encodeURIComponent(id)}/batches` : null);
  const batches = batchesApi.data || [];
  const [tab, setTab] = useState(query.tab || "fields");
  const [batchId, setBatchId] = useState(query.batch || null);
  const newest = useMemo(() => (batches.find((b) => b.status === "committed") || {}).id || null, [batches]);
  const current = batchId || newest;
  const open = (bid, where) => { setBatchId(bid); setTab(where); };

  if (error) return html`<${Page} title=${tr("数据集", "Dataset")}><${ErrorBox} error=${error} /><//>`;
  if (!dataset) return html`<${Loading} />`;
  const tabs = [
    { key: "fields", label: tr(`字段（${dataset.fields.length}）`, `Fields (${dataset.fields.length})`) },
    { key: "batches", label: tr(`批次（${batches.length}）`, `Batches (${batches.length})`) },
    { key: "quality", label: tr("质量报告", "Quality report") },
    { key: "rejects", label: tr("被拒行", "Rejected rows") },
    { key: "rows", label: tr("数据浏览", "Rows") },
  ];
  const actions = html`<a class="btn btn-secondary data-linkbtn" href="#/data">${tr("返回目录", "Back to the directory")}</a>
    ${can("datasets.import") ? html`<a class="btn btn-primary data-linkbtn" href=${`#/import?type=${encodeURIComponent(dataset.id)}`}
      data-testid="import-into">${tr("导入新批次", "Import a batch")}</a>` : null}`;
  return html`<${Page} title=${datasetName(dataset)} actions=${actions}>
    <${Card}>
      <${KeyValue} items=${[
        [tr("编号", "Id"), html`<code>${dataset.id}</code>`],
        [tr("密级", "Sensitivity"), html`<${SensitivityBadge} value=${dataset.sensitivity} />`],
        [tr("归属单位", "Owner unit"), dataset.owner_unit_name || "—"],
        [tr("数据行数", "Rows"), fmtNum(dataset.rows)],
        [tr("已入池批次", "Committed batches"), fmtNum(dataset.batch_count)],
        [tr("最近导入", "Last import"), dataset.last_import ? fmtDateTime(dataset.last_import) : "—"],
      ]} />
    <//>
    <${Tabs} tabs=${tabs} active=${tab} onChange=${setTab} />
    <div class="data-tab" role="tabpanel" data-testid=${`tab-${tab}`}>
      ${tab === "fields" ? html`<${FieldsTab} dataset=${dataset} />` : null}
      ${tab === "batches" ? html`<${ErrorBox} error=${batchesApi.error} />
          <${BatchesTab} batches=${batches} onOpen=${open} />` : null}
      ${tab === "quality" ? html`<${QualityTab} dataset=${dataset} batchId=${current} batches=${batches}
          onPick=${setBatchId} />` : null}
      ${tab === "rejects" ? html`<${RejectsTab} dataset=${dataset} batchId=${current} batches=${batches}
          onPick=${setBatchId} />` : null}
      ${tab === "rows" ? html`<${RowsTab} dataset=${dataset} />` : null}
    </div>
  <//>`;
}
