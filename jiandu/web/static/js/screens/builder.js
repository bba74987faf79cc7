// 模型构建 — the visual model builder, for prosecutors who are not programmers: pick
// datasets, add steps (joins, filters, grouping with aggregates, derived columns, kept
// columns: the parts a model step has), set parameters, name the model and choose what
// each clue says. A side panel shows the YAML and the compiled SQL the server makes of
// the form, live; Validate names the step and field of the first problem; Preview runs the
// draft over the pool (nothing recorded) and shows the funnel and the first hits, masked;
// Save stores a new private version. The YAML tab edits the model file directly.
import {
  html, useState, useEffect, useMemo, useRef, tr, lang, api, useApi, navigate, qs, fmtNum,
} from "../core.js";
import {
  Page, Card, ErrorBox, Loading, Button, Tabs, Field, Select, notify, Badge,
} from "../ui.js";
import {
  Funnel, HitsTable, ParamInput, label, SEVERITY_LABELS, SUBJECT_LABELS, PARAM_TYPE_LABELS,
  JOIN_LABELS,
} from "./model_parts.js";

// ---- labels --------------------------------------------------------------------------
const PART_LABELS = {
  join: ["连接其他数据", "Join other data"],
  filter: ["筛选条件", "Filter"],
  group_by: ["分组", "Group by"],
  aggregate: ["汇总", "Aggregate"],
  having: ["汇总后条件", "Condition on groups"],
  derive: ["派生列", "Derived columns"],
  keep: ["保留列", "Keep columns"],
};
const PART_HINTS = {
  join: ["按相同的键（或近似的姓名、名称）与另一数据源或之前的步骤连接", "match rows of another source or earlier step on equal keys (or similar names)"],
  filter: ["只保留条件为真的行", "keep the rows where the condition holds"],
  group_by: ["按这些列分组（每组一行）", "one row per group of these columns"],
  aggregate: ["每组计算的汇总值，如次数、合计", "values per group, e.g. counts, sums"],
  having: ["对汇总结果的条件", "a condition on the aggregated values"],
  derive: ["用表达式计算新列", "new columns computed from expressions"],
  keep: ["只把这些列传给下一步", "pass only these columns on"],
};
const FIELD_LABELS = {
  id: ["模型编号", "model id"], name_zh: ["中文名", "Chinese name"], name_en: ["英文名", "English name"],
  legal_basis: ["法律依据", "legal basis"], explanation_zh: ["中文说明", "Chinese explanation"],
  explanation_en: ["英文说明", "English explanation"], parameters: ["参数", "parameters"],
  sources: ["数据源", "sources"], optional_sources: ["可选数据源", "optional sources"],
  steps: ["步骤", "steps"], clue: ["线索", "clue"], subject_key: ["主体键", "subject key"],
  subject_type: ["主体类型", "subject type"], title: ["标题", "title"], evidence: ["证据列", "evidence"],
  branches: ["规则分支", "branches"], severity: ["严重程度", "severity"], name: ["名称", "name"],
  from: ["来源", "from"], with: ["连接对象", "join with"], keys: ["连接键", "join keys"],
  condition: ["附加条件", "extra condition"], prefix: ["列名前缀", "column prefix"],
  fuzzy: ["近似匹配", "fuzzy match"], left: ["本步的列", "this step's column"],
  right: ["对方的列", "their column"], method: ["比较方式", "method"], min: ["最低相似度", "least similarity"],
  ...PART_LABELS,
};
const AGGREGATES = [
  ["count(*)", "行数", "number of rows"],
  ["count(distinct {c})", "不同值个数", "distinct values"],
  ["sum({c})", "合计", "sum"],
  ["min({c})", "最小值/最早", "minimum / earliest"],
  ["max({c})", "最大值/最晚", "maximum / latest"],
  ["avg({c})", "平均值", "average"],
];
// How a fuzzy join compares two texts (the server's catalog lists the same methods).
const FUZZY_LABELS = {
  name: ["人名（繁简、同音）", "person name (traditional, homophones)"],
  org: ["单位名称（去地区与公司形式）", "company name (no region, legal form)"],
  text: ["一般文本", "text (Jaro-Winkler)"],
  levenshtein: ["编号（编辑距离）", "code (edit distance)"],
};
const OPERATORS = [
  ["=", "等于", "equals"], ["<>", "不等于", "differs from"], [">", "大于", "greater than"],
  [">=", "大于等于", "at least"], ["<", "小于", "less than"], ["<=", "小于等于", "at most"],
  ["contains", "包含", "contains"], ["is null", "为空", "is empty"], ["is not null", "不为空", "is not empty"],
];

// Where the server says the problem is ("steps[1].aggregate.months"), in words.
export function describeWhere(where, form) {
  if (!where) return "";
  const parts = where.replace(/\[(\d+)\]/g, ".$1").split(".").filter(Boolean);
  const words = [];
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (/^\d+$/.test(part)) {
      const index = Number(part);
      if (parts[i - 1] === "steps") {
        const step = form && form.steps[index];
        words[words.length - 1] = tr(`第 ${index + 1} 步「${step ? step.name : ""}」`, `step ${index + 1} “${step ? step.name : ""}”`);
      } else {
        words.push(tr(`第 ${index + 1} 项`, `item ${index + 1}`));
      }
      continue;
    }
    words.push(FIELD_LABELS[part] ? label(FIELD_LABELS, part) : part);
  }
  return words.join(" · ");
}

function stepIndexOf(where) {
  const match = /^steps\[(\d+)\]/.exec(where || "");
  return match ? Number(match[1]) : null;
}

// ---- the form's state and the spec it makes --------------------------------------------
let uid = 0;
const key = () => `k${(uid += 1)}`;

function emptyForm() {
  return {
    id: "", name_zh: "", name_en: "", legal_basis: "", explanation_zh: "", explanation_en: "",
    sources: [], parameters: [], steps: [], sql: null, version: null,
    clue: { subject_type: "person", subject_key: "", title: "", severity: "medium", evidence: [], branches: [] },
  };
}

const pairs = (object) => Object.entries(object || {}).map(([a, b]) => ({ k: key(), a, b }));

export function fromSpec(spec) {
  const optional = new Set(spec.optional_sources || []);
  const clue = spec.clue || {};
  return {
    id: spec.id || "", name_zh: spec.name_zh || "", name_en: spec.name_en || "",
    legal_basis: (spec.legal_basis || []).join("\n"),
    explanation_zh: spec.explanation_zh || "", explanation_en: spec.explanation_en || "",
    version: spec.version || null,
    sources: Object.entries(spec.sources || {}).map(([alias, type]) => ({ k: key(), alias, type, optional: optional.has(alias) })),
    parameters: (spec.parameters || []).map((p) => ({ k: key(), ...p })),
    sql: spec.sql || null,
    steps: (spec.steps || []).map((s) => ({
      k: key(), name: s.name || "", label_zh: s.label_zh || "", label_en: s.label_en || "", from: s.from || "",
      join: (s.join || []).map((j) => ({ k: key(), with: j.with || "", how: j.how || "inner", prefix: j.prefix ?? "",
        condition: j.condition || "", keys: pairs(j.keys),
        fuzzy: (j.fuzzy || []).map((f) => ({ k: key(), left: f.left || "", right: f.right || "",
          method: f.method || "name", min: f.min ?? "" })) })),
      filter: s.filter || "", group_by: s.group_by || [], aggregate: pairs(s.aggregate), having: s.having || "",
      derive: pairs(s.derive), keep: s.keep || [],
      shown: Object.keys(PART_LABELS).filter((p) => {
        const v = s[p];
        return v && (Array.isArray(v) ? v.length : typeof v === "object" ? Object.keys(v).length : true);
      }),
    })),
    clue: {
      subject_type: clue.subject_type || "person", subject_key: clue.subject_key || "", title: clue.title || "",
      severity: clue.severity || "medium", evidence: clue.evidence || [],
      branches: (clue.branches || []).map((b) => ({ k: key(), severity: "", ...b })),
    },
  };
}

const blank = (text) => (text && String(text).trim() ? text : undefined);
// A fuzzy condition's least similarity: a number, or a $parameter kept as text.
const fuzzyMin = (value) => {
  const text = String(value ?? "").trim();
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
};
const dict = (rows) => Object.fromEntries(rows.filter((r) => r.a).map((r) => [r.a, r.b]));

export function toSpec(form) {
  const spec = {
    id: form.id, name_zh: form.name_zh, name_en: form.name_en,
    legal_basis: form.legal_basis.split("\n").map((l) => l.trim()).filter(Boolean),
    explanation_zh: form.explanation_zh, explanation_en: blank(form.explanation_en),
    parameters: form.parameters.map((p) => ({ name: p.name, type: p.type, default: p.default,
      label_zh: p.label_zh, label_en: p.label_en })),
    sources: Object.fromEntries(form.sources.map((s) => [s.alias, s.type])),
    optional_sources: form.sources.filter((s) => s.optional).map((s) => s.alias),
    clue: {
      subject_type: form.clue.subject_type, subject_key: form.clue.subject_key, title: form.clue.title,
      severity: form.clue.severity, evidence: form.clue.evidence,
      branches: form.clue.branches.map((b) => ({ id: b.id, name_zh: b.name_zh, name_en: b.name_en,
        from: b.from, severity: blank(b.severity) })),
    },
  };
  if (form.version) spec.version = form.version;
  if (form.sql) spec.sql = form.sql;
  else {
    spec.steps = form.steps.map((s) => {
      const on = new Set(s.shown);
      const step = { name: s.name, label_zh: blank(s.label_zh), label_en: blank(s.label_en), from: s.from };
      if (on.has("join")) {
        step.join = s.join.map((j) => ({ with: j.with, keys: dict(j.keys), how: j.how,
          prefix: j.prefix === "" ? undefined : j.prefix, condition: blank(j.condition),
          fuzzy: j.fuzzy.length ? j.fuzzy.map((f) => ({ left: f.left, right: f.right, method: f.method,
            min: fuzzyMin(f.min) })) : undefined }));
      }
      if (on.has("filter")) step.filter = blank(s.filter);
      if (on.has("group_by")) step.group_by = s.group_by;
      if (on.has("aggregate")) step.aggregate = dict(s.aggregate);
      if (on.has("having")) step.having = blank(s.having);
      if (on.has("derive")) step.derive = dict(s.derive);
      if (on.has("keep")) step.keep = s.keep;
      return step;
    });
  }
  return spec;
}

// Columns each source and step offers (the server's answer once the draft compiles;
// worked out here meanwhile so the pickers have something to offer).
function columnsOf(form, catalog, compiled) {
  const types = Object.fromEntries((catalog ? catalog.types : []).map((t) => [t.id, t]));
  const output = {};
  const input = {};
  for (const s of form.sources) output[s.alias] = types[s.type] ? types[s.type].fields.map((f) => f.name) : [];
  for (const step of form.steps) {
    const on = new Set(step.shown);
    let cols = [...(output[step.from] || [])];
    if (on.has("join")) {
      for (const j of step.join) {
        if (j.how === "exists" || j.how === "not_exists") continue;
        const prefix = j.prefix === "" ? `${j.with}_` : j.prefix;
        cols = cols.concat((output[j.with] || []).map((c) => prefix + c));
        if (j.fuzzy.length) cols.push(`${prefix}similarity`);
      }
    }
    input[step.name] = cols;
    let out = on.has("aggregate") && step.aggregate.length
      ? [...(on.has("group_by") ? step.group_by : []), ...step.aggregate.map((r) => r.a).filter(Boolean)]
      : [...cols, ...(on.has("derive") ? step.derive.map((r) => r.a).filter(Boolean) : [])];
    if (on.has("keep") && step.keep.length) out = step.keep;
    output[step.name] = out;
  }
  if (compiled) for (const s of compiled) output[s.name] = s.columns;
  return { input, output };
}

function quote(value) {
  const text = String(value).trim();
  if (text.startsWith("$") || /^-?\d+(\.\d+)?$/.test(text)) return text;
  return `'${text.replace(/'/g, "''")}'`;
}

// ---- small form pieces -----------------------------------------------------------------
function ColumnList({ id, columns }) {
  return html`<datalist id=${id}>${(columns || []).map((c) => html`<option value=${c} />`)}</datalist>`;
}

function ColumnChecks({ columns, value, onChange, legend, testid }) {
  const chosen = new Set(value);
  const extra = value.filter((c) => !columns.includes(c));
  return html`<fieldset class="builder-checks" data-testid=${testid}><legend>${legend}</legend>
    ${[...columns, ...extra].map((c) => html`<label class="builder-check"><input type="checkbox" checked=${chosen.has(c)}
      onChange=${() => onChange(chosen.has(c) ? value.filter((v) => v !== c) : [...value, c])} /> <span class="mono">${c}</span></label>`)}
    ${columns.length === 0 && extra.length === 0 ? html`<span class="muted">${tr("先选择来源", "choose the source first")}</span>` : null}
  </fieldset>`;
}

function ConditionHelper({ idBase, columns, params, onAdd }) {
  const [column, setColumn] = useState("");
  const [op, setOp] = useState(">=");
  const [value, setValue] = useState("");
  const add = () => {
    if (!column) return;
    let text;
    if (op === "is null" || op === "is not null") text = `${column} ${op}`;
    else if (op === "contains") text = `contains(${column}, ${quote(value)})`;
    else text = `${column} ${op} ${quote(value)}`;
    onAdd(text);
    setValue("");
  };
  return html`<div class="builder-helper" role="group" aria-label=${tr("条件助手", "condition helper")}>
    <${Select} id=${`${idBase}-col`} label=${tr("列", "column")} value=${column} onChange=${setColumn}
      options=${[{ value: "", label: tr("选择列…", "column…") }, ...columns.map((c) => ({ value: c, label: c }))]} />
    <${Select} id=${`${idBase}-op`} label=${tr("比较", "comparison")} value=${op} onChange=${setOp}
      options=${OPERATORS.map(([v, zh, en]) => ({ value: v, label: tr(zh, en) }))} />
    ${op === "is null" || op === "is not null" ? null : html`<input id=${`${idBase}-value`} list=${`${idBase}-params`}
      aria-label=${tr("值（数字、文字或 $参数）", "value (number, text or $parameter)")} value=${value}
      placeholder=${tr("值或 $参数", "value or $parameter")} onInput=${(e) => setValue(e.target.value)} />
      <datalist id=${`${idBase}-params`}>${params.map((p) => html`<option value=${`$${p}`} />`)}</datalist>`}
    <${Button} kind="secondary" testid=${`${idBase}-add`} onClick=${add}>${tr("加入条件", "Add condition")}<//>
  </div>`;
}

function PairRows({ rows, onChange, idBase, leftLabel, rightLabel, leftList, rightList, rightOptions }) {
  const set = (k, patch) => onChange(rows.map((r) => (r.k === k ? { ...r, ...patch } : r)));
  return html`<div class="builder-pairs">
    ${rows.map((r, i) => html`<div class="builder-pair" key=${r.k}>
      <input id=${`${idBase}-a${i}`} aria-label=${leftLabel} placeholder=${leftLabel} list=${leftList} value=${r.a}
        onInput=${(e) => set(r.k, { a: e.target.value.trim() })} />
      <span aria-hidden="true">${rightOptions ? "=" : ":"}</span>
      ${rightOptions
        ? html`<${Select} id=${`${idBase}-b${i}`} label=${rightLabel} value=${r.b} onChange=${(v) => set(r.k, { b: v })}
            options=${[{ value: "", label: tr("选择列…", "column…") }, ...rightOptions.map((c) => ({ value: c, label: c }))]} />`
        : html`<input id=${`${idBase}-b${i}`} class="builder-expr" aria-label=${rightLabel} placeholder=${rightLabel} list=${rightList}
            value=${r.b} onInput=${(e) => set(r.k, { b: e.target.value })} />`}
      <${Button} kind="link" onClick=${() => onChange(rows.filter((x) => x.k !== r.k))}
        title=${tr("删除", "remove")}>✕<//>
    </div>`)}
    <${Button} kind="link" testid=${`${idBase}-add`} onClick=${() => onChange([...rows, { k: key(), a: "", b: "" }])}>+ ${tr("添加一行", "Add a row")}<//>
  </div>`;
}

// A join's fuzzy conditions: this step's column ≈ their column, by a method, at least min.
function FuzzyRows({ rows, onChange, idBase, leftList, rightOptions, params, methods }) {
  const set = (k, patch) => onChange(rows.map((r) => (r.k === k ? { ...r, ...patch } : r)));
  return html`<div class="builder-pairs" data-testid=${idBase}>
    <div class="builder-sub">${tr("近似匹配（可选：姓名、名称有出入时；请保留至少一个相等的键以免过慢）",
      "Fuzzy match (optional: for names that differ; keep at least one equal key, or it is slow)")}</div>
    ${rows.map((r, i) => html`<div class="builder-pair" key=${r.k}>
      <input id=${`${idBase}-l${i}`} aria-label=${tr("本步的列", "this step's column")} placeholder=${tr("本步的列", "this step's column")}
        list=${leftList} value=${r.left} onInput=${(e) => set(r.k, { left: e.target.value.trim() })} />
      <span aria-hidden="true">≈</span>
      <${Select} id=${`${idBase}-r${i}`} label=${tr("对方的列", "their column")} value=${r.right} onChange=${(v) => set(r.k, { right: v })}
        options=${[{ value: "", label: tr("选择列…", "column…") }, ...rightOptions.map((c) => ({ value: c, label: c }))]} />
      <${Select} id=${`${idBase}-m${i}`} label=${tr("比较方式", "method")} value=${r.method} onChange=${(v) => set(r.k, { method: v })}
        options=${methods.map((m) => ({ value: m, label: label(FUZZY_LABELS, m) }))} />
      <input id=${`${idBase}-min${i}`} class="builder-min" aria-label=${tr("最低相似度（0–1 或 $参数）", "least similarity (0–1 or $parameter)")}
        placeholder="0.9" list=${`${idBase}-params`} value=${r.min} onInput=${(e) => set(r.k, { min: e.target.value })} />
      <${Button} kind="link" onClick=${() => onChange(rows.filter((x) => x.k !== r.k))} title=${tr("删除", "remove")}>✕<//>
    </div>`)}
    <datalist id=${`${idBase}-params`}>${params.map((p) => html`<option value=${`$${p}`} />`)}</datalist>
    <${Button} kind="link" testid=${`${idBase}-add`}
      onClick=${() => onChange([...rows, { k: key(), left: "", right: "", method: methods[0] || "name", min: "0.9" }])}>+ ${tr("添加近似匹配", "Add a fuzzy match")}<//>
  </div>`;
}

function AggregateHelper({ idBase, columns, onAdd }) {
  const [fn, setFn] = useState("count(*)");
  const [column, setColumn] = useState("");
  const [name, setName] = useState("");
  const add = () => {
    if (!name.trim() || (fn.includes("{c}") && !column)) return;
    onAdd(name.trim(), fn.replace("{c}", column));
    setName("");
  };
  return html`<div class="builder-helper" role="group" aria-label=${tr("汇总助手", "aggregate helper")}>
    <input id=${`${idBase}-name`} aria-label=${tr("新列名", "new column name")} placeholder=${tr("新列名，如 months", "new column, e.g. months")}
      value=${name} onInput=${(e) => setName(e.target.value)} />
    <${Select} id=${`${idBase}-fn`} label=${tr("汇总方式", "aggregate")} value=${fn} onChange=${setFn}
      options=${AGGREGATES.map(([v, zh, en]) => ({ value: v, label: tr(zh, en) }))} />
    ${fn.includes("{c}") ? html`<${Select} id=${`${idBase}-col`} label=${tr("列", "column")} value=${column} onChange=${setColumn}
      options=${[{ value: "", label: tr("选择列…", "column…") }, ...columns.map((c) => ({ value: c, label: c }))]} />` : null}
    <${Button} testid=${`${idBase}-add`} onClick=${add}>${tr("加入汇总", "Add aggregate")}<//>
  </div>`;
}

// ---- one step ------------------------------------------------------------------------
function StepCard({ step, index, form, cols, params, onChange, onRemove, onMove, catalog, errorHere }) {
  const names = [...form.sources.map((s) => s.alias), ...form.steps.slice(0, index).map((s) => s.name)];
  const inputCols = cols.input[step.name] || [];
  const outCols = cols.output[step.name] || [];
  const on = new Set(step.shown);
  const set = (patch) => onChange({ ...step, ...patch });
  const base = `step${index}`;
  const available = catalog.step_parts.map((p) => p.name).filter((p) => PART_LABELS[p] && !on.has(p));
  const addPart = (part) => {
    const patch = { shown: [...step.shown, part] };
    if (part === "join" && step.join.length === 0) patch.join = [{ k: key(), with: "", how: "inner", prefix: "", condition: "", keys: [{ k: key(), a: "", b: "" }], fuzzy: [] }];
    if (part === "aggregate" && !on.has("group_by")) patch.shown = [...patch.shown, "group_by"];
    set(patch);
  };
  const removePart = (part) => set({ shown: step.shown.filter((p) => p !== part) });
  const appendCondition = (field) => (text) => set({ [field]: step[field] ? `${step[field]} and ${text}` : text });
  const section = (part, body) => (on.has(part) ? html`<div class="builder-part" data-testid=${`${base}-${part}`}>
    <div class="builder-part-head"><strong>${label(PART_LABELS, part)}</strong>
      <span class="muted">${label(PART_HINTS, part)}</span>
      <${Button} kind="link" onClick=${() => removePart(part)}>${tr("移除", "Remove")}<//></div>
    ${body}</div>` : null);
  const setJoin = (k, patch) => set({ join: step.join.map((j) => (j.k === k ? { ...j, ...patch } : j)) });

  return html`<section class=${`card builder-step${errorHere ? " builder-step-error" : ""}`} data-testid=${base}
      aria-label=${tr(`第 ${index + 1} 步`, `step ${index + 1}`)}>
    <header class="card-head">
      <h3>${tr(`第 ${index + 1} 步`, `Step ${index + 1}`)}</h3>
      <div class="card-actions">
        <${Button} kind="link" disabled=${index === 0} onClick=${() => onMove(-1)} title=${tr("上移", "move up")}>↑<//>
        <${Button} kind="link" disabled=${index === form.steps.length - 1} onClick=${() => onMove(1)} title=${tr("下移", "move down")}>↓<//>
        <${Button} kind="link" onClick=${onRemove}>${tr("删除此步", "Delete step")}<//>
      </div>
    </header>
    <div class="card-body builder-step-body">
      <div class="form">
        <${Field} id=${`${base}-name`} label=${tr("步骤名（英文标识）", "Step name (identifier)")}>
          <input id=${`${base}-name`} value=${step.name} onInput=${(e) => set({ name: e.target.value.trim() })} /><//>
        <${Field} id=${`${base}-from`} label=${tr("数据来自", "Rows from")}>
          <${Select} id=${`${base}-from`} label=${tr("数据来自", "Rows from")} value=${step.from} onChange=${(v) => set({ from: v })}
            options=${[{ value: "", label: tr("选择…", "choose…") }, ...names.map((n) => ({ value: n, label: n }))]} /><//>
        <${Field} id=${`${base}-label-zh`} label=${tr("中文说明（漏斗中显示）", "Chinese label (in the funnel)")}>
          <input id=${`${base}-label-zh`} value=${step.label_zh} onInput=${(e) => set({ label_zh: e.target.value })} /><//>
        <${Field} id=${`${base}-label-en`} label=${tr("英文说明", "English label")}>
          <input id=${`${base}-label-en`} value=${step.label_en} onInput=${(e) => set({ label_en: e.target.value })} /><//>
      </div>
      <${ColumnList} id=${`${base}-cols`} columns=${inputCols} />
      <${ColumnList} id=${`${base}-outcols`} columns=${outCols} />
      <${ColumnList} id=${`${base}-from-cols`} columns=${cols.output[step.from] || []} />
      ${section("join", html`${step.join.map((j, ji) => html`<div class="builder-join" key=${j.k}>
        <div class="form">
          <${Field} id=${`${base}-j${ji}-with`} label=${tr("连接对象", "Join with")}>
            <${Select} id=${`${base}-j${ji}-with`} label=${tr("连接对象", "Join with")} value=${j.with}
              onChange=${(v) => setJoin(j.k, { with: v })}
              options=${[{ value: "", label: tr("选择…", "choose…") }, ...names.filter((n) => n !== step.from).map((n) => ({ value: n, label: n }))]} /><//>
          <${Field} id=${`${base}-j${ji}-how`} label=${tr("连接方式", "How")}>
            <${Select} id=${`${base}-j${ji}-how`} label=${tr("连接方式", "How")} value=${j.how}
              onChange=${(v) => setJoin(j.k, { how: v })}
              options=${catalog.join_how.map((h) => ({ value: h, label: label(JOIN_LABELS, h) }))} /><//>
          <${Field} id=${`${base}-j${ji}-prefix`} label=${tr("右侧列名前缀", "Prefix of its columns")}
            hint=${tr(`默认 ${j.with || "对象"}_`, `default ${j.with || "with"}_`)}>
            <input id=${`${base}-j${ji}-prefix`} value=${j.prefix} onInput=${(e) => setJoin(j.k, { prefix: e.target.value.trim() })} /><//>
        </div>
        <div class="builder-sub">${tr("连接键（左列 = 右列）", "Keys (left column = right column)")}</div>
        <${PairRows} idBase=${`${base}-j${ji}-key`} rows=${j.keys} onChange=${(keys) => setJoin(j.k, { keys })}
          leftLabel=${tr("本步的列", "this step's column")} rightLabel=${tr("对方的列", "their column")}
          leftList=${`${base}-from-cols`} rightOptions=${cols.output[j.with] || []} />
        <${FuzzyRows} idBase=${`${base}-j${ji}-fz`} rows=${j.fuzzy} onChange=${(fuzzy) => setJoin(j.k, { fuzzy })}
          leftList=${`${base}-from-cols`} rightOptions=${cols.output[j.with] || []} params=${params}
          methods=${catalog.fuzzy_methods || Object.keys(FUZZY_LABELS)} />
        <${Field} id=${`${base}-j${ji}-cond`} label=${tr("附加条件（可选，如时间窗口）", "Extra condition (optional, e.g. a time window)")}>
          <input id=${`${base}-j${ji}-cond`} class="builder-expr" list=${`${base}-cols`} value=${j.condition}
            onInput=${(e) => setJoin(j.k, { condition: e.target.value })} /><//>
        <${Button} kind="link" onClick=${() => set({ join: step.join.filter((x) => x.k !== j.k) })}>${tr("删除此连接", "Remove this join")}<//>
      </div>`)}
      <${Button} kind="link" onClick=${() => set({ join: [...step.join, { k: key(), with: "", how: "inner", prefix: "", condition: "", keys: [{ k: key(), a: "", b: "" }], fuzzy: [] }] })}>+ ${tr("再连接一个", "Another join")}<//>`)}
      ${section("filter", html`<${Field} id=${`${base}-filter`} label=${tr("条件（表达式）", "Condition (expression)")}
          hint=${tr("例：amount >= $min_amount and status = '不予立案'", "e.g. amount >= $min_amount and status = '不予立案'")}>
          <textarea id=${`${base}-filter`} class="builder-expr" rows="2" data-testid=${`${base}-filter-text`} value=${step.filter}
            onInput=${(e) => set({ filter: e.target.value })}></textarea><//>
        <${ConditionHelper} idBase=${`${base}-fh`} columns=${inputCols} params=${params} onAdd=${appendCondition("filter")} />`)}
      ${section("group_by", html`<${ColumnChecks} legend=${tr("分组列", "Group by columns")} testid=${`${base}-groupby`}
          columns=${inputCols} value=${step.group_by} onChange=${(v) => set({ group_by: v })} />`)}
      ${section("aggregate", html`<${PairRows} idBase=${`${base}-agg`} rows=${step.aggregate}
          onChange=${(rows) => set({ aggregate: rows })} leftLabel=${tr("新列名", "new column")}
          rightLabel=${tr("汇总表达式，如 count(*)", "aggregate, e.g. count(*)")} rightList=${`${base}-cols`} />
        <${AggregateHelper} idBase=${`${base}-ah`} columns=${inputCols}
          onAdd=${(name, text) => set({ aggregate: [...step.aggregate.filter((r) => r.a), { k: key(), a: name, b: text }] })} />`)}
      ${section("having", html`<${Field} id=${`${base}-having`} label=${tr("对汇总结果的条件", "Condition on the groups")}>
          <input id=${`${base}-having`} class="builder-expr" list=${`${base}-outcols`} value=${step.having}
            onInput=${(e) => set({ having: e.target.value })} /><//>
        <${ConditionHelper} idBase=${`${base}-hh`} columns=${outCols} params=${params} onAdd=${appendCondition("having")} />`)}
      ${section("derive", html`<${PairRows} idBase=${`${base}-der`} rows=${step.derive}
          onChange=${(rows) => set({ derive: rows })} leftLabel=${tr("新列名", "new column")}
          rightLabel=${tr("表达式", "expression")} rightList=${`${base}-cols`} />`)}
      ${section("keep", html`<${ColumnChecks} legend=${tr("保留的列", "Columns kept")} testid=${`${base}-keep`}
          columns=${on.has("aggregate") ? [...step.group_by, ...step.aggregate.map((r) => r.a).filter(Boolean)] : inputCols}
          value=${step.keep} onChange=${(v) => set({ keep: v })} />`)}
      ${available.length ? html`<div class="builder-addparts" role="group" aria-label=${tr("添加到此步", "add to this step")}>
        <span class="muted">${tr("添加：", "Add:")}</span>
        ${available.map((p) => html`<${Button} kind="secondary" testid=${`${base}-add-${p}`} onClick=${() => addPart(p)}>+ ${label(PART_LABELS, p)}<//>`)}
      </div>` : null}
      <div class="muted builder-outcols">${tr("本步输出列：", "Columns out: ")}<span class="mono">${outCols.join(", ") || "—"}</span></div>
    </div>
  </section>`;
}

// ---- the screen ------------------------------------------------------------------------
export default function Builder({ params, query }) {
  const editing = params.id || null;
  const catalogState = useApi("/api/models/builder/catalog");
  const catalog = catalogState.data;
  const loaded = useApi(editing && catalog ? `/api/models/${encodeURIComponent(editing)}${qs({ version: query.version })}` : null);
  const [form, setForm] = useState(emptyForm);
  const [mode, setMode] = useState("form");
  const [yamlText, setYamlText] = useState("");
  const [check, setCheck] = useState(null);
  const [checkError, setCheckError] = useState(null);
  const [panel, setPanel] = useState("yaml");
  const [preview, setPreview] = useState(null);
  const [previewError, setPreviewError] = useState(null);
  const [busy, setBusy] = useState("");
  const [newType, setNewType] = useState("");
  const counter = useRef(0);

  const [ready, setReady] = useState(!editing); // an edited model is in the form
  useEffect(() => {
    if (!loaded.data) return;
    setForm(fromSpec(loaded.data.definition));
    setCheck(null);
    setReady(true);
  }, [loaded.data]);

  const spec = useMemo(() => toSpec(form), [form]);
  const specJson = JSON.stringify(spec);
  const draft = () => (mode === "yaml" ? { yaml: yamlText } : { spec });

  const validate = async (body) => {
    const mine = (counter.current += 1);
    try {
      const answer = await api("POST", "/api/models/validate", body);
      if (mine === counter.current) {
        setCheck(answer);
        setCheckError(null);
      }
      return answer;
    } catch (err) {
      if (mine === counter.current) setCheckError(err);
      return null;
    }
  };
  // Live: the form's YAML and SQL from the server, half a second after the last change.
  useEffect(() => {
    if (mode !== "form" || !ready) return undefined;
    const timer = setTimeout(() => validate({ spec }), 450);
    return () => clearTimeout(timer);
  }, [specJson, mode, ready]);

  const cols = useMemo(
    () => columnsOf(form, catalog, check && check.valid && mode === "form" ? check.steps : null),
    [form, catalog, check, mode],
  );
  const paramNames = form.parameters.map((p) => p.name).filter(Boolean);
  const lastStep = form.steps.length ? form.steps[form.steps.length - 1].name : "";
  const clueCols = cols.output[lastStep] || [];
  const error = check && !check.valid ? check.error : null;
  const errorStep = error ? stepIndexOf(error.where) : null;

  const setClue = (patch) => setForm({ ...form, clue: { ...form.clue, ...patch } });
  const setStep = (index, step) => {
    const steps = form.steps.slice();
    steps[index] = step;
    setForm({ ...form, steps });
  };
  const addSource = () => {
    if (!newType) return;
    const stem = newType.split("_")[0];
    const taken = new Set([...form.sources.map((s) => s.alias), ...form.steps.map((s) => s.name)]);
    let alias = stem === newType ? `${stem}_src` : stem;
    for (let n = 2; taken.has(alias); n += 1) alias = `${stem}${n}`;
    const sources = [...form.sources, { k: key(), alias, type: newType, optional: false }];
    const steps = form.steps.length || form.sql ? form.steps : [{
      k: key(), name: "selected", label_zh: "", label_en: "", from: alias, join: [], filter: "", group_by: [],
      aggregate: [], having: "", derive: [], keep: [], shown: ["filter"],
    }];
    setForm({ ...form, sources, steps });
    setNewType("");
  };
  const addStep = () => {
    const taken = new Set([...form.sources.map((s) => s.alias), ...form.steps.map((s) => s.name)]);
    let n = form.steps.length + 1;
    while (taken.has(`step${n}`)) n += 1;
    const name = `step${n}`;
    const from = form.steps.length ? form.steps[form.steps.length - 1].name : (form.sources[0] || {}).alias || "";
    setForm({ ...form, steps: [...form.steps, { k: key(), name, label_zh: "", label_en: "", from, join: [],
      filter: "", group_by: [], aggregate: [], having: "", derive: [], keep: [], shown: [] }] });
  };
  const moveStep = (index, delta) => {
    const steps = form.steps.slice();
    const [step] = steps.splice(index, 1);
    steps.splice(index + delta, 0, step);
    setForm({ ...form, steps });
  };
  const setParam = (k, patch) => setForm({ ...form, parameters: form.parameters.map((p) => (p.k === k ? { ...p, ...patch } : p)) });

  const switchMode = async (next) => {
    if (next === mode) return;
    if (next === "yaml") {
      setYamlText((check && check.yaml) || "");
      setMode("yaml");
      return;
    }
    const answer = await validate({ yaml: yamlText });
    if (answer && answer.definition) {
      setForm(fromSpec(answer.definition));
      setMode("form");
    } else {
      notify(tr("YAML 无法解析，请先修正再回到表单", "the YAML does not parse; fix it before going back to the form"), "bad");
    }
  };
  const runValidate = async () => {
    setBusy("validate");
    const answer = await validate(draft());
    setBusy("");
    if (answer && answer.valid) notify(tr("模型有效", "The model is valid"));
  };
  const runPreview = async () => {
    setBusy("preview");
    setPreviewError(null);
    setPreview(null);
    try {
      setPreview(await api("POST", "/api/models/preview", { ...draft(), limit: 20 }));
    } catch (err) {
      setPreviewError(err);
    } finally {
      setBusy("");
    }
  };
  const save = async () => {
    setBusy("save");
    try {
      const answer = await api("POST", "/api/models", draft());
      notify(answer.created
        ? tr(`已保存为 ${answer.id} 第 ${answer.version} 版（仅本人可见）`, `Saved as ${answer.id} version ${answer.version} (private)`)
        : tr(`与第 ${answer.version} 版相同，未另存`, `Same as version ${answer.version}; nothing new saved`));
      navigate(`/models/${answer.id}?version=${answer.version}`);
    } catch (err) {
      setCheckError(err);
      setBusy("");
    }
  };

  if (catalogState.loading && !catalog) return html`<${Loading} />`;
  if (catalogState.error) return html`<${Page} title=${tr("模型构建", "Model builder")}><${ErrorBox} error=${catalogState.error} /><//>`;
  if (editing && loaded.error) return html`<${Page} title=${tr("模型构建", "Model builder")}><${ErrorBox} error=${loaded.error} /><//>`;
  if (editing && !loaded.data) return html`<${Loading} />`;

  const typeNames = Object.fromEntries(catalog.types.map((t) => [t.id, t]));
  const title = editing
    ? tr(`编辑模型：${loaded.data.name_zh}（基于第 ${loaded.data.version} 版）`, `Edit model: ${loaded.data.name_en} (from version ${loaded.data.version})`)
    : tr("模型构建", "Model builder");
  const actions = html`
    <${Button} testid="builder-validate" disabled=${!!busy} onClick=${runValidate}>${tr("校验", "Validate")}<//>
    <${Button} testid="builder-preview" disabled=${!!busy} onClick=${runPreview}>${busy === "preview" ? tr("预览中…", "Previewing…") : tr("预览", "Preview")}<//>
    <${Button} kind="primary" testid="builder-save" disabled=${!!busy} onClick=${save}>${tr("保存新版本", "Save as new version")}<//>`;

  const formView = html`
    <${Card} title=${tr("1. 基本信息", "1. About the model")} testid="builder-basics">
      <div class="form">
        <${Field} id="b-id" label=${tr("模型编号（小写英文、数字、下划线）", "Model id (a-z, 0-9, _)")}>
          <input id="b-id" value=${form.id} disabled=${!!editing} onInput=${(e) => setForm({ ...form, id: e.target.value.trim() })} /><//>
        <${Field} id="b-name-zh" label=${tr("中文名", "Chinese name")}>
          <input id="b-name-zh" value=${form.name_zh} onInput=${(e) => setForm({ ...form, name_zh: e.target.value })} /><//>
        <${Field} id="b-name-en" label=${tr("英文名", "English name")}>
          <input id="b-name-en" value=${form.name_en} onInput=${(e) => setForm({ ...form, name_en: e.target.value })} /><//>
      </div>
      <${Field} id="b-legal" label=${tr("法律依据（每行一条）", "Legal basis (one per line)")}>
        <textarea id="b-legal" rows="2" value=${form.legal_basis} onInput=${(e) => setForm({ ...form, legal_basis: e.target.value })}></textarea><//>
      <${Field} id="b-expl-zh" label=${tr("通俗说明（显示在每条线索上；{参数名} 处填入参数值）", "Plain explanation (shown on each clue; {parameter} inserts its value)")}>
        <textarea id="b-expl-zh" rows="2" value=${form.explanation_zh} onInput=${(e) => setForm({ ...form, explanation_zh: e.target.value })}></textarea><//>
      <${Field} id="b-expl-en" label=${tr("英文说明（可选）", "English explanation (optional)")}>
        <textarea id="b-expl-en" rows="2" value=${form.explanation_en} onInput=${(e) => setForm({ ...form, explanation_en: e.target.value })}></textarea><//>
    <//>
    <${Card} title=${tr("2. 数据源", "2. Datasets")} testid="builder-sources">
      ${form.sources.length ? html`<div class="builder-sources">${form.sources.map((s, i) => html`<div class="builder-source" key=${s.k}>
        <${Badge} tone=${typeNames[s.type] && typeNames[s.type].has_data ? "ok" : "muted"}>${typeNames[s.type] ? tr(typeNames[s.type].name_zh, typeNames[s.type].name_en) : s.type}<//>
        <label for=${`src-alias-${i}`}>${tr("别名", "alias")}</label>
        <input id=${`src-alias-${i}`} class="builder-alias" value=${s.alias}
          onInput=${(e) => setForm({ ...form, sources: form.sources.map((x) => (x.k === s.k ? { ...x, alias: e.target.value.trim() } : x)) })} />
        <label class="builder-check"><input type="checkbox" checked=${s.optional}
          onChange=${() => setForm({ ...form, sources: form.sources.map((x) => (x.k === s.k ? { ...x, optional: !x.optional } : x)) })} />
          ${tr("可选（无数据时按空表）", "optional (empty when no data)")}</label>
        <${Button} kind="link" onClick=${() => setForm({ ...form, sources: form.sources.filter((x) => x.k !== s.k) })}>${tr("移除", "Remove")}<//>
      </div>`)}</div>` : html`<p class="muted">${tr("先选择模型要读取的数据集。", "First choose the datasets the model reads.")}</p>`}
      <div class="row">
        <${Select} id="b-add-type" label=${tr("选择数据集", "choose a dataset")} value=${newType} onChange=${setNewType}
          options=${[{ value: "", label: tr("选择数据集…", "Choose a dataset…") }, ...catalog.types.map((t) => ({
            value: t.id, label: `${tr(t.name_zh, t.name_en)}${t.has_data ? "" : tr("（无可读数据）", " (no readable data)")}` }))]} />
        <${Button} testid="b-add-source" onClick=${addSource} disabled=${!newType}>${tr("添加数据源", "Add dataset")}<//>
      </div>
    <//>
    <${Card} title=${tr("3. 参数（可调阈值）", "3. Parameters (tunable thresholds)")} testid="builder-params">
      ${form.parameters.map((p, i) => html`<div class="form builder-param" key=${p.k}>
        <${Field} id=${`p-name-${i}`} label=${tr("参数名（表达式中写 $参数名）", "Name (write $name in expressions)")}>
          <input id=${`p-name-${i}`} value=${p.name} onInput=${(e) => setParam(p.k, { name: e.target.value.trim() })} /><//>
        <${Field} id=${`p-type-${i}`} label=${tr("类型", "Type")}>
          <${Select} id=${`p-type-${i}`} label=${tr("类型", "Type")} value=${p.type}
            onChange=${(v) => setParam(p.k, { type: v, default: v === "bool" ? false : v === "text_list" ? [] : v === "int" ? 0 : "" })}
            options=${catalog.param_types.map((t) => ({ value: t, label: label(PARAM_TYPE_LABELS, t) }))} /><//>
        <${ParamInput} id=${`p-default-${i}`} param=${{ ...p, label_zh: "默认值", label_en: "Default" }} value=${p.default}
          onChange=${(v) => setParam(p.k, { default: v })} />
        <${Field} id=${`p-lzh-${i}`} label=${tr("中文含义", "Chinese label")}>
          <input id=${`p-lzh-${i}`} value=${p.label_zh} onInput=${(e) => setParam(p.k, { label_zh: e.target.value })} /><//>
        <${Field} id=${`p-len-${i}`} label=${tr("英文含义", "English label")}>
          <input id=${`p-len-${i}`} value=${p.label_en} onInput=${(e) => setParam(p.k, { label_en: e.target.value })} /><//>
        <${Button} kind="link" onClick=${() => setForm({ ...form, parameters: form.parameters.filter((x) => x.k !== p.k) })}>${tr("删除参数", "Remove")}<//>
      </div>`)}
      <${Button} testid="b-add-param" onClick=${() => setForm({ ...form, parameters: [...form.parameters,
        { k: key(), name: `param${form.parameters.length + 1}`, type: "int", default: 0, label_zh: "", label_en: "" }] })}>+ ${tr("添加参数", "Add parameter")}<//>
    <//>
    <div class="builder-steps" data-testid="builder-steps">
      <h2>${tr("4. 步骤", "4. Steps")}</h2>
      ${form.sql ? html`<p class="muted">${tr("这是一个 SQL 模型：请在 YAML 标签页编辑其 SQL。", "This is an SQL model: edit its SQL in the YAML tab.")}</p>` : null}
      ${form.steps.map((step, i) => html`<${StepCard} key=${step.k} step=${step} index=${i} form=${form} cols=${cols}
        params=${paramNames} catalog=${catalog} errorHere=${errorStep === i}
        onChange=${(s) => setStep(i, s)} onMove=${(d) => moveStep(i, d)}
        onRemove=${() => setForm({ ...form, steps: form.steps.filter((x) => x.k !== step.k) })} />`)}
      ${form.sql ? null : html`<${Button} testid="b-add-step" onClick=${addStep}>+ ${tr("添加步骤", "Add step")}<//>`}
    </div>
    <${Card} title=${tr("5. 线索", "5. Clues")} testid="builder-clue">
      <${ColumnList} id="clue-cols" columns=${clueCols} />
      <div class="form">
        <${Field} id="c-type" label=${tr("主体类型", "Subject type")}>
          <${Select} id="c-type" label=${tr("主体类型", "Subject type")} value=${form.clue.subject_type} onChange=${(v) => setClue({ subject_type: v })}
            options=${catalog.subject_types.map((t) => ({ value: t, label: label(SUBJECT_LABELS, t) }))} /><//>
        <${Field} id="c-key" label=${tr("主体键（哪一列标识一个主体）", "Subject key (the column naming a subject)")}>
          <${Select} id="c-key" label=${tr("主体键", "Subject key")} value=${form.clue.subject_key} onChange=${(v) => setClue({ subject_key: v })}
            options=${[{ value: "", label: tr("选择列…", "column…") }, ...[...new Set([...clueCols, form.clue.subject_key].filter(Boolean))].map((c) => ({ value: c, label: c }))]} /><//>
        <${Field} id="c-severity" label=${tr("严重程度", "Severity")}>
          <${Select} id="c-severity" label=${tr("严重程度", "Severity")} value=${form.clue.severity} onChange=${(v) => setClue({ severity: v })}
            options=${catalog.severities.map((s) => ({ value: s, label: label(SEVERITY_LABELS, s) }))} /><//>
      </div>
      <${Field} id="c-title" label=${tr("线索标题（{列名} 处填入该列的值）", "Clue title ({column} inserts its value)")}
        hint=${clueCols.length ? tr(`可用列：${clueCols.join("、")}`, `columns: ${clueCols.join(", ")}`) : null}>
        <input id="c-title" value=${form.clue.title} onInput=${(e) => setClue({ title: e.target.value })} /><//>
      <${ColumnChecks} legend=${tr("证据列（显示在线索上）", "Evidence columns (shown on the clue)")} testid="clue-evidence"
        columns=${clueCols} value=${form.clue.evidence} onChange=${(v) => setClue({ evidence: v })} />
      <div class="builder-sub">${tr("规则分支（可选；不设则最后一步的每一行都是命中）", "Rule branches (optional; without, every row of the last step is a hit)")}</div>
      ${form.clue.branches.map((b, i) => html`<div class="form" key=${b.k}>
        <${Field} id=${`br-id-${i}`} label=${tr("分支编号", "Branch id")}><input id=${`br-id-${i}`} value=${b.id}
          onInput=${(e) => setClue({ branches: form.clue.branches.map((x) => (x.k === b.k ? { ...x, id: e.target.value.trim() } : x)) })} /><//>
        <${Field} id=${`br-zh-${i}`} label=${tr("中文名", "Chinese name")}><input id=${`br-zh-${i}`} value=${b.name_zh}
          onInput=${(e) => setClue({ branches: form.clue.branches.map((x) => (x.k === b.k ? { ...x, name_zh: e.target.value } : x)) })} /><//>
        <${Field} id=${`br-en-${i}`} label=${tr("英文名", "English name")}><input id=${`br-en-${i}`} value=${b.name_en}
          onInput=${(e) => setClue({ branches: form.clue.branches.map((x) => (x.k === b.k ? { ...x, name_en: e.target.value } : x)) })} /><//>
        <${Field} id=${`br-from-${i}`} label=${tr("命中行所在步骤", "Hits are rows of")}>
          <${Select} id=${`br-from-${i}`} label=${tr("命中行所在步骤", "Hits are rows of")} value=${b.from}
            onChange=${(v) => setClue({ branches: form.clue.branches.map((x) => (x.k === b.k ? { ...x, from: v } : x)) })}
            options=${[{ value: "", label: tr("选择…", "choose…") }, ...form.steps.map((s) => ({ value: s.name, label: s.name }))]} /><//>
        <${Button} kind="link" onClick=${() => setClue({ branches: form.clue.branches.filter((x) => x.k !== b.k) })}>${tr("删除分支", "Remove")}<//>
      </div>`)}
      <${Button} kind="link" onClick=${() => setClue({ branches: [...form.clue.branches,
        { k: key(), id: `branch${form.clue.branches.length + 1}`, name_zh: "", name_en: "", from: lastStep, severity: "" }] })}>+ ${tr("添加分支", "Add branch")}<//>
    <//>`;

  const yamlView = html`<${Card} title=${tr("直接编辑 YAML（高级）", "Edit the YAML directly (advanced)")} testid="builder-yaml-edit">
    <p class="muted">${tr("格式见“监督模型文件格式”文档；保存、校验和预览都使用此处的文本。", "See the model file format; save, validate and preview use this text.")}</p>
    <label for="b-yaml" class="sr-only">YAML</label>
    <textarea id="b-yaml" class="builder-yaml mono" rows="28" spellcheck="false" data-testid="builder-yaml-text"
      value=${yamlText} onInput=${(e) => setYamlText(e.target.value)}></textarea>
  <//>`;

  const panelTabs = [
    { key: "yaml", label: "YAML" }, { key: "duckdb", label: "DuckDB SQL" }, { key: "spark", label: "Spark SQL" },
  ];
  const sidePanel = html`<aside class="builder-panel" aria-label=${tr("生成的模型文件和 SQL", "the generated model file and SQL")}>
    <div class="builder-status" data-testid="builder-status" aria-live="polite">
      ${!form.id && form.sources.length === 0 && mode === "form"
        ? html`<span class="muted">${tr("填写左侧表单，这里即时显示生成的模型文件和 SQL。", "Fill in the form: the model file and its SQL appear here as you type.")}</span>`
        : check ? (check.valid
        ? html`<${Badge} tone="ok">${tr("✓ 模型有效", "✓ valid")}<//>`
        : html`<div class="error-box" role="alert" data-testid="builder-error">
            ${error.where ? html`<strong>${describeWhere(error.where, form)}</strong><br />` : null}
            ${tr(error.zh, error.en)}
            <div class="builder-error-other" lang=${lang() === "zh" ? "en" : "zh-CN"}>${lang() === "zh" ? error.en : error.zh}</div></div>`) : html`<span class="muted">${tr("正在生成…", "Generating…")}</span>`}
      <${ErrorBox} error=${checkError} />
    </div>
    <${Tabs} tabs=${panelTabs} active=${panel} onChange=${setPanel} />
    ${panel === "yaml" ? html`<pre class="model-code" data-testid="builder-yaml">${mode === "yaml" ? yamlText : (check ? check.yaml : "")}</pre>` : null}
    ${panel !== "yaml" ? html`<pre class="model-code" data-testid=${`builder-sql-${panel}`}>${check && check.sql ? check.sql[panel]
      : tr("模型有效后显示编译出的 SQL", "The compiled SQL shows once the model is valid")}</pre>` : null}
  </aside>`;

  return html`<${Page} title=${title} actions=${actions}>
    <${Tabs} tabs=${[{ key: "form", label: tr("表单", "Form") }, { key: "yaml", label: tr("YAML 编辑", "YAML") }]}
      active=${mode} onChange=${switchMode} />
    <div class="builder">
      <div class="builder-main">${mode === "form" ? formView : yamlView}</div>
      ${sidePanel}
    </div>
    ${previewError || preview ? html`<${Card} title=${tr("预览（未记录）", "Preview (not recorded)")} testid="builder-preview-result">
      <${ErrorBox} error=${previewError} />
      ${preview ? html`
        <p data-testid="preview-summary">${tr(`命中 ${fmtNum(preview.hit_count)} 条`, `${fmtNum(preview.hit_count)} hits`)}
          ${Object.entries(preview.branch_counts).length > 1 ? ` · ${Object.entries(preview.branch_counts).map(([b, n]) => `${b}: ${n}`).join(" · ")}` : ""}
          <span class="muted"> ${tr("（个人信息已脱敏）", "(personal data masked)")}</span></p>
        <${Funnel} funnel=${preview.funnel} testid="preview-funnel" />
        <h3 class="model-sub">${tr(`前 ${preview.hits.length} 条命中`, `First ${preview.hits.length} hits`)}</h3>
        <${HitsTable} columns=${preview.columns} rows=${preview.hits} testid="preview-hits" />` : null}
    <//>` : null}
  <//>`;
}
