// #/entities and #/entities/<id> — 一人一档: find a person, company or vehicle, then read
// everything the pool holds on it (GET /api/entities…). The search and its options live in
// the address (#/entities?q=…&kind=…&unmask=1), so the back button returns to the list.
// What is shown comes from the datasets the caller may see, masked unless they hold
// pii.unmask and ask for it (audited by the server). The graph is ui.js's Cytoscape
// <Graph>, coloured and explained as on the clue screen (clue.js), with a table beside it.
import {
  html, useState, useEffect, tr, api, navigate, qs, can, fmtNum, fmtDate,
} from "../core.js";
import {
  Page, Card, Table, KeyValue, Badge, Button, ErrorBox, Loading, Empty, Graph,
} from "../ui.js";
import { KIND_COLOURS } from "./clue.js";

// An API error in the current language (its message was fixed when it was thrown).
function errorText(error) {
  return error && error.zh ? tr(error.zh, error.en) : error;
}

const KINDS = {
  person: ["人员", "Person", "info", "person"],
  org: ["单位", "Organisation", "ok", "company"],
  vehicle: ["车辆", "Vehicle", "warn", "vehicle"],
};

const RELATIONS = {
  co_party: ["同案同方当事人", "co-party"],
  opposing_party: ["对方当事人", "opposing party"],
  agent: ["代理", "agent"],
  legal_rep: ["法定代表人", "legal representative"],
  employer: ["用工/参保单位", "employer"],
  registration_agent: ["登记代理人", "registration agent"],
  vehicle_owner: ["车辆所有人", "vehicle owner"],
  auction_buyer: ["拍卖买受人", "auction buyer"],
  auction_debtor: ["买受人与被执行人", "buyer and debtor"],
  insured: ["投保", "insured"],
  injured: ["伤者", "injured"],
  driver: ["事故车辆", "driver"],
  creditor: ["债权人", "creditor"],
  invoice: ["开票往来", "invoices"],
  incident: ["报案人与嫌疑人", "reporter and suspect"],
  same_phone: ["同电话", "same phone"],
  same_address: ["同地址", "same address"],
};

const MATCHED = {
  entity_id: ["实体ID", "entity id"],
  key: ["证件号码", "ID / code"],
  name: ["名称相同", "same name"],
  name_contains: ["名称包含", "name contains"],
};

const MATCH = {
  key: ["证件号相同", "same key"],
  probabilistic: ["概率匹配", "probabilistic"],
  single: ["单独记录", "single"],
};

function label(map, key) {
  const known = map[key];
  return known ? tr(known[0], known[1]) : String(key ?? "");
}

function relationPath(path) {
  return String(path || "").split(">").map((step) => label(RELATIONS, step)).join(" → ");
}

export function KindBadge({ kind }) {
  const known = KINDS[kind];
  return html`<${Badge} tone=${known ? known[2] : "muted"}>${label(KINDS, kind)}<//>`;
}

function cell(value) {
  if (value === null || value === undefined || value === "") return html`<span class="muted">—</span>`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// A link to an entity's profile, keeping the unmask choice.
function EntityLink({ id, name, unmask }) {
  if (!id) return html`<span class="muted">—</span>`;
  return html`<a href=${`#/entities/${encodeURIComponent(id)}${qs({ unmask: unmask ? "1" : "" })}`}
    data-testid="entity-link" title=${id}>${name || id}</a>`;
}

function keyOf(entity) {
  return entity.id_card || entity.uscc || entity.vin || entity.plate || "";
}

// ---- search --------------------------------------------------------------------------------

function SearchForm({ query }) {
  const [draft, setDraft] = useState({ q: query.q || "", kind: query.kind || "", unmask: query.unmask || "" });
  const submit = (event) => {
    event.preventDefault();
    const q = draft.q.trim();
    if (q) navigate(`/entities${qs({ q, kind: draft.kind, unmask: draft.unmask })}`);
  };
  return html`<form class="search-form" role="search" onSubmit=${submit}
      aria-label=${tr("查找人员、单位、车辆", "find people, organisations and vehicles")}>
    <div class="search-box">
      <label for="entity-q" class="sr-only">${tr("姓名、名称或证件号码", "Name, ID number or code")}</label>
      <input id="entity-q" type="search" data-testid="entity-q" value=${draft.q} maxlength="100"
        placeholder=${tr("姓名、单位名称、身份证号、统一社会信用代码、号牌或车架号",
          "a name, an ID number, a credit code, a plate or a VIN")}
        onInput=${(e) => setDraft({ ...draft, q: e.target.value })} />
      <${Button} type="submit" kind="primary" testid="entity-submit">${tr("查找", "Find")}<//>
    </div>
    <div class="search-filters">
      <label class="search-filter"><span>${tr("类型", "Kind")}</span>
        <select id="entity-kind" data-testid="entity-kind" value=${draft.kind}
            onChange=${(e) => setDraft({ ...draft, kind: e.target.value })}>
          <option value="">${tr("全部", "All")}</option>
          ${Object.keys(KINDS).map((k) => html`<option value=${k} selected=${k === draft.kind}>${label(KINDS, k)}</option>`)}
        </select></label>
      ${can("pii.unmask") ? html`<label class="data-check search-unmask"><input type="checkbox"
          data-testid="entity-unmask" checked=${!!draft.unmask}
          onChange=${(e) => setDraft({ ...draft, unmask: e.target.checked ? "1" : "" })} />
        ${tr("显示完整个人信息（记录审计）", "Show personal data (audited)")}</label>` : null}
    </div>
  </form>`;
}

function Results({ query }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const path = `/api/entities${qs({ q: query.q.trim(), kind: query.kind, unmask: query.unmask ? "true" : "" })}`;
  useEffect(() => {
    let live = true;
    setResult(null);
    setError(null);
    api("GET", path).then((found) => live && setResult(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [path]);
  if (error) return html`<${ErrorBox} error=${errorText(error)} />`;
  if (!result) return html`<${Loading} />`;
  const unmask = query.unmask;
  const columns = [
    { key: "name", label: tr("名称", "Name"), render: (r) => html`<${EntityLink} id=${r.entity_id} name=${r.name} unmask=${unmask} />` },
    { key: "kind", label: tr("类型", "Kind"), render: (r) => html`<${KindBadge} kind=${r.entity_kind} />` },
    { key: "key", label: tr("证件号码", "ID / code"), render: (r) => cell(keyOf(r)) },
    { key: "records", label: tr("记录数", "Records"), render: (r) => fmtNum(r.record_count) },
    { key: "datasets", label: tr("数据集", "Datasets"), render: (r) => fmtNum(r.dataset_count) },
    { key: "cases", label: tr("案件", "Cases"), render: (r) => fmtNum(r.case_count) },
    { key: "matched", label: tr("匹配方式", "Matched by"), render: (r) => label(MATCHED, r.matched) },
  ];
  return html`<${Card} testid="entity-results">
    <p class="search-total" role="status" data-testid="entity-total">${result.results.length
      ? tr(`找到 ${result.results.length} 个`, `${result.results.length} found`)
      : tr("没有找到", "Nothing found")}</p>
    <${Table} columns=${columns} rows=${result.results} rowKey="entity_id" testid="entity-results-table"
      caption=${tr("查找结果", "Results")}
      onRow=${(r) => navigate(`/entities/${encodeURIComponent(r.entity_id)}${qs({ unmask })}`)}
      empty=${tr("您可见的数据中没有符合的人员、单位或车辆。", "Nobody in the data you may see matches.")} />
    ${result.masked && result.results.length ? html`<p class="muted">${tr("姓名与身份证号已遮蔽。",
      "Names and ID numbers are masked.")}</p>` : null}
  <//>`;
}

function Help() {
  return html`<div class="search-help" data-testid="entity-help">
    <p>${tr("一人一档：把数据池中同一个人、单位或车辆的全部记录归到一起，并显示其关系网。",
      "One profile per person, company or vehicle: every record of it across the pool, and its relationships.")}</p>
    <ul>
      <li>${tr("按身份证号、统一社会信用代码、号牌或车架号查找最准确；", "An ID number, credit code, plate or VIN finds exactly one;")}</li>
      <li>${tr("按姓名或名称查找时，繁体、全角、空格不影响结果，先列同名，再列包含该词的；",
        "a name matches whatever its script or spacing: the same name first, then names containing it;")}</li>
      <li>${tr("只显示您有权查看的数据集中的记录。", "only records of the datasets you may see are shown.")}</li>
    </ul>
  </div>`;
}

// ---- profile -------------------------------------------------------------------------------

function Summary({ profile }) {
  const e = profile.entity;
  const items = [
    [tr("类型", "Kind"), html`<${KindBadge} kind=${e.entity_kind} />`],
    [tr("名称", "Name"), cell(e.name)],
    e.id_card ? [tr("身份证号", "ID number"), e.id_card] : null,
    e.uscc ? [tr("统一社会信用代码", "Credit code"), e.uscc] : null,
    e.plate ? [tr("号牌", "Plate"), e.plate] : null,
    e.vin ? [tr("车架号", "VIN"), e.vin] : null,
    [tr("记录数", "Records"), fmtNum(e.record_count)],
    [tr("涉及数据集", "Datasets"), fmtNum(e.dataset_count)],
    [tr("涉案数", "Cases"), fmtNum(e.case_count)],
    [tr("关联实体数", "Linked entities"), fmtNum(e.degree)],
    profile.complete ? [tr("关系网", "Component"), e.component_id
      ? html`<span data-testid="entity-component">${tr(`${fmtNum(e.component_size)} 个实体`, `${fmtNum(e.component_size)} entities`)}
          · <${EntityLink} id=${e.component_id} name=${e.component_id} /></span>` : cell(null)] : null,
    profile.complete ? [tr("关系圈", "Ring"), e.ring_id
      ? html`<span data-testid="entity-ring">${tr(`${fmtNum(e.ring_size)} 个实体成环`, `a ring of ${fmtNum(e.ring_size)}`)}
          · <${EntityLink} id=${e.ring_id} name=${e.ring_id} /></span>` : tr("不在环上", "not on a ring")] : null,
  ];
  return html`<${Card} title=${tr("基本情况", "Summary")} testid="entity-summary">
    <${KeyValue} items=${items} />
    <p class="muted">${tr("实体ID", "Entity id")} <code>${e.entity_id}</code></p>
    ${profile.complete ? null : html`<p class="muted" data-testid="entity-partial">${tr(
      "以上只依据您可查看的数据集；关系网与关系圈涉及其他数据，不予显示。",
      "Counted from the datasets you may see; the component and ring reach into other data and are not shown.")}</p>`}
    ${profile.masked ? html`<p class="muted">${tr("姓名、身份证号与电话已遮蔽。", "Names, ID and phone numbers are masked.")}</p>` : null}
  <//>`;
}

function Timeline({ events, names }) {
  if (!events.length) return null;
  const columns = [
    { key: "date", label: tr("日期", "Date"), render: (r) => fmtDate(r.event_date) },
    { key: "dataset", label: tr("数据集", "Dataset"), render: (r) => names[r.source_dataset] || r.source_dataset },
    { key: "role", label: tr("角色", "Role"), render: (r) => cell(r.role) },
    { key: "case", label: tr("案号", "Case no."), render: (r) => cell(r.case_no) },
    { key: "records", label: tr("记录", "Records"), render: (r) => fmtNum(r.records) },
  ];
  return html`<${Card} title=${tr("时间线", "Timeline")} testid="entity-timeline">
    <${Table} columns=${columns} rows=${events.map((r, i) => ({ ...r, __key: i }))} rowKey="__key"
      caption=${tr("时间线", "Timeline")} />
  <//>`;
}

function DatasetRecords({ group, onMore }) {
  // The dataset's own fields that any shown row has a value for, in the catalog's order.
  const rows = group.records.map((item) => item.row).filter(Boolean);
  const fields = group.fields.filter((f) => rows.some((row) => row[f.name] !== null && row[f.name] !== undefined));
  const columns = [
    { key: "role", label: tr("角色", "Role"), render: (r) => cell(r.record.role) },
    { key: "match", label: tr("归并方式", "Matched by"), render: (r) => html`<span title=${`${r.record.match_probability}%`}>${label(MATCH, r.record.match)}</span>` },
    ...fields.map((f) => ({ key: f.name, label: tr(f.label_zh, f.label_en), render: (r) => (r.row ? cell(r.row[f.name]) : "") })),
  ];
  if (!fields.length) {
    columns.push({ key: "gone", label: tr("来源记录", "Source row"), render: (r) => (r.row ? "" : html`<span class="muted">${tr("来源批次已不在数据池", "source batch no longer in the pool")}</span>`) });
  }
  const title = `${tr(group.name_zh, group.name_en || group.name_zh)} · ${group.records.length < group.total
    ? tr(`前 ${group.records.length} 条，共 ${fmtNum(group.total)} 条`, `first ${group.records.length} of ${fmtNum(group.total)}`)
    : tr(`${fmtNum(group.total)} 条`, `${fmtNum(group.total)} records`)}`;
  return html`<${Card} title=${title} testid="entity-records">
    <${Table} columns=${columns} rows=${group.records.map((r, i) => ({ ...r, __key: i }))} rowKey="__key"
      caption=${tr(group.name_zh, group.name_en || group.name_zh)} />
    ${onMore && group.records.length < group.total ? html`<${Button} kind="link" testid="entity-more"
      onClick=${onMore}>${tr(`显示更多（最多 ${MORE} 条）`, `Show more (up to ${MORE})`)}<//>` : null}
  <//>`;
}

function Relations({ profile, unmask }) {
  if (!profile.relations.length) return null;
  const columns = [
    { key: "relation", label: tr("关系", "Relation"), render: (r) => label(RELATIONS, r.relation) },
    { key: "other", label: tr("对方", "With"), render: (r) => html`<${EntityLink} id=${r.entity_b} name=${r.other_name} unmask=${unmask} />` },
    { key: "kind", label: tr("类型", "Kind"), render: (r) => html`<${KindBadge} kind=${r.kind_b} />` },
    { key: "case", label: tr("案号", "Case no."), render: (r) => cell(r.case_no) },
    { key: "source", label: tr("来源", "Source"), render: (r) => (r.source_dataset === "entity" ? tr("多数据集比对", "across datasets") : r.source_dataset) },
    { key: "weight", label: tr("次数", "Times"), render: (r) => fmtNum(r.weight) },
  ];
  const more = profile.relations_total > profile.relations.length;
  return html`<${Card} title=${tr(`关系（${fmtNum(profile.relations_total)}）`, `Relations (${fmtNum(profile.relations_total)})`)} testid="entity-relations">
    <${Table} columns=${columns} rows=${profile.relations.map((r, i) => ({ ...r, __key: i }))} rowKey="__key"
      caption=${tr("关系", "Relations")} />
    ${more ? html`<p class="muted">${tr(`只列出最常见的 ${profile.relations.length} 条。`, `The ${profile.relations.length} strongest are listed.`)}</p>` : null}
  <//>`;
}

function PartyRelations({ rows, unmask }) {
  if (!rows.length) return null;
  const columns = [
    { key: "case", label: tr("案号", "Case no."), render: (r) => cell(r.case_no) },
    { key: "a", label: tr("当事人甲", "Party A"), render: (r) => html`<${EntityLink} id=${r.party_a} name=${r.party_a_name} unmask=${unmask} /> <span class="muted">${r.party_a_role || ""}</span>` },
    { key: "b", label: tr("当事人乙", "Party B"), render: (r) => html`<${EntityLink} id=${r.party_b} name=${r.party_b_name} unmask=${unmask} /> <span class="muted">${r.party_b_role || ""}</span>` },
    { key: "hops", label: tr("关联步数", "Hops"), render: (r) => fmtNum(r.hops) },
    { key: "via", label: tr("经由", "Via"), render: (r) => (r.via ? html`<${EntityLink} id=${r.via} name=${r.via_name} unmask=${unmask} />` : cell(null)) },
    { key: "path", label: tr("关联路径", "Path"), render: (r) => relationPath(r.path) },
  ];
  return html`<${Card} title=${tr("原被告关联（虚假诉讼线索）", "Related opposing parties (possible collusive suits)")} testid="entity-party-relations">
    <p class="muted">${tr("同一案件中立场相对的当事人，在本案之外的关系图中两步以内相连。",
      "Opposing parties of one case who are linked within two steps outside that case.")}</p>
    <${Table} columns=${columns} rows=${rows.map((r, i) => ({ ...r, __key: i }))} rowKey="__key"
      caption=${tr("原被告关联", "Related opposing parties")} />
  <//>`;
}

function Neighbourhood({ entityId, unmask }) {
  const [hops, setHops] = useState(1);
  const [graph, setGraph] = useState(null);
  const [error, setError] = useState(null);
  const path = `/api/entities/${encodeURIComponent(entityId)}/graph${qs({ hops, unmask: unmask ? "true" : "" })}`;
  useEffect(() => {
    let live = true;
    setGraph(null);
    setError(null);
    api("GET", path).then((found) => live && setGraph(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [path]);
  const nameOf = (id) => ((graph && graph.nodes.find((n) => n.entity_id === id)) || {}).name || id;
  const elements = graph ? [
    ...graph.nodes.map((n) => ({
      data: {
        id: n.entity_id,
        label: n.entity_id === entityId ? `★ ${n.name || n.entity_id}` : (n.name || n.entity_id),
        color: KIND_COLOURS[(KINDS[n.entity_kind] || [])[3]] || "#5b6878",
      },
    })),
    ...graph.edges.map((e, i) => ({
      data: { id: `e${i}`, source: e.entity_a, target: e.entity_b, label: label(RELATIONS, e.relation) },
    })),
  ] : [];
  const kinds = graph ? [...new Set(graph.nodes.map((n) => n.entity_kind))] : [];
  const hopsPicker = html`<label class="search-filter entity-hops"><span>${tr("步数", "Hops")}</span>
    <select data-testid="entity-hops" value=${String(hops)} onChange=${(e) => setHops(Number(e.target.value))}>
      ${[1, 2, 3].map((h) => html`<option value=${h} selected=${h === hops}>${tr(`${h} 步以内`, `within ${h}`)}</option>`)}
    </select></label>`;
  return html`<${Card} title=${tr("关系网", "Relationship graph")} testid="entity-graph" actions=${hopsPicker}>
    <${ErrorBox} error=${errorText(error)} />
    ${!graph && !error ? html`<${Loading} />` : null}
    ${graph ? html`
      <p class="muted">${tr("点击节点打开其档案；连线为两者之间的关系。", "Click a node to open its profile; a line is a relation between the two.")}</p>
      <div class="cl-legend">${kinds.map((k) => html`<span class="cl-legend-item"><span class=${`cl-dot cl-kind-${(KINDS[k] || [])[3] || k}`}></span>${label(KINDS, k)}</span>`)}</div>
      ${graph.edges.length
        ? html`<${Graph} elements=${elements} height=${graph.nodes.length > 12 ? 480 : 380}
            layout=${graph.nodes.length > 12 ? "cose" : "circle"} testid="graph"
            label=${tr(`关系网：${graph.nodes.length} 个实体，${graph.edges.length} 条关系`,
              `graph: ${graph.nodes.length} entities, ${graph.edges.length} relations`)}
            onTap=${(node) => node.id !== entityId && navigate(`/entities/${encodeURIComponent(node.id)}${qs({ unmask: unmask ? "1" : "" })}`)} />`
        : html`<${Empty}>${tr("您可见的数据中没有与之相关的实体。", "No related entity in the data you may see.")}<//>`}
      ${graph.truncated ? html`<p class="muted" data-testid="entity-graph-truncated">${tr("实体过多，只显示关系最密切的一部分。",
        "Too many entities: the most closely linked are shown.")}</p>` : null}
      ${graph.edges.length ? html`<details class="cl-graph-text"><summary>${tr("以表格查看关系", "The relations as a table")}</summary>
        <${Table} columns=${[
          { key: "a", label: tr("实体甲", "Entity A"), render: (e) => html`<${EntityLink} id=${e.entity_a} name=${nameOf(e.entity_a)} unmask=${unmask} />` },
          { key: "relation", label: tr("关系", "Relation"), render: (e) => label(RELATIONS, e.relation) },
          { key: "b", label: tr("实体乙", "Entity B"), render: (e) => html`<${EntityLink} id=${e.entity_b} name=${nameOf(e.entity_b)} unmask=${unmask} />` },
          { key: "weight", label: tr("次数", "Times"), render: (e) => fmtNum(e.weight) },
        ]} rows=${graph.edges.map((e, i) => ({ ...e, __key: i }))} rowKey="__key" caption=${tr("关系", "Relations")} />
      </details>` : null}` : null}
  <//>`;
}

// Records per dataset: a first look, then more on request (the server caps at 1000).
const FIRST = 20;
const MORE = 500;

function ProfileView({ entityId, unmask }) {
  const [profile, setProfile] = useState(null);
  const [error, setError] = useState(null);
  const [perDataset, setPerDataset] = useState(FIRST);
  const path = `/api/entities/${encodeURIComponent(entityId)}${qs({
    unmask: unmask ? "true" : "", per_dataset: perDataset })}`;
  useEffect(() => {
    let live = true;
    api("GET", path).then((found) => live && setProfile(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [path]);
  if (error) return html`<${ErrorBox} error=${errorText(error)} />`;
  if (!profile) return html`<${Loading} />`;
  const names = Object.fromEntries(profile.datasets.map((g) => [g.dataset_id, tr(g.name_zh, g.name_en || g.name_zh)]));
  return html`<div class="entity-profile" data-testid="entity-profile">
    <${Summary} profile=${profile} />
    <${Neighbourhood} entityId=${entityId} unmask=${unmask} />
    <${Relations} profile=${profile} unmask=${unmask} />
    <${PartyRelations} rows=${profile.party_relations} unmask=${unmask} />
    ${profile.datasets.map((group) => html`<${DatasetRecords} key=${group.dataset_id} group=${group}
      onMore=${perDataset < MORE ? () => setPerDataset(MORE) : null} />`)}
    <${Timeline} events=${profile.timeline} names=${names} />
  </div>`;
}

export default function Entity({ params, query }) {
  const q = (query.q || "").trim();
  if (params.id) {
    const back = html`<${Button} kind="link" testid="entity-back" onClick=${() => history.back()}>${tr("← 返回", "← Back")}<//>`;
    return html`<${Page} title=${tr("一人一档", "Entity profile")} actions=${back}>
      <${ProfileView} entityId=${params.id} unmask=${!!query.unmask} />
    <//>`;
  }
  return html`<${Page} title=${tr("一人一档", "Entity profiles")}>
    <${Card}><${SearchForm} query=${query} key=${JSON.stringify(query)} /><//>
    ${q ? html`<${Results} query=${{ ...query, q }} />` : html`<${Card}><${Help} /><//>`}
  <//>`;
}
