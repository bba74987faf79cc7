// 监督模型库 — the model library: built-in models and the stored versions the caller may
// see, with the datasets each reads, its visibility and its last run; search and filters.
import { html, useState, useMemo, tr, useApi, navigate, can, fmtNum, fmtDateTime } from "../core.js";
import { Page, Table, ErrorBox, Loading, Button, Select, StatusBadge } from "../ui.js";
import { modelName, OriginBadge } from "./model_parts.js";

function matches(model, text) {
  if (!text) return true;
  const needle = text.trim().toLowerCase();
  return [model.id, model.name_zh, model.name_en, model.owner_unit_name,
    ...model.datasets.flatMap((d) => [d.id, d.name_zh, d.name_en])]
    .some((value) => value && String(value).toLowerCase().includes(needle));
}

export default function Models({ query }) {
  const { data, error, loading } = useApi("/api/models");
  const [text, setText] = useState(query.q || "");
  const [dataset, setDataset] = useState(query.dataset || "");
  const [origin, setOrigin] = useState("");
  const [visibility, setVisibility] = useState("");
  const datasets = useMemo(() => {
    const seen = new Map();
    for (const m of data || []) for (const d of m.datasets) seen.set(d.id, d);
    return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
  }, [data]);
  const rows = useMemo(() => (data || []).filter((m) => matches(m, text)
      && (!dataset || m.datasets.some((d) => d.id === dataset))
      && (!origin || m.origin === origin)
      && (!visibility || m.visibility === visibility)), [data, text, dataset, origin, visibility]);

  const columns = [
    { key: "name", label: tr("模型", "Model"), render: (m) => html`<a href=${`#/models/${m.id}`}
        data-testid=${`model-link-${m.id}`}>${modelName(m)}</a>
        <div class="muted mono">${m.id}</div>` },
    { key: "version", label: tr("版本", "Version"), className: "num", render: (m) => `v${m.version}` },
    { key: "origin", label: tr("来源", "Origin"), render: (m) => html`<${OriginBadge} origin=${m.origin} />
        ${m.owner_unit_name ? html`<div class="muted">${m.owner_unit_name}</div>` : null}` },
    { key: "datasets", label: tr("使用的数据", "Datasets"),
      render: (m) => html`<ul class="model-datasets">${m.datasets.map((d) => html`<li>${tr(d.name_zh, d.name_en)}</li>`)}</ul>` },
    { key: "visibility", label: tr("可见范围", "Visibility"), render: (m) => html`<${StatusBadge} status=${m.visibility} />` },
    { key: "last_run", label: tr("最近运行", "Last run"), render: (m) => (m.last_run
      ? html`<a href=${`#/runs/${m.last_run.id}`}>${fmtDateTime(m.last_run.started_at)}</a>
          <div><${StatusBadge} status=${m.last_run.status} /></div>`
      : html`<span class="muted">${tr("未运行", "never run")}</span>`) },
    { key: "hits", label: tr("命中", "Hits"), className: "num",
      render: (m) => (m.last_run && m.last_run.hit_count !== null ? fmtNum(m.last_run.hit_count) : "—") },
  ];

  const actions = can("models.write")
    ? html`<${Button} kind="primary" testid="new-model" onClick=${() => navigate("/builder")}>
        ${tr("新建模型", "New model")}<//>`
    : null;

  return html`<${Page} title=${tr("监督模型库", "Supervision model library")} actions=${actions}>
    ${loading && !data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${error} />
    ${data ? html`
      <div class="model-filters" role="search">
        <input id="model-search" type="search" data-testid="model-search" value=${text}
          aria-label=${tr("搜索模型（名称、编号、数据）", "Search models (name, id, dataset)")}
          placeholder=${tr("搜索名称、编号、数据集…", "Search name, id, dataset…")}
          onInput=${(e) => setText(e.target.value)} />
        <${Select} id="model-dataset" label=${tr("按数据集筛选", "Filter by dataset")} value=${dataset}
          onChange=${setDataset} options=${[{ value: "", label: tr("全部数据集", "All datasets") },
            ...datasets.map((d) => ({ value: d.id, label: tr(d.name_zh, d.name_en) }))]} />
        <${Select} id="model-origin" label=${tr("按来源筛选", "Filter by origin")} value=${origin}
          onChange=${setOrigin} options=${[{ value: "", label: tr("全部来源", "All origins") },
            { value: "library", label: tr("内置模型", "Built-in") },
            { value: "imported", label: tr("自建模型", "Stored") }]} />
        <${Select} id="model-visibility" label=${tr("按可见范围筛选", "Filter by visibility")} value=${visibility}
          onChange=${setVisibility} options=${[{ value: "", label: tr("全部范围", "Any visibility") },
            { value: "private", label: tr("仅本人", "private") }, { value: "unit", label: tr("本院", "unit") },
            { value: "province", label: tr("全省", "province") }]} />
        <span class="muted">${tr(`共 ${rows.length} 个模型`, `${rows.length} models`)}</span>
      </div>
      <${Table} testid="models-table" rows=${rows} columns=${columns}
        onRow=${(m) => navigate(`/models/${m.id}`)}
        empty=${tr("没有符合条件的模型", "No model matches")} />` : null}
  <//>`;
}
