// #/judgments — 导入裁判文书: choose judgment files (.txt in any Chinese encoding, .html,
// .docx, a court's .json/.jsonl export), try the parser on the first one (nothing is
// imported: POST /api/judgments/parse), then import them all as a background job
// (POST /api/judgments/import → /api/jobs/{id}) into four datasets: judgment_document,
// court_case, court_party, court_agent. Imported documents are searchable at once
// (the job refreshes the search index).
import {
  html, useState, tr, apiUpload, can, fmtNum, qs,
} from "../core.js";
import {
  Page, Card, Button, Badge, ErrorBox, Empty, Field, KeyValue, JobProgress, StatusBadge, Table,
} from "../ui.js";

// An API error in the current language (its message was fixed when it was thrown).
function errorText(error) {
  return error && error.zh ? tr(error.zh, error.en) : error;
}

const ACCEPT = ".txt,.html,.htm,.docx,.json,.jsonl";
const DATASET_NAMES = {
  judgment_document: ["裁判文书", "Judgment documents"],
  court_case: ["法院案件", "Court cases"],
  court_party: ["案件当事人", "Case parties"],
  court_agent: ["诉讼代理人", "Agents and counsel"],
};

function datasetLabel(typeId) {
  const known = DATASET_NAMES[typeId];
  return known ? tr(known[0], known[1]) : typeId;
}

// The server keeps each upload in a numbered folder (0000/判决书.txt): show the file name.
function sourceLabel(source) {
  return String(source || "").replace(/^\d{4}\//, "");
}

function dash(value) {
  return value === null || value === undefined || value === "" ? html`<span class="muted">—</span>` : value;
}

function money(value) {
  if (value === null || value === undefined || value === "") return dash(null);
  return tr(`${fmtNum(value)} 元`, `¥${fmtNum(value)}`);
}

// ---- the parse preview -------------------------------------------------------------------
function Party({ party }) {
  const facts = [
    party.party_type === "org" ? tr("单位", "organisation") : tr("自然人", "person"),
    party.sex,
    party.birth_date ? tr(`${party.birth_date} 出生`, `born ${party.birth_date}`) : null,
    party.ethnicity,
    party.legal_rep ? tr(`法定代表人 ${party.legal_rep}`, `legal representative ${party.legal_rep}`) : null,
  ].filter(Boolean);
  const agents = party.agents || [];
  return html`<li class="jd-party">
    <span class="jd-role">${party.role_text || party.role}</span>
    <strong>${party.name}</strong>
    <span class="muted"> · ${facts.join(tr("，", ", "))}</span>
    ${agents.length ? html`<ul class="jd-agents">
      ${agents.map((agent) => html`<li>${agent.role}${tr("：", ": ")}${agent.name}
        ${agent.agent_type ? html` <${Badge} tone="info">${agent.agent_type}<//>` : null}
        ${agent.firm ? html` <span class="muted">${agent.firm}</span>` : null}</li>`)}
    </ul>` : null}
  </li>`;
}

export function ParsedDocument({ doc, index }) {
  const parties = doc.parties || [];
  const judges = doc.judges || [];
  const statutes = doc.statutes || [];
  const title = doc.case_no || doc.court || tr(`文书 ${index + 1}`, `Document ${index + 1}`);
  return html`<${Card} title=${title} testid="parsed-document">
    <${KeyValue} items=${[
      doc.locator ? [tr("位置", "Where"), doc.locator] : null,
      [tr("法院", "Court"), dash(doc.court)],
      [tr("案号", "Case no."), html`<span data-testid="parsed-case-no">${dash(doc.case_no)}</span>`],
      (doc.prior_case_nos || []).length ? [tr("关联案号", "Other case nos."), doc.prior_case_nos.join(tr("、", ", "))] : null,
      [tr("文书类型", "Document type"), html`${dash(doc.doc_type)}${doc.case_kind ? html` <${Badge} tone="info">${doc.case_kind}<//>` : null}`],
      [tr("案由 / 罪名", "Cause / charge"), dash(doc.cause)],
      doc.prosecutor ? [tr("公诉机关", "Prosecutor"), doc.prosecutor] : null,
      [tr("当事人", "Parties"), parties.length
        ? html`<ul class="jd-parties" data-testid="parsed-parties">${parties.map((p) => html`<${Party} party=${p} />`)}</ul>`
        : dash(null)],
      [tr("审判人员", "Judges"), judges.length
        ? judges.map(([role, name]) => `${role} ${name}`).join(tr("；", "; ")) : dash(null)],
      [tr("书记员", "Clerks"), (doc.clerks || []).length ? doc.clerks.join(tr("、", ", ")) : dash(null)],
      [tr("立案日期", "Filed"), dash(doc.filing_date)],
      [tr("裁判日期", "Judged"), dash(doc.judgment_date)],
      [tr("裁判结果", "Outcome"), dash(doc.outcome)],
      [tr("诉请金额", "Amount claimed"), money(doc.amount_claimed)],
      [tr("判决金额", "Amount awarded"), money(doc.amount_awarded)],
      [tr("引用法条", "Statutes"), statutes.length
        ? html`<ul class="jd-statutes">${statutes.map((s) => html`<li>《${s.law}》${s.article
            ? tr(`第 ${s.article} 条`, ` art. ${s.article}`) : ""}</li>`)}</ul>`
        : dash(null)],
    ]} />
    ${doc.claims_text ? html`<details class="jd-claims"><summary>${tr("诉讼请求与事实理由", "Claims, facts and reasons")}</summary>
      <p>${doc.claims_text}</p></details>` : null}
  <//>`;
}

// ---- the import result ---------------------------------------------------------------------
function Result({ result }) {
  const r = result || {};
  const refused = r.refused || [];
  const batches = r.batches || [];
  return html`<${Card} title=${tr("导入完成", "Import finished")} testid="judgments-result">
    <div class="jd-result">
      <div class="stats">
        <div class="stat"><div class="value" data-testid="result-documents">${fmtNum(r.documents)}</div>
          <div class="label">${tr("读到的文书", "documents read")}</div></div>
        <div class="stat"><div class="value" data-testid="result-parsed">${fmtNum(r.parsed)}</div>
          <div class="label">${tr("解析入库", "parsed and imported")}</div></div>
        <div class="stat"><div class="value">${fmtNum(r.without_case_no)}</div>
          <div class="label">${tr("未识别出案号", "without a case number")}</div></div>
        <div class="stat"><div class="value" data-testid="result-refused">${fmtNum(refused.length)}</div>
          <div class="label">${tr("未导入", "refused")}</div></div>
      </div>
      <${Table} testid="result-batches" caption=${tr("各数据集的批次", "Batches per dataset")}
        rows=${batches} rowKey=${(b) => `${b.dataset_type}:${b.batch_id}`}
        empty=${tr("没有写入任何数据集", "No dataset was written")} columns=${[
          { key: "dataset_type", label: tr("数据集", "Dataset"), render: (b) => html`<a
              href=${`#/data/${encodeURIComponent(b.dataset_type)}${qs({ tab: "batches", batch: b.batch_id })}`}
              data-testid=${`result-dataset-${b.dataset_type}`}>${datasetLabel(b.dataset_type)}</a>
              <code class="muted"> ${b.dataset_type}</code>` },
          { key: "status", label: tr("状态", "Status"), render: (b) => html`<${StatusBadge} status=${b.status} />` },
          { key: "rows_accepted", label: tr("通过", "Accepted"), className: "num", render: (b) => fmtNum(b.rows_accepted) },
          { key: "rows_rejected", label: tr("被拒", "Rejected"), className: "num", render: (b) => fmtNum(b.rows_rejected) },
          { key: "batch_id", label: tr("批次", "Batch"), render: (b) => html`<code>${b.batch_id}</code>` },
        ]} />
      ${refused.length ? html`<${Table} testid="result-refused-list" caption=${tr("未导入的文书", "Documents not imported")}
        rows=${refused} rowKey=${(x) => `${x.source}:${x.reason_en}`} columns=${[
          { key: "source", label: tr("文件", "File"), render: (x) => sourceLabel(x.source) },
          { key: "reason", label: tr("原因", "Reason"), render: (x) => tr(x.reason_zh, x.reason_en) },
        ]} />` : null}
      <p class="muted">${tr("导入的文书已加入全文检索。", "The imported documents are now searchable.")}
        <a href="#/search" data-testid="result-search">${tr("去检索", "Search them")}</a>
        ${r.duration_s !== undefined ? tr(`（用时 ${r.duration_s} 秒）`, ` (${r.duration_s} s)`) : null}</p>
    </div>
  <//>`;
}

// ---- the screen ------------------------------------------------------------------------------
export default function Judgments() {
  const [files, setFiles] = useState([]);
  const [source, setSource] = useState("");
  const [textField, setTextField] = useState("");
  const [parsed, setParsed] = useState(null);
  const [jobId, setJobId] = useState(null);
  const [job, setJob] = useState(null);
  const [busy, setBusy] = useState("");
  const [error, setError] = useState(null);
  const [inputKey, setInputKey] = useState(0);

  if (!can("datasets.import")) {
    return html`<${Page} title=${tr("导入裁判文书", "Import judgments")}><${Empty}>${tr(
      "您没有导入数据的权限。", "You may not import data.")}<//><//>`;
  }

  const choose = (event) => {
    setFiles([...(event.target.files || [])]);
    setParsed(null);
    setError(null);
  };
  const needFiles = () => {
    if (files.length) return false;
    setError(tr("请先选择文书文件", "choose the judgment files first"));
    return true;
  };
  const tryParse = async () => {
    if (needFiles()) return;
    setBusy("parse");
    setError(null);
    const form = new FormData();
    form.append("file", files[0], files[0].name);
    if (textField.trim()) form.append("text_field", textField.trim());
    try {
      setParsed({ file: files[0].name, ...(await apiUpload("/api/judgments/parse", form)) });
    } catch (err) {
      setParsed(null);
      setError(err);
    } finally {
      setBusy("");
    }
  };
  const startImport = async () => {
    if (needFiles()) return;
    setBusy("import");
    setError(null);
    const form = new FormData();
    for (const file of files) form.append("files", file, file.name);
    if (source.trim()) form.append("source", source.trim());
    if (textField.trim()) form.append("text_field", textField.trim());
    try {
      const answer = await apiUpload("/api/judgments/import", form);
      setJob(null);
      setJobId(answer.job_id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy("");
    }
  };
  const again = () => {
    setFiles([]);
    setParsed(null);
    setJobId(null);
    setJob(null);
    setError(null);
    setInputKey((n) => n + 1);
  };
  const jsonChosen = files.some((f) => /\.jsonl?$/i.test(f.name));

  return html`<${Page} title=${tr("导入裁判文书", "Import judgments")}>
    ${jobId ? null : html`<${Card} title=${tr("选择文书", "Choose the documents")} testid="judgments-form">
      <div class="jd-form">
        <${Field} id="judgments-files" label=${tr("文书文件（可多选）", "Judgment files (several at once)")}
          hint=${tr("TXT（UTF-8 或 GBK/GB18030）、HTML、Word（.docx）、法院导出的 JSON / JSON Lines",
            "TXT (UTF-8 or GBK/GB18030), HTML, Word (.docx), a court's JSON / JSON Lines export")}>
          <input id="judgments-files" key=${inputKey} type="file" multiple accept=${ACCEPT}
            data-testid="judgments-files" onChange=${choose} />
        <//>
        ${files.length ? html`<p class="muted" data-testid="judgments-chosen">${tr(`已选择 ${files.length} 个文件：`,
          `${files.length} file(s) chosen: `)}${files.slice(0, 5).map((f) => f.name).join(tr("、", ", "))}${files.length > 5 ? "…" : ""}</p>` : null}
        <div class="form">
          <${Field} id="judgments-source" label=${tr("来源说明（可选）", "Source (optional)")}>
            <input id="judgments-source" value=${source} maxlength="255" data-testid="judgments-source"
              placeholder=${tr("如：越城区法院 2024 年判决", "e.g. district court judgments, 2024")}
              onInput=${(e) => setSource(e.target.value)} />
          <//>
          ${jsonChosen ? html`<${Field} id="judgments-text-field" label=${tr("JSON 中正文字段名（可选）", "Text field in the JSON (optional)")}
              hint=${tr("不填则自动识别", "found automatically when left empty")}>
            <input id="judgments-text-field" value=${textField} maxlength="64"
              onInput=${(e) => setTextField(e.target.value)} />
          <//>` : null}
        </div>
        <${ErrorBox} error=${errorText(error)} />
        <div class="row">
          <${Button} testid="judgments-parse" disabled=${!!busy} onClick=${tryParse}>
            ${busy === "parse" ? tr("正在解析…", "Parsing…") : tr("试解析", "Try parsing")}<//>
          <${Button} kind="primary" testid="judgments-import" disabled=${!!busy} onClick=${startImport}>
            ${busy === "import" ? tr("正在上传…", "Uploading…") : tr("导入", "Import")}<//>
        </div>
        <p class="muted">${tr("试解析只读取第一个文件（至多 5 篇文书），不导入任何数据；个人信息按您的权限遮蔽。",
          "Try parsing reads the first file only (up to 5 documents) and imports nothing; personal data is masked unless you may unmask it.")}</p>
      </div>
    <//>`}
    ${parsed && !jobId ? html`<section class="jd-preview" data-testid="judgments-preview"
        aria-label=${tr("试解析结果", "parse preview")}>
      <h2>${tr(`试解析：${parsed.file}`, `Parse of ${parsed.file}`)}</h2>
      ${parsed.documents.length
        ? parsed.documents.map((doc, i) => html`<${ParsedDocument} doc=${doc} index=${i} />`)
        : html`<${Empty}>${tr("文件中没有读到文书", "No document was read from the file")}<//>`}
    </section>` : null}
    ${jobId ? html`<${Card} title=${tr("导入任务", "Import job")}>
      <${JobProgress} jobId=${jobId} onDone=${setJob} /><//>` : null}
    ${job && job.status === "succeeded" ? html`<${Result} result=${job.result} />` : null}
    ${job ? html`<div class="row"><${Button} testid="judgments-again" onClick=${again}>
      ${tr("继续导入", "Import more")}<//></div>` : null}
  <//>`;
}
