// 模型详情 — one model version: explanation, legal basis, parameters, sources, steps, YAML,
// compiled SQL (DuckDB / Spark), versions, run history with each run's funnel; run it (a
// background job), publish a stored version, edit it in the builder.
import {
  html, useState, useEffect, tr, api, useApi, navigate, can, qs, fmtNum, fmtDateTime,
} from "../core.js";
import {
  Page, Card, Table, ErrorBox, Loading, Button, Tabs, KeyValue, StatusBadge, Modal, JobProgress,
  Select, notify,
} from "../ui.js";
import {
  modelName, OriginBadge, Funnel, HitsTable, funnelText, fmtDuration, ParamInput, label, SEVERITY_LABELS,
  SUBJECT_LABELS, PARAM_TYPE_LABELS,
} from "./model_parts.js";
import { ScheduleDialog } from "./schedule_parts.js";

function Overview({ model }) {
  return html`<div class="model-overview">
    <${Card} title=${tr("说明", "Explanation")} testid="model-explanation">
      <p class="model-explanation">${tr(model.explanation_zh, model.explanation_en || model.explanation_zh)}</p>
      <h3 class="model-sub">${tr("法律依据", "Legal basis")}</h3>
      <ul>${model.legal_basis.map((l) => html`<li>${l}</li>`)}</ul>
    <//>
    <${Card} title=${tr("数据与线索", "Data and clues")}>
      <${KeyValue} items=${[
        [tr("数据源", "Sources"), html`<ul class="model-datasets">${model.sources.map((s) => html`<li>
          <span class="mono">${s.alias}</span>: ${tr(s.name_zh, s.name_en)}
          ${s.optional ? html` <span class="muted">${tr("（可选）", "(optional)")}</span>` : null}</li>`)}</ul>`],
        [tr("线索主体", "Clue subject"), `${label(SUBJECT_LABELS, model.clue.subject_type)} · ${model.clue.subject_key}`],
        [tr("标题模板", "Title template"), model.clue.title],
        [tr("严重程度", "Severity"), label(SEVERITY_LABELS, model.clue.severity)],
        [tr("证据列", "Evidence"), (model.clue.evidence || []).join(", ") || "—"],
        [tr("规则分支", "Rule branches"), (model.clue.branches || []).length
          ? html`<ul>${model.clue.branches.map((b) => html`<li><span class="mono">${b.id}</span> ${tr(b.name_zh, b.name_en)} ← ${b.from}</li>`)}</ul>`
          : tr("单一分支（最后一步）", "one branch (the last step)")],
      ]} />
    <//>
    <div class="span-all"><${Card} title=${tr("参数", "Parameters")}>
      <${Table} testid="model-params" rowKey="name" rows=${model.parameters}
        empty=${tr("没有可调参数", "No parameters")} columns=${[
          { key: "name", label: tr("参数", "Name"), render: (p) => html`<span class="mono">$${p.name}</span>` },
          { key: "label", label: tr("含义", "Meaning"), render: (p) => tr(p.label_zh, p.label_en) },
          { key: "type", label: tr("类型", "Type"), render: (p) => label(PARAM_TYPE_LABELS, p.type) },
          { key: "default", label: tr("默认值", "Default"),
            render: (p) => (Array.isArray(p.default) ? p.default.join("、") : String(p.default)) },
        ]} />
    <//></div>
    <div class="span-all"><${Card} title=${tr("步骤", "Steps")}>
      ${model.compile_error ? html`<${ErrorBox} error=${tr(model.compile_error.zh, model.compile_error.en)} />` : null}
      <${Table} testid="model-steps" rowKey="name" rows=${model.steps} columns=${[
        { key: "name", label: tr("步骤", "Step"), render: (s) => html`<span class="mono">${s.name}</span>` },
        { key: "label", label: tr("说明", "Meaning"), render: (s) => tr(s.label_zh, s.label_en) },
        { key: "columns", label: tr("列", "Columns"), render: (s) => html`<span class="muted mono">${s.columns.join(", ")}</span>` },
      ]} />
    <//></div>
  </div>`;
}

function SqlView({ model }) {
  const [dialect, setDialect] = useState("duckdb");
  const path = `/api/models/${encodeURIComponent(model.id)}/sql${qs({ version: model.version, dialect })}`;
  const { data, error, loading } = useApi(path);
  return html`<${Card} title=${tr("编译后的 SQL", "Compiled SQL")} actions=${html`<${Select} id="sql-dialect"
      label=${tr("SQL 方言", "SQL dialect")} value=${dialect} onChange=${setDialect}
      options=${[{ value: "duckdb", label: "DuckDB" }, { value: "spark", label: "Spark SQL" }]} />`}>
    ${loading ? html`<${Loading} />` : null}
    <${ErrorBox} error=${error} />
    ${data ? html`<pre data-testid="model-sql" class="model-code">${data.sql}</pre>` : null}
  <//>`;
}

function Versions({ model }) {
  return html`<${Table} testid="model-versions" rowKey="version" rows=${model.versions}
    onRow=${(v) => navigate(`/models/${model.id}?version=${v.version}`)} columns=${[
      { key: "version", label: tr("版本", "Version"), render: (v) => html`<a href=${`#/models/${model.id}?version=${v.version}`}>v${v.version}</a>
          ${v.version === model.version ? html` <span class="muted">${tr("（当前查看）", "(shown)")}</span>` : null}` },
      { key: "origin", label: tr("来源", "Origin"), render: (v) => html`<${OriginBadge} origin=${v.origin} />` },
      { key: "visibility", label: tr("可见范围", "Visibility"), render: (v) => html`<${StatusBadge} status=${v.visibility} />` },
      { key: "owner", label: tr("所属单位", "Owner unit"), render: (v) => v.owner_unit_name || "—" },
      { key: "created", label: tr("保存时间", "Saved"), render: (v) => (v.created_at ? fmtDateTime(v.created_at) : "—") },
      { key: "by", label: tr("保存人", "Saved by"), render: (v) => v.created_by || "—" },
    ]} />`;
}

function History({ model, tick }) {
  const { data, error, loading, reload } = useApi(
    can("runs.read") ? `/api/runs${qs({ model_id: model.id, limit: 50 })}` : null,
  );
  useEffect(() => { if (tick) reload(); }, [tick]);
  if (!can("runs.read")) return null;
  return html`<div>
    ${loading && !data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${error} />
    ${data ? html`<${Table} testid="model-runs" rows=${data} onRow=${(r) => navigate(`/runs/${r.id}`)}
      empty=${tr("尚无运行记录", "No runs yet")} columns=${[
        { key: "id", label: tr("运行", "Run"), render: (r) => html`<a href=${`#/runs/${r.id}`} class="mono">${r.id}</a>` },
        { key: "version", label: tr("版本", "Version"), render: (r) => `v${r.model_version}` },
        { key: "status", label: tr("状态", "Status"), render: (r) => html`<${StatusBadge} status=${r.status} />` },
        { key: "started", label: tr("开始", "Started"), render: (r) => fmtDateTime(r.started_at) },
        { key: "duration", label: tr("耗时", "Duration"), className: "num", render: (r) => fmtDuration(r.duration_ms) },
        { key: "hits", label: tr("命中", "Hits"), className: "num", render: (r) => (r.hit_count === null ? "—" : fmtNum(r.hit_count)) },
        { key: "funnel", label: tr("漏斗", "Funnel"), render: (r) => html`<span class="muted mono funnel-text">${funnelText(r.funnel)}</span>` },
        { key: "by", label: tr("运行人", "Run by"), render: (r) => r.created_by || "—" },
      ]} />` : null}
  </div>`;
}

// Try the model with other parameter values over the pool; nothing is recorded.
function PreviewTab({ model }) {
  const [values, setValues] = useState(() => Object.fromEntries(model.parameters.map((p) => [p.name, p.default])));
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api("POST", "/api/models/preview",
        { model_id: model.id, version: model.version, params: values, limit: 20 }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Card} title=${tr("试运行（不记录，不生成线索）", "Preview (not recorded, no clues)")} testid="model-preview">
    <div class="form">
      ${model.parameters.map((p) => html`<${ParamInput} param=${p} id=${`pv-param-${p.name}`}
        value=${values[p.name]} onChange=${(v) => setValues({ ...values, [p.name]: v })} />`)}
    </div>
    <div class="row"><${Button} kind="primary" testid="model-preview-go" disabled=${busy} onClick=${go}>
      ${busy ? tr("试运行中…", "Previewing…") : tr("试运行", "Preview")}<//></div>
    <${ErrorBox} error=${error} />
    ${result ? html`<p data-testid="model-preview-summary">${tr(`命中 ${fmtNum(result.hit_count)} 条`, `${fmtNum(result.hit_count)} hits`)}
        <span class="muted"> ${tr("（个人信息已脱敏）", "(personal data masked)")}</span></p>
      <${Funnel} funnel=${result.funnel} testid="model-preview-funnel" />
      <${HitsTable} columns=${result.columns} rows=${result.hits} testid="model-preview-hits" />` : null}
  <//>`;
}

function RunDialog({ model, open, onClose, onFinished }) {
  const [values, setValues] = useState({});
  const [jobId, setJobId] = useState(null);
  const [done, setDone] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setValues(Object.fromEntries(model.parameters.map((p) => [p.name, p.default])));
    setJobId(null);
    setDone(null);
    setError(null);
  }, [open, model.id, model.version]);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = await api("POST", `/api/models/${encodeURIComponent(model.id)}/run`,
        { version: model.version, params: values });
      setJobId(answer.job_id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const finished = (job) => {
    setDone(job);
    if (job.status === "succeeded") {
      notify(tr(`运行完成：命中 ${job.result.hit_count} 条`, `Run finished: ${job.result.hit_count} hits`));
    }
    onFinished();
  };
  const footer = jobId
    ? html`<${Button} onClick=${onClose}>${tr("关闭", "Close")}<//>`
    : html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
        <${Button} kind="primary" testid="run-start" disabled=${busy} onClick=${start}>${tr("开始运行", "Start the run")}<//>`;
  return html`<${Modal} title=${tr(`运行模型：${model.name_zh}`, `Run model: ${model.name_en}`)} open=${open}
      onClose=${onClose} footer=${footer}>
    ${jobId ? null : html`
      <p class="muted">${tr("运行会在数据池上执行模型、记录漏斗和命中，并把命中同步为本院的线索。",
        "The run executes the model over the pool, records the funnel and hits, and syncs the hits into clues of your unit.")}</p>
      ${model.parameters.map((p) => html`<${ParamInput} param=${p} id=${`run-param-${p.name}`}
        value=${values[p.name]} onChange=${(v) => setValues({ ...values, [p.name]: v })} />`)}`}
    <${ErrorBox} error=${error} />
    ${jobId ? html`<${JobProgress} jobId=${jobId} onDone=${finished} />` : null}
    ${done && done.status === "succeeded" ? html`<div class="run-done" data-testid="run-done">
      <p>${tr(`命中 ${fmtNum(done.result.hit_count)} 条；线索：新增 ${done.result.clues.new}、仍存在 ${done.result.clues.present}、有变化 ${done.result.clues.changed}、已消失 ${done.result.clues.gone}`,
        `${fmtNum(done.result.hit_count)} hits; clues: ${done.result.clues.new} new, ${done.result.clues.present} present, ${done.result.clues.changed} changed, ${done.result.clues.gone} gone`)}</p>
      <a href=${`#/runs/${done.result.run_id}`} data-testid="run-link">${tr("查看本次运行", "Open this run")}</a>
      ${can("clues.read") ? html`<a href=${`#/clues${qs({ model_id: model.id })}`}>${tr("查看该模型的线索", "Open this model's clues")}</a>` : null}
    </div>` : null}
  <//>`;
}

export default function ModelPage({ params, query }) {
  const version = query.version || null;
  // (params.id is absent for a moment while the router swaps screens)
  const path = params.id ? `/api/models/${encodeURIComponent(params.id)}${qs({ version })}` : null;
  const { data: model, error, loading, reload } = useApi(path);
  const [tab, setTab] = useState(query.tab || "overview");
  const [running, setRunning] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  const [runTick, setRunTick] = useState(0);
  const [publishing, setPublishing] = useState(false);
  const [publishError, setPublishError] = useState(null);

  if (loading && !model) return html`<${Loading} />`;
  if (error) return html`<${Page} title=${tr("监督模型", "Model")}><${ErrorBox} error=${error} /><//>`;
  if (!model) return null;

  const publish = async (visibility) => {
    setPublishing(true);
    setPublishError(null);
    try {
      await api("POST", `/api/models/${encodeURIComponent(model.id)}/versions/${model.version}/publish`, { visibility });
      notify(visibility === "province"
        ? tr("已发布到全省", "Published to the province")
        : tr("已发布到本院", "Published to the unit"));
      reload();
    } catch (err) {
      setPublishError(err);
    } finally {
      setPublishing(false);
    }
  };

  const actions = html`
    ${can("models.run") ? html`<${Button} kind="primary" testid="model-run" onClick=${() => setRunning(true)}>${tr("运行", "Run")}<//>` : null}
    ${can("models.run") ? html`<${Button} testid="model-schedule" onClick=${() => setScheduling(true)}>${tr("定时运行", "Schedule")}<//>` : null}
    ${can("models.write") ? html`<${Button} testid="model-edit" onClick=${() => navigate(`/builder/${model.id}?version=${model.version}`)}>${tr("在构建器中编辑", "Edit in builder")}<//>` : null}
    ${model.can_publish && model.visibility === "private" ? html`<${Button} testid="publish-unit" disabled=${publishing}
        onClick=${() => publish("unit")}>${tr("发布到本院", "Publish to unit")}<//>` : null}
    ${model.can_publish && model.visibility !== "province" ? html`<${Button} testid="publish-province" disabled=${publishing}
        onClick=${() => publish("province")}>${tr("发布到全省", "Publish to province")}<//>` : null}`;

  const tabs = [
    { key: "overview", label: tr("概览", "Overview") },
    { key: "yaml", label: "YAML" },
    { key: "sql", label: "SQL" },
    { key: "versions", label: tr(`版本（${model.versions.length}）`, `Versions (${model.versions.length})`) },
    { key: "runs", label: tr("运行记录", "Run history") },
    ...(can("models.run") ? [{ key: "preview", label: tr("试运行", "Preview") }] : []),
  ];
  return html`<${Page} title=${modelName(model)} actions=${actions}>
    <div class="row model-meta" data-testid="model-meta">
      <span class="mono">${model.id}</span> <span>v${model.version}</span>
      <${OriginBadge} origin=${model.origin} /> <${StatusBadge} status=${model.visibility} />
      ${model.owner_unit_name ? html`<span class="muted">${model.owner_unit_name}</span>` : null}
      ${model.versions.length > 1 && model.versions[0].version !== model.version
        ? html`<span class="badge badge-warn">${tr(`最新为 v${model.versions[0].version}`, `newest is v${model.versions[0].version}`)}</span>` : null}
    </div>
    <${ErrorBox} error=${publishError} />
    <${Tabs} tabs=${tabs} active=${tab} onChange=${setTab} />
    ${tab === "overview" ? html`<${Overview} model=${model} />` : null}
    ${tab === "yaml" ? html`<${Card} title=${tr("模型文件", "Model file")}><pre class="model-code" data-testid="model-yaml">${model.yaml}</pre><//>` : null}
    ${tab === "sql" ? html`<${SqlView} model=${model} />` : null}
    ${tab === "versions" ? html`<${Versions} model=${model} />` : null}
    ${tab === "runs" ? html`<${History} model=${model} tick=${runTick} />` : null}
    ${tab === "preview" ? html`<${PreviewTab} model=${model} key=${`${model.id}-${model.version}`} />` : null}
    <${RunDialog} model=${model} open=${running} onClose=${() => setRunning(false)}
      onFinished=${() => setRunTick((n) => n + 1)} />
    <${ScheduleDialog} open=${scheduling} modelId=${model.id} modelName=${modelName(model)} onClose=${() => setScheduling(false)}
      onSaved=${() => { setScheduling(false); navigate("/jobs"); }} />
  <//>`;
}

