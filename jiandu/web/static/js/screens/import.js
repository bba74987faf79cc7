// 数据导入 — the import wizard: choose the dataset type and a file → what was detected
// (sheets, encoding, header row) → header mapping with suggestions → preview of the
// cleaned rows and the rows that would be rejected → import as a background job.
// The server does all the work with the import pipeline itself (/api/uploads).
import {
  html, useState, useEffect, useMemo, tr, api, apiUpload, useApi, can, fmtNum, fmtDateTime,
} from "../core.js";
import {
  Page, Card, Table, Button, Badge, ErrorBox, Loading, Empty, Field, Select, KeyValue, JobProgress,
  notify,
} from "../ui.js";

const STEPS = [
  ["file", "选择类型与文件", "Type and file"],
  ["detect", "识别结果", "Detection"],
  ["mapping", "表头映射", "Header mapping"],
  ["preview", "预览", "Preview"],
  ["commit", "导入", "Import"],
];
const ACCEPT = ".csv,.tsv,.txt,.xlsx,.xls,.json,.jsonl,.parquet";
const DROP = "__drop__";
const EXTRA = "__extra__";

function Steps({ step }) {
  const at = STEPS.findIndex(([key]) => key === step);
  return html`<ol class="wizard-steps" aria-label=${tr("导入步骤", "import steps")}>
    ${STEPS.map(([key, zh, en], i) => html`<li class=${`wizard-step${i === at ? " current" : ""}${i < at ? " done" : ""}`}
        aria-current=${i === at ? "step" : undefined}><span class="wizard-num">${i + 1}</span> ${tr(zh, en)}</li>`)}
  </ol>`;
}

function fieldLabel(type, name) {
  const field = type.fields.find((f) => f.name === name);
  return field ? `${tr(field.label_zh, field.label_en)} (${name})` : name;
}

function encodingLabel(encoding) {
  if (!encoding) return tr("不适用（非文本文件）", "n/a (not a text file)");
  const names = { "utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", gb18030: "GB18030 / GBK", "utf-16": "UTF-16" };
  const name = names[encoding.name] || encoding.name;
  return encoding.certain ? name : tr(`${name}（仅含 ASCII，按读取时确定）`, `${name} (ASCII so far; settled while reading)`);
}

// The tables the import will read: the chosen sheet, else every table not skipped.
function includedTables(upload, sheet) {
  if (sheet) return upload.tables.filter((t) => t.sheet === sheet);
  const kept = upload.tables.filter((t) => !t.skipped);
  return kept.length ? kept : upload.tables;
}

// One row per distinct source header, with the suggestion of the first table that has it.
function headerRows(tables) {
  const rows = [];
  const seen = new Set();
  for (const table of tables) {
    for (const column of table.suggested.columns) {
      if (seen.has(column.header)) continue;
      seen.add(column.header);
      rows.push({ header: column.header, suggested: column.field || EXTRA, how: column.how,
        unit: column.unit, extra: column.extra_name, table: table.label });
    }
  }
  return rows;
}

// The override the server needs: only the headers whose choice differs from the suggestion.
function overrideOf(rows, choices) {
  const mapping = {};
  for (const row of rows) {
    const choice = choices[row.header] ?? row.suggested;
    if (choice === row.suggested) continue;
    mapping[row.header] = choice === DROP ? null : choice === EXTRA ? undefined : choice;
    if (mapping[row.header] === undefined) delete mapping[row.header];
  }
  return mapping;
}

function choicesFrom(rows, saved) {
  const choices = {};
  for (const row of rows) {
    if (saved && Object.prototype.hasOwnProperty.call(saved, row.header)) {
      choices[row.header] = saved[row.header] === null ? DROP : saved[row.header];
    } else {
      choices[row.header] = row.suggested;
    }
  }
  return choices;
}

// ---- step 1: type and file -----------------------------------------------------------------
function ChooseFile({ types, initialType, onUploaded, onResume }) {
  const [typeId, setTypeId] = useState(initialType || "");
  const [file, setFile] = useState(null);
  const [source, setSource] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const pending = useApi("/api/uploads");
  const type = types.find((t) => t.id === typeId);
  const submit = async (event) => {
    event.preventDefault();
    if (!typeId || !file) {
      setError(tr("请选择数据类型和文件", "choose a dataset type and a file"));
      return;
    }
    setBusy(true);
    setError(null);
    const form = new FormData();
    form.append("dataset_type", typeId);
    form.append("file", file, file.name);
    if (source.trim()) form.append("source", source.trim());
    try {
      onUploaded(await apiUpload("/api/uploads", form));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const discard = async (id) => {
    try {
      await api("POST", `/api/uploads/${id}/discard`);
      pending.reload();
    } catch (err) {
      setError(err);
    }
  };
  const required = type ? type.fields.filter((f) => f.required) : [];
  return html`<form class="wizard-form" onSubmit=${submit} data-testid="import-step-file">
    <${Card} title=${tr("1. 选择数据类型和文件", "1. Choose the dataset type and the file")}>
      <div class="form">
        <${Field} id="import-type" label=${tr("数据类型（数据交换标准）", "Dataset type (exchange standard)")}>
          <${Select} id="import-type" label=${tr("数据类型", "Dataset type")} value=${typeId} onChange=${setTypeId}
            options=${[{ value: "", label: tr("— 请选择 —", "— choose —") },
              ...types.map((t) => ({ value: t.id, label: `${tr(t.name_zh, t.name_en)} · ${t.id}` }))]} />
        <//>
        <${Field} id="import-file" label=${tr("文件", "File")}
          hint=${tr("CSV/TSV（UTF-8 或 GBK/GB18030）、Excel、JSON、Parquet", "CSV/TSV (UTF-8 or GBK/GB18030), Excel, JSON, Parquet")}>
          <input id="import-file" type="file" accept=${ACCEPT} data-testid="import-file"
            onChange=${(e) => setFile(e.target.files[0] || null)} />
        <//>
        <${Field} id="import-source" label=${tr("来源说明（可选）", "Source (optional)")}>
          <input id="import-source" value=${source} maxlength="255"
            placeholder=${tr("如：越城区社保局 2024 年 1 月", "e.g. district social security bureau, Jan 2024")}
            onInput=${(e) => setSource(e.target.value)} />
        <//>
      </div>
      ${type ? html`<div class="wizard-type" data-testid="import-type-info">
        <p>${tr(`来源单位：${type.source_agency_zh}`, `Source agency: ${type.source_agency_en}`)}
          ${type.has_data ? null : html` <${Badge} tone="info">${tr("首次导入将创建数据集", "the first import creates the dataset")}<//>`}</p>
        <p>${tr("必填字段：", "Required fields: ")}${required.map((f) => tr(f.label_zh, f.label_en)).join(tr("、", ", ")) || tr("无", "none")}</p>
      </div>` : null}
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid="import-upload">
          ${busy ? tr("正在上传并识别…", "Uploading and detecting…") : tr("上传并识别", "Upload and detect")}<//>
      </div>
    <//>
    ${pending.data && pending.data.length ? html`<${Card} title=${tr("未完成的导入", "Unfinished imports")}>
      <${Table} testid="pending-uploads" rows=${pending.data} columns=${[
        { key: "file_name", label: tr("文件", "File") },
        { key: "dataset_type", label: tr("数据类型", "Type"), render: (u) => {
          const t = types.find((x) => x.id === u.dataset_type); return t ? tr(t.name_zh, t.name_en) : u.dataset_type; } },
        { key: "size", label: tr("大小", "Size"), className: "num", render: (u) => `${fmtNum(Math.ceil(u.size / 1024))} KB` },
        { key: "created_at", label: tr("上传时间", "Uploaded"), render: (u) => fmtDateTime(u.created_at) },
        { key: "actions", label: tr("操作", "Actions"), render: (u) => html`
          <${Button} kind="link" onClick=${() => onResume(u.id)}>${tr("继续", "Resume")}<//>
          <${Button} kind="link" onClick=${() => discard(u.id)}>${tr("丢弃", "Discard")}<//>` },
      ]} />
      <p class="muted">${tr("上传的文件保留 24 小时。", "Uploaded files are kept for 24 hours.")}</p>
    <//>` : null}
  </form>`;
}

// ---- step 2: detection ---------------------------------------------------------------------
function Detection({ upload, sheet, setSheet }) {
  const sheets = upload.tables.filter((t) => t.sheet);
  return html`<div data-testid="import-step-detect">
    ${sheets.length > 1 ? html`<${Field} id="import-sheet" label=${tr("导入的工作表", "Sheets to import")}>
      <${Select} id="import-sheet" label=${tr("工作表", "Sheet")} value=${sheet || ""} onChange=${(v) => setSheet(v || null)}
        options=${[{ value: "", label: tr("全部含数据的工作表", "every sheet with data") },
          ...sheets.map((t) => ({ value: t.sheet, label: t.sheet }))]} /><//>` : null}
    ${upload.tables.map((table) => html`<${Card} title=${table.label}
        actions=${table.skipped ? html`<${Badge} tone="muted">${tr("不含已知字段，将跳过", "no known field: skipped")}<//>` : null}>
      <${KeyValue} items=${[
        table.sheet ? [tr("工作表", "Sheet"), table.sheet] : null,
        [tr("编码", "Encoding"), encodingLabel(table.encoding)],
        [tr("表头所在行", "Header row"), table.header_row || tr("（来自文件结构）", "(from the file's schema)")],
        [tr("数据行数", "Data rows"), fmtNum(table.rows)],
        [tr("表头", "Headers"), html`<span class="wizard-headers">${table.headers.map((h) => html`<code>${h}</code> `)}</span>`],
        [tr("自动识别缺少的必填字段", "Required fields not recognised"),
          table.suggested.missing_required.length
            ? html`<span class="wizard-missing">${table.suggested.missing_required.map((f) => tr(f.label_zh, f.label_en)).join(tr("、", ", "))}</span>`
            : tr("无", "none")],
      ]} />
    <//>`)}
  </div>`;
}

// ---- step 3: mapping -----------------------------------------------------------------------
function Mapping({ upload, rows, choices, setChoices }) {
  const type = upload.type;
  const chosen = rows.map((r) => choices[r.header] ?? r.suggested);
  const counts = {};
  for (const c of chosen) if (c !== DROP && c !== EXTRA) counts[c] = (counts[c] || 0) + 1;
  const missing = type.fields.filter((f) => f.required && !counts[f.name]);
  const twice = Object.keys(counts).filter((k) => counts[k] > 1);
  const columns = [
    { key: "header", label: tr("源表头", "Source header"), render: (r) => html`<code>${r.header}</code>
        ${r.unit ? html` <${Badge} tone="info">${tr(`单位：${r.unit}`, `unit: ${r.unit}`)}<//>` : null}` },
    { key: "suggested", label: tr("系统建议", "Suggestion"), render: (r) => (r.suggested === EXTRA
        ? html`<span class="muted">${tr("未识别（附加列）", "not recognised (extra column)")}</span>`
        : html`${fieldLabel(type, r.suggested)} <span class="muted">${{ name: tr("字段名", "name"),
            label: tr("标签", "label"), synonym: tr("同义词", "synonym") }[r.how] || ""}</span>`) },
    { key: "choice", label: tr("映射到", "Map to"), render: (r, i) => {
        const value = choices[r.header] ?? r.suggested;
        const id = `map-${rows.indexOf(r)}`;
        const options = [
          ...(r.suggested === EXTRA ? [{ value: EXTRA, label: tr("保留为附加列（文本）", "keep as an extra text column") }] : []),
          { value: DROP, label: tr("— 不导入此列 —", "— leave this column out —") },
          ...type.fields.map((f) => ({ value: f.name, label: `${tr(f.label_zh, f.label_en)} (${f.name})${f.required ? " *" : ""}` })),
        ];
        return html`<${Select} id=${id} label=${tr(`“${r.header}”映射到`, `map “${r.header}” to`)} value=${value}
          onChange=${(v) => setChoices({ ...choices, [r.header]: v })} options=${options} />
          ${value !== r.suggested ? html` <${Badge} tone="warn">${tr("已修改", "changed")}<//>` : null}
          ${twice.includes(value) ? html` <${Badge} tone="bad">${tr("重复", "duplicate")}<//>` : null}`;
      } },
  ];
  return html`<div data-testid="import-step-mapping">
    ${missing.length ? html`<div class="error-box" role="alert" data-testid="mapping-missing">
      ${tr("缺少必填字段：", "Required fields missing: ")}${missing.map((f) => `${tr(f.label_zh, f.label_en)} (${f.name})`).join(tr("、", ", "))}
      ${tr("。请把含有这些数据的列映射过去。", ". Map the columns that hold them.")}</div>` : null}
    ${twice.length ? html`<div class="error-box" role="alert">${tr("多列映射到同一字段：", "Several columns map to one field: ")}
      ${twice.map((f) => fieldLabel(type, f)).join(tr("、", ", "))}</div>` : null}
    <${Table} testid="mapping-table" columns=${columns} rows=${rows} rowKey="header" />
    <p class="muted">${tr("* 为必填字段。未识别的列默认保留为附加列；附加列的个人信息类别未知，在脱敏显示时不显示。",
      "* marks required fields. Unrecognised columns are kept as extra columns; their PII class is unknown, so masked views leave them out.")}</p>
  </div>`;
}

// ---- step 4: preview -----------------------------------------------------------------------
function Preview({ upload, preview }) {
  const type = upload.type;
  const s = preview.sample;
  const columns = [{ key: "_row", label: tr("行号", "Row"), className: "num", render: (r) => r._row },
    ...preview.columns.map((c) => ({ key: c, label: fieldLabel(type, c), render: (r) => (r[c] === null || r[c] === undefined ? "—" : String(r[c])) })),
    { key: "_warnings", label: tr("警告", "Warnings"), render: (r) => (r._warnings || []).map((w) => `${fieldLabel(type, w.field)}${tr("：", ": ")}${tr(w.zh, w.en)}`).join(tr("；", "; ")) }];
  const rejectColumns = [
    { key: "source", label: tr("文件", "File") },
    { key: "row", label: tr("行号", "Row"), className: "num" },
    { key: "field", label: tr("字段", "Field"), render: (r) => tr(r.label_zh, r.label_en) },
    { key: "header", label: tr("源表头", "Source header"), render: (r) => r.header || "—" },
    { key: "value", label: tr("原值", "Value"), render: (r) => (r.value === null || r.value === undefined ? "—" : r.value) },
    { key: "reason", label: tr("原因", "Reason"), render: (r) => tr(r.zh, r.en) },
  ];
  return html`<div class="data-tab" data-testid="import-step-preview">
    ${s.rows > 0 && s.accepted === 0 ? html`<div class="error-box" role="alert">${tr(
      "样本中的行全部会被拒收：照此导入将失败。请检查表头映射和文件内容。",
      "Every row of the sample would be rejected: the import would fail. Check the mapping and the file.")}</div>` : null}
    <div class="stats" data-testid="preview-counts">
      <div class="stat"><div class="value">${fmtNum(s.rows)}</div><div class="label">${tr("样本行数", "sample rows")}</div></div>
      <div class="stat"><div class="value" data-testid="preview-accepted">${fmtNum(s.accepted)}</div><div class="label">${tr("将通过", "would be accepted")}</div></div>
      <div class="stat"><div class="value" data-testid="preview-rejected">${fmtNum(s.rejected)}</div><div class="label">${tr("将被拒", "would be rejected")}</div></div>
      <div class="stat"><div class="value">${fmtNum(s.warned)}</div><div class="label">${tr("有警告", "with warnings")}</div></div>
    </div>
    <p class="muted">${tr(`样本为每个表的前 ${s.limit_per_table} 行，经与正式导入相同的清洗规则处理。`,
      `The sample is the first ${s.limit_per_table} rows of each table, cleaned by the same rules as the import.`)}
      ${preview.masked ? tr("个人信息已脱敏。", " Personal data is masked.") : null}
      ${preview.skipped.length ? tr(`跳过：${preview.skipped.join("、")}。`, ` Skipped: ${preview.skipped.join(", ")}.`) : null}</p>
    <${Card} title=${tr("将被拒收的行", "Rows that would be rejected")}>
      <${Table} testid="preview-rejects" columns=${rejectColumns} rows=${preview.rejects}
        rowKey=${(r) => `${r.source}:${r.row}:${r.field}`} empty=${tr("样本中没有被拒的行", "No rejected rows in the sample")} /><//>
    <${Card} title=${tr("清洗后的数据", "Cleaned rows")}>
      <${Table} testid="preview-rows" columns=${columns} rows=${preview.rows}
        rowKey=${(r) => `${r._source}:${r._row}`} empty=${tr("样本中没有通过的行", "No accepted rows in the sample")} /><//>
  </div>`;
}

// ---- step 5: the job and its result ----------------------------------------------------------
function Result({ job, typeId, onAgain }) {
  const r = job.result || {};
  const rejects = useApi(r.batch_id && r.rows_rejected
    ? `/api/datasets/${encodeURIComponent(typeId)}/batches/${encodeURIComponent(r.batch_id)}/rejects?limit=20`
    : null);
  const base = `#/data/${encodeURIComponent(typeId)}`;
  return html`<${Card} title=${r.status === "duplicate" ? tr("该文件此前已导入", "This file was imported before")
      : tr("导入完成", "Import finished")} testid="import-result">
    <div class="data-tab">
    <${KeyValue} items=${[
      [tr("批次", "Batch"), html`<code data-testid="result-batch">${r.batch_id}</code>`],
      [tr("读取行数", "Rows read"), fmtNum(r.rows_read)],
      [tr("通过", "Accepted"), html`<span data-testid="result-accepted">${fmtNum(r.rows_accepted)}</span>`],
      [tr("被拒", "Rejected"), html`<span data-testid="result-rejected">${fmtNum(r.rows_rejected)}</span>`],
      [tr("有警告", "With warnings"), fmtNum(r.rows_warned)],
    ]} />
    <div class="row">
      <a class="btn btn-primary data-linkbtn" data-testid="result-open-batch" href=${`${base}?tab=batches&batch=${encodeURIComponent(r.batch_id)}`}>
        ${tr("查看数据集与批次", "Open the dataset and its batches")}</a>
      <a class="btn btn-secondary data-linkbtn" href=${`${base}?tab=quality&batch=${encodeURIComponent(r.batch_id)}`}>${tr("质量报告", "Quality report")}</a>
      <${Button} testid="import-again" onClick=${onAgain}>${tr("继续导入", "Import another file")}<//>
    </div>
    ${rejects.data && rejects.data.lines.length ? html`<h3>${tr("被拒的行（前 20 条）", "Rejected rows (first 20)")}</h3>
      <${Table} testid="result-rejects" rows=${rejects.data.lines} rowKey=${(x) => `${x.source}:${x.row}:${x.field}`} columns=${[
        { key: "row", label: tr("行号", "Row"), className: "num" },
        { key: "field", label: tr("字段", "Field"), render: (x) => tr(x.label_zh, x.label_en) },
        { key: "value", label: tr("原值", "Value"), render: (x) => x.value ?? "—" },
        { key: "reason", label: tr("原因", "Reason"), render: (x) => tr(x.zh, x.en) },
      ]} />
      <a href=${`${base}?tab=rejects&batch=${encodeURIComponent(r.batch_id)}`}>${tr("查看全部被拒行", "All rejected rows")}</a>` : null}
    </div>
  <//>`;
}

// ---- the wizard ----------------------------------------------------------------------------
export default function Import({ query }) {
  const types = useApi("/api/uploads/types");
  const [step, setStep] = useState("file");
  const [upload, setUpload] = useState(null);
  const [sheet, setSheet] = useState(null);
  const [choices, setChoices] = useState({});
  const [preview, setPreview] = useState(null);
  const [unmask, setUnmask] = useState(false);
  const [jobId, setJobId] = useState(null);
  const [job, setJob] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [source, setSource] = useState("");

  const rows = useMemo(() => (upload ? headerRows(includedTables(upload, sheet)) : []), [upload, sheet]);
  useEffect(() => { if (upload) setChoices(choicesFrom(rows, upload.mapping)); }, [upload, sheet]);

  const start = (state) => {
    setUpload(state);
    setSheet(state.sheet || null);
    setSource(state.source_name || "");
    setPreview(null);
    setJobId(null);
    setJob(null);
    setError(null);
    setStep("detect");
  };
  const resume = async (id) => {
    try { start(await api("GET", `/api/uploads/${id}`)); } catch (err) { setError(err); }
  };
  const runPreview = async (withUnmask = unmask) => {
    setBusy(true);
    setError(null);
    try {
      setPreview(await api("POST", `/api/uploads/${upload.id}/preview`,
        { mapping: overrideOf(rows, choices), sheet, unmask: withUnmask }));
      setStep("preview");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const commit = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api("POST", `/api/uploads/${upload.id}/commit`,
        { mapping: overrideOf(rows, choices), sheet, source_name: source.trim() || null });
      setJob(null);
      setJobId(answer.job_id);
      setStep("commit");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const discard = async () => {
    if (!upload) return;
    try {
      await api("POST", `/api/uploads/${upload.id}/discard`);
      notify(tr("已丢弃上传的文件", "the upload was discarded"));
    } catch (err) {
      notify(err.message, "bad");
    }
    setUpload(null);
    setStep("file");
  };

  if (!can("datasets.import")) {
    return html`<${Page} title=${tr("数据导入", "Import data")}><${Empty}>${tr("您没有导入数据的权限。", "You may not import data.")}<//><//>`;
  }
  if (types.error) return html`<${Page} title=${tr("数据导入", "Import data")}><${ErrorBox} error=${types.error} /><//>`;
  if (!types.data) return html`<${Loading} />`;

  const backTo = (target) => html`<${Button} onClick=${() => { setError(null); setStep(target); }}>${tr("上一步", "Back")}<//>`;
  const discardButton = html`<${Button} kind="danger" testid="import-discard" onClick=${discard}>${tr("丢弃此文件", "Discard this file")}<//>`;
  const missingRequired = upload && upload.type.fields.some((f) => f.required
    && !rows.some((r) => (choices[r.header] ?? r.suggested) === f.name));

  return html`<${Page} title=${tr("数据导入", "Import data")}>
    <${Steps} step=${step} />
    ${upload ? html`<p class="muted wizard-file" data-testid="import-file-name">
      ${tr("文件：", "File: ")}<strong>${upload.file_name}</strong> · ${tr(upload.type.name_zh, upload.type.name_en)}
      · ${fmtNum(Math.ceil(upload.size / 1024))} KB</p>` : null}
    ${step === "file" ? html`<${ChooseFile} types=${types.data} initialType=${query.type} onUploaded=${start} onResume=${resume} />` : null}
    ${step === "detect" ? html`
      <${Detection} upload=${upload} sheet=${sheet} setSheet=${setSheet} />
      <div class="row wizard-actions">${discardButton}
        <${Button} kind="primary" testid="import-next" onClick=${() => setStep("mapping")}>${tr("下一步：表头映射", "Next: header mapping")}<//></div>` : null}
    ${step === "mapping" ? html`
      <${Mapping} upload=${upload} rows=${rows} choices=${choices} setChoices=${setChoices} />
      <${ErrorBox} error=${error} />
      <div class="row wizard-actions">${backTo("detect")} ${discardButton}
        <${Button} kind="primary" testid="import-preview" disabled=${busy || missingRequired} onClick=${() => runPreview()}>
          ${busy ? tr("正在清洗样本…", "Cleaning a sample…") : tr("下一步：预览", "Next: preview")}<//></div>` : null}
    ${step === "preview" && preview ? html`
      ${can("pii.unmask") ? html`<label class="data-check"><input type="checkbox" checked=${unmask}
          onChange=${(e) => { setUnmask(e.target.checked); runPreview(e.target.checked); }} />
          ${tr("显示完整个人信息（记录审计）", "Show personal data (audited)")}</label>` : null}
      <${Preview} upload=${upload} preview=${preview} />
      <${Field} id="import-source-final" label=${tr("来源说明（可选）", "Source (optional)")}>
        <input id="import-source-final" value=${source} maxlength="255" onInput=${(e) => setSource(e.target.value)} /><//>
      <${ErrorBox} error=${error} />
      <div class="row wizard-actions">${backTo("mapping")} ${discardButton}
        <${Button} kind="primary" testid="import-commit" disabled=${busy} onClick=${commit}>${tr("确认导入", "Import")}<//></div>` : null}
    ${step === "commit" && jobId ? html`
      <${Card} title=${tr("导入任务", "Import job")}>
        <${JobProgress} jobId=${jobId} onDone=${setJob} /><//>
      ${job && job.status === "succeeded" ? html`<${Result} job=${job} typeId=${upload.dataset_type}
          onAgain=${() => { setUpload(null); setJobId(null); setJob(null); setStep("file"); }} />` : null}
      ${job && job.status !== "succeeded" ? html`<div class="row wizard-actions">
        <p>${tr("文件仍保留，可修改映射后重试。", "The file is kept: change the mapping and try again.")}</p>
        ${backTo("mapping")} ${discardButton}</div>` : null}` : null}
  <//>`;
}
