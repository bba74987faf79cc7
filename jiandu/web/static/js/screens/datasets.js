// 数据资源目录 — the data resource directory: every dataset the caller may see, with its
// rows in the pool, batches, last import, sensitivity and owner unit; search and filters.
import { html, useState, useMemo, tr, useApi, navigate, can, fmtNum, fmtDateTime } from "../core.js";
import { Page, Table, Badge, ErrorBox, Loading, Button, Select, Empty } from "../ui.js";

export const SENSITIVITY = {
  public: ["公开", "public", "ok"],
  internal: ["内部", "internal", "info"],
  sensitive: ["敏感", "sensitive", "warn"],
  secret: ["机密", "secret", "bad"],
};

export function SensitivityBadge({ value }) {
  const known = SENSITIVITY[value] || [value, value, "muted"];
  return html`<${Badge} tone=${known[2]}>${tr(known[0], known[1])}<//>`;
}

export function datasetName(d) {
  return tr(d.name_zh, d.name_en);
}

function matches(dataset, text) {
  if (!text) return true;
  const needle = text.trim().toLowerCase();
  return [dataset.id, dataset.name_zh, dataset.name_en, dataset.source_agency_zh,
    dataset.source_agency_en, dataset.owner_unit_name]
    .some((value) => value && String(value).toLowerCase().includes(needle));
}

export default function Datasets() {
  const { data, error, loading } = useApi("/api/datasets");
  const [text, setText] = useState("");
  const [sensitivity, setSensitivity] = useState("");
  const [withData, setWithData] = useState(false);
  const rows = useMemo(
    () => (data || []).filter((d) => matches(d, text)
      && (!sensitivity || d.sensitivity === sensitivity)
      && (!withData || d.rows > 0)),
    [data, text, sensitivity, withData],
  );
  const totals = useMemo(() => (data || []).reduce(
    (sum, d) => ({ rows: sum.rows + (d.rows || 0), batches: sum.batches + (d.batch_count || 0) }),
    { rows: 0, batches: 0 },
  ), [data]);

  const columns = [
    { key: "name", label: tr("数据集", "Dataset"), render: (d) => html`<a href=${`#/data/${d.id}`}
        data-testid=${`dataset-link-${d.id}`}>${datasetName(d)}</a>
        <div class="muted mono data-id">${d.id}</div>` },
    { key: "agency", label: tr("来源单位", "Source agency"),
      render: (d) => tr(d.source_agency_zh || "", d.source_agency_en || "") || "—" },
    { key: "rows", label: tr("数据行数", "Rows"), className: "num", render: (d) => fmtNum(d.rows) },
    { key: "batches", label: tr("批次", "Batches"), className: "num", render: (d) => fmtNum(d.batch_count) },
    { key: "fields", label: tr("字段数", "Fields"), className: "num", render: (d) => fmtNum(d.fields) },
    { key: "last_import", label: tr("最近导入", "Last import"),
      render: (d) => (d.last_import ? fmtDateTime(d.last_import) : "—") },
    { key: "sensitivity", label: tr("密级", "Sensitivity"),
      render: (d) => html`<${SensitivityBadge} value=${d.sensitivity} />` },
    { key: "owner", label: tr("归属单位", "Owner unit"), render: (d) => d.owner_unit_name || "—" },
  ];

  const actions = can("datasets.import")
    ? html`<${Button} kind="primary" testid="go-import" onClick=${() => navigate("/import")}>
        ${tr("导入数据", "Import data")}<//>`
    : null;

  return html`<${Page} title=${tr("数据资源目录", "Data resource directory")} actions=${actions}>
    ${loading && !data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${error} />
    ${data ? html`
      <div class="stats" data-testid="data-stats">
        <div class="stat"><div class="value">${fmtNum(data.length)}</div>
          <div class="label">${tr("数据集", "datasets")}</div></div>
        <div class="stat"><div class="value">${fmtNum(totals.rows)}</div>
          <div class="label">${tr("数据行", "rows in the pool")}</div></div>
        <div class="stat"><div class="value">${fmtNum(totals.batches)}</div>
          <div class="label">${tr("已入池批次", "committed batches")}</div></div>
      </div>
      <div class="data-filters" role="search">
        <input id="dataset-search" type="search" data-testid="dataset-search" value=${text}
          aria-label=${tr("搜索数据集", "Search datasets")}
          placeholder=${tr("按名称、编号、来源单位搜索", "Search by name, id or agency")}
          onInput=${(e) => setText(e.target.value)} />
        <${Select} id="dataset-sensitivity" label=${tr("密级", "Sensitivity")} value=${sensitivity}
          onChange=${setSensitivity}
          options=${[{ value: "", label: tr("全部密级", "Any sensitivity") },
            ...Object.entries(SENSITIVITY).map(([value, [zh, en]]) => ({ value, label: tr(zh, en) }))]} />
        <label class="data-check"><input type="checkbox" checked=${withData}
          onChange=${(e) => setWithData(e.target.checked)} /> ${tr("仅显示有数据的", "Only with data")}</label>
        <span class="muted">${tr(`共 ${rows.length} 个`, `${rows.length} shown`)}</span>
      </div>
      ${data.length === 0
        ? html`<${Empty}>${tr("还没有导入任何数据。", "No data has been imported yet.")}
            ${can("datasets.import") ? html` <a href="#/import">${tr("去导入", "Import some")}</a>` : null}<//>`
        : html`<${Table} testid="datasets-table" columns=${columns} rows=${rows}
            onRow=${(d) => navigate(`/data/${d.id}`)}
            empty=${tr("没有符合条件的数据集", "No dataset matches")} />`}
    ` : null}
  <//>`;
}
