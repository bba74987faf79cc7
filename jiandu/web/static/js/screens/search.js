// #/search — 全文检索: judgments and other free text in the pool (GET /api/search).
// The query and the filters live in the address (#/search?q=…&court=…), so a search can
// be bookmarked and the back button returns to the previous one. Snippets arrive as
// segments [text, highlighted]; they are rendered as text nodes and <mark> elements,
// never as HTML (the text is a document's and untrusted).
import {
  html, useState, useEffect, tr, api, navigate, qs, can, fmtNum, fmtDate,
} from "../core.js";
import { Page, Card, Pager, Button, ErrorBox, Loading, Empty } from "../ui.js";

// An API error in the current language (its message was fixed when it was thrown).
function errorText(error) {
  return error && error.zh ? tr(error.zh, error.en) : error;
}

const LIMIT = 20;
const MAX_OFFSET = 10000; // the index pages no further (jiandu.text.index.MAX_OFFSET)
const FILTERS = ["court", "cause", "party", "from", "to", "type"];
// Kept in the address with the rest; the server checks pii.unmask and audits each search.
const OPTIONS = ["unmask"];

function paramsOf(query) {
  const found = { q: query.q || "" };
  for (const key of [...FILTERS, ...OPTIONS]) found[key] = query[key] || "";
  return found;
}

// A snippet segment as [text, highlighted], whether it came as a pair or as an object.
function segmentOf(segment) {
  if (Array.isArray(segment)) return [String(segment[0] ?? ""), !!segment[1]];
  if (segment && typeof segment === "object") {
    return [String(segment.text ?? ""), !!(segment.highlight ?? segment.highlighted)];
  }
  return [String(segment ?? ""), false];
}

export function Snippet({ segments }) {
  if (!segments || !segments.length) return null;
  return html`<p class="search-snippet" data-testid="search-snippet">${segments.map((segment) => {
    const [text, highlighted] = segmentOf(segment);
    return highlighted ? html`<mark class="search-mark">${text}</mark>` : text;
  })}</p>`;
}

function Hit({ hit, rank, dataset }) {
  const datasetName = dataset
    ? tr(dataset.name_zh, dataset.name_en || dataset.name_zh)
    : tr(hit.dataset_name_zh || hit.dataset_id, hit.dataset_id);
  const chips = [
    hit.court ? [tr("法院", "Court"), hit.court] : null,
    hit.date ? [tr("日期", "Date"), fmtDate(hit.date)] : null,
    hit.case_no ? [tr("案号", "Case no."), hit.case_no] : null,
    hit.cause ? [tr("案由", "Cause"), hit.cause] : null,
    hit.doc_type ? [tr("文书类型", "Type"), hit.doc_type] : null,
  ].filter(Boolean);
  const parties = (hit.parties || []).filter(Boolean);
  const titleId = `search-hit-${rank}`;
  return html`<li class="search-hit" data-testid="search-hit" aria-labelledby=${titleId}>
    <div class="search-hit-head">
      <h2 class="search-hit-title" id=${titleId}>${hit.title || tr("（无标题）", "(untitled)")}</h2>
      <span class="search-score" title=${tr("相关度得分（BM25）", "relevance score (BM25)")}>
        ${tr("相关度", "score")} ${Number(hit.score || 0).toFixed(2)}</span>
    </div>
    ${chips.length ? html`<ul class="search-chips" aria-label=${tr("文书信息", "document facts")}>
      ${chips.map(([label, value]) => html`<li class="search-chip"><span class="sr-only">${label}${tr("：", ": ")}</span>${value}</li>`)}
    </ul>` : null}
    <${Snippet} segments=${hit.snippet} />
    <div class="search-hit-foot muted">
      ${parties.length ? html`<span>${tr("当事人：", "Parties: ")}${parties.join(tr("、", ", "))}</span>` : null}
      <span>${tr("来自", "From")}${" "}<a data-testid="search-hit-dataset"
          href=${`#/data/${encodeURIComponent(hit.dataset_id)}${qs({ tab: "batches", batch: hit.batch_id })}`}
          >${datasetName}</a>${" "}<span title=${hit.batch_id}>${tr(`批次第 ${hit.row + 1} 行`,
          `row ${hit.row + 1} of its batch`)}</span></span>
    </div>
  </li>`;
}

function Help() {
  return html`<div class="search-help" data-testid="search-help">
    <p>${tr("输入要查找的词，按回车检索。", "Type what to look for and press Enter.")}</p>
    <ul>
      <li>${tr("空格分隔的多个词须同时出现：", "Words separated by spaces must all occur: ")}<code>民间借贷 利息</code></li>
      <li>${tr("引号内为一个短语：", "Quotes make one phrase: ")}<code>"借款 合同"</code></li>
      <li>${tr("减号排除：", "A minus sign excludes: ")}<code>盗窃 -抢劫</code></li>
      <li>${tr("每个词按原文逐字匹配，人名、案号、单位名都可检索。",
        "Each word matches the text exactly: names, case numbers and company names all work.")}</li>
    </ul>
  </div>`;
}

export default function Search({ query }) {
  const params = paramsOf(query);
  const offset = Math.min(MAX_OFFSET, Math.max(0, Number(query.offset) || 0));
  const [draft, setDraft] = useState(params);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [datasets, setDatasets] = useState(null);
  const asked = params.q.trim() !== "";

  const path = asked
    ? `/api/search${qs({ ...params, q: params.q.trim(), unmask: params.unmask ? "true" : "",
      limit: LIMIT, offset: offset || null })}`
    : null;
  // One request at a time: the search first, then the directory for the type list.
  useEffect(() => {
    let live = true;
    const directory = () => api("GET", "/api/datasets").then(
      (found) => live && setDatasets(found), () => live && setDatasets([]));
    if (!path) {
      directory();
    } else {
      api("GET", path).then(
        (found) => { if (live) { setResult(found); directory(); } },
        (err) => { if (live) { setError(err); directory(); } },
      );
    }
    return () => { live = false; };
  }, [path]);

  const go = (next, nextOffset) => {
    const clean = {};
    for (const [key, value] of Object.entries(next)) clean[key] = String(value || "").trim();
    navigate(`/search${qs({ ...clean, offset: nextOffset || null })}`);
  };
  const submit = (event) => {
    event.preventDefault();
    go(draft, 0);
  };
  const set = (key) => (event) => setDraft({ ...draft, [key]: event.target.value });
  const filtered = FILTERS.some((key) => params[key]);

  // The type list: the visible datasets' types (judgments are indexed with their full text,
  // other datasets with their free-text fields).
  const types = new Map();
  for (const d of datasets || []) {
    if (!types.has(d.type_id)) types.set(d.type_id, tr(d.name_zh, d.name_en || d.name_zh));
  }
  if (params.type && !types.has(params.type)) types.set(params.type, params.type);

  const input = (key, label, attrs = {}) => html`<label class="search-filter">
    <span>${label}</span>
    <input id=${`search-${key}`} data-testid=${`search-${key}`} value=${draft[key]}
      onInput=${set(key)} ...${attrs} /></label>`;

  const total = result ? result.total : 0;
  const hits = result ? result.hits : [];
  return html`<${Page} title=${tr("全文检索", "Search")}>
    <${Card}>
      <form class="search-form" role="search" onSubmit=${submit} aria-label=${tr("全文检索", "full-text search")}>
        <div class="search-box">
          <label for="search-q" class="sr-only">${tr("检索词", "Search terms")}</label>
          <input id="search-q" type="search" data-testid="search-q" value=${draft.q} maxlength="500"
            placeholder=${tr("人名、案号、单位名或任意文字", "a name, a case number, a company or any words")}
            onInput=${set("q")} />
          <${Button} type="submit" kind="primary" testid="search-submit">${tr("检索", "Search")}<//>
        </div>
        <fieldset class="search-filters">
          <legend>${tr("筛选", "Filters")}</legend>
          ${input("court", tr("法院", "Court"), { placeholder: tr("名称的一部分，如 越城", "part of the name") })}
          ${input("cause", tr("案由", "Cause"), { placeholder: tr("如 民间借贷", "e.g. 民间借贷") })}
          ${input("party", tr("当事人（全名）", "Party (full name)"))}
          ${input("from", tr("裁判日期自", "Judged from"), { type: "date" })}
          ${input("to", tr("至", "to"), { type: "date" })}
          <label class="search-filter"><span>${tr("数据类型", "Dataset type")}</span>
            <select id="search-type" data-testid="search-type" value=${draft.type}
                onChange=${(e) => { const next = { ...draft, type: e.target.value }; setDraft(next); if (asked) go(next, 0); }}>
              <option value="">${tr("全部", "All")}</option>
              ${[...types].map(([id, label]) => html`<option value=${id} selected=${id === draft.type}>${label}</option>`)}
            </select></label>
          ${can("pii.unmask") ? html`<label class="data-check search-unmask"><input type="checkbox"
              data-testid="search-unmask" checked=${!!draft.unmask}
              onChange=${(e) => { const next = { ...draft, unmask: e.target.checked ? "1" : "" }; setDraft(next); if (asked) go(next, 0); }} />
            ${tr("显示完整个人信息（记录审计）", "Show personal data (audited)")}</label>` : null}
          <div class="search-filter-actions">
            <${Button} type="submit" testid="search-apply">${tr("应用筛选", "Apply")}<//>
            ${filtered ? html`<${Button} kind="link" testid="search-clear"
                onClick=${() => go({ q: params.q, unmask: params.unmask }, 0)}>${tr("清除筛选", "Clear filters")}<//>` : null}
          </div>
        </fieldset>
      </form>
    <//>
    ${!asked ? html`<${Card}><${Help} /><//>` : null}
    <${ErrorBox} error=${errorText(error)} />
    ${asked && !result && !error ? html`<${Loading} />` : null}
    ${asked && result ? html`<${Card}>
      <p class="search-total" data-testid="search-total" role="status">
        ${total > 0
          ? tr(`共找到 ${fmtNum(total)} 条`, `${fmtNum(total)} found`)
          : tr("没有找到", "Nothing found")}</p>
      ${hits.length
        ? html`<ol class="search-hits" data-testid="search-hits" start=${offset + 1}>
            ${hits.map((hit, i) => html`<${Hit} key=${hit.key} hit=${hit} rank=${offset + i + 1}
              dataset=${(datasets || []).find((d) => d.id === hit.dataset_id)} />`)}
          </ol>
          ${result.masked ? html`<p class="muted">${tr("当事人姓名、身份证号和电话已遮蔽。",
            "Party names, ID and phone numbers are masked.")}</p>` : null}
          <${Pager} offset=${offset} limit=${LIMIT} total=${total}
            hasMore=${offset + LIMIT < total && offset + LIMIT <= MAX_OFFSET}
            onChange=${(next) => go(params, next)} />`
        : html`<${Empty}><span data-testid="search-empty">${filtered
            ? tr("没有符合检索词和筛选条件的结果。可以减少检索词或清除筛选。",
              "Nothing matches the words and the filters. Try fewer words or clear the filters.")
            : tr("没有符合检索词的结果。每个词须逐字出现；可以减少检索词。",
              "Nothing matches. Each word must occur exactly as typed; try fewer words.")}</span><//>`}
    <//>` : null}
  <//>`;
}
