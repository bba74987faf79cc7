// 接口文档 (API documentation): GET /api/openapi.json rendered here, grouped by tag, with
// the permission each route needs (GET /api/route-permissions). Swagger UI is not used: it
// loads from a CDN, which neither the strict CSP nor an air-gapped intranet allows.
import { html, useState, useMemo, tr, useApi } from "../core.js";
import { Page, Card, Badge, ErrorBox, Loading, Empty } from "../ui.js";

const TAGS = {
  auth: ["登录与账户", "Sign-in and account"],
  admin: ["用户、单位与角色", "Users, units and roles"],
  datasets: ["数据资源", "Datasets"],
  imports: ["数据导入", "Imports"],
  uploads: ["分步导入", "Staged uploads"],
  models: ["监督模型", "Models"],
  runs: ["模型运行", "Runs"],
  clues: ["线索与流转", "Clues and transfers"],
  cases: ["监督案件", "Cases"],
  ledger: ["一本账与排行", "Ledger and leaderboard"],
  shares: ["共享", "Sharing"],
  exports: ["导出审批", "Export approvals"],
  audit: ["审计日志", "Audit log"],
  jobs: ["后台任务", "Background jobs"],
};
const METHODS = ["get", "post", "put", "patch", "delete"];

// Docstrings mark names with `backticks`: show those as code.
function Prose({ text }) {
  const parts = String(text || "").split("`");
  return parts.map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part));
}

function tagLabel(tag) {
  const known = TAGS[tag];
  return known ? tr(known[0], known[1]) : tag;
}

function anchor(tag) {
  return `api-tag-${tag.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

// ---- schemas -------------------------------------------------------------------------
function resolve(spec, schema) {
  let current = schema || {};
  for (let depth = 0; current.$ref && depth < 10; depth += 1) {
    const name = current.$ref.split("/").pop();
    current = (spec.components && spec.components.schemas && spec.components.schemas[name]) || {};
  }
  return current;
}

// "string ≤ 4000", "integer ≥ 1", "one of a | b", "array of string", nullable as "… or null".
function typeText(spec, raw) {
  const schema = resolve(spec, raw);
  if (schema.anyOf || schema.oneOf) {
    const parts = (schema.anyOf || schema.oneOf).map((s) => typeText(spec, s));
    return parts.join(tr(" 或 ", " or "));
  }
  if (schema.enum) return `${tr("取值", "one of")} ${schema.enum.map((v) => JSON.stringify(v)).join(" | ")}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === "array") return `${tr("数组，元素为", "array of")} ${typeText(spec, schema.items)}`;
  const limits = [];
  if (schema.minLength !== undefined) limits.push(`${tr("长度", "length")} ≥ ${schema.minLength}`);
  if (schema.maxLength !== undefined) limits.push(`${tr("长度", "length")} ≤ ${schema.maxLength}`);
  if (schema.minimum !== undefined) limits.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) limits.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined) limits.push(`${tr("至少", "at least")} ${schema.minItems}`);
  if (schema.maxItems !== undefined) limits.push(`${tr("至多", "at most")} ${schema.maxItems}`);
  const base = schema.format ? `${schema.type || "string"} (${schema.format})` : schema.type || (schema.title || "object");
  return limits.length ? `${base}, ${limits.join(", ")}` : base;
}

function SchemaFields({ spec, schema, depth = 0 }) {
  const resolved = resolve(spec, schema);
  const target = resolved.type === "array" ? resolve(spec, resolved.items) : resolved;
  const properties = target.properties || {};
  const required = new Set(target.required || []);
  const names = Object.keys(properties);
  if (!names.length) return html`<span class="mono">${typeText(spec, schema)}</span>`;
  return html`<ul>
    ${resolved.type === "array" ? html`<li class="muted">${tr("数组，每个元素：", "an array; each item:")}</li>` : null}
    ${names.map((name) => {
      const prop = properties[name];
      const inner = resolve(spec, prop);
      const nested = depth < 3 && (inner.properties || (inner.type === "array" && resolve(spec, inner.items).properties));
      return html`<li>
        <code>${name}</code>${required.has(name) ? html` <${Badge} tone="warn">${tr("必填", "required")}<//>` : null}
        <span class="muted"> ${typeText(spec, prop)}</span>
        ${inner.default !== undefined ? html`<span class="muted"> · ${tr("默认", "default")} ${JSON.stringify(inner.default)}</span>` : null}
        ${prop.description || inner.description ? html` — <${Prose} text=${prop.description || inner.description} />` : null}
        ${nested ? html`<${SchemaFields} spec=${spec} schema=${prop} depth=${depth + 1} />` : null}
      </li>`;
    })}
  </ul>`;
}

// ---- operations ----------------------------------------------------------------------
function Operation({ spec, op, permission }) {
  const lines = (op.description || "").trim().split("\n");
  const summary = lines[0] || op.summary || "";
  const rest = lines.slice(1).join("\n").trim();
  const params = op.parameters || [];
  const body = op.requestBody && op.requestBody.content;
  const bodyType = body ? Object.keys(body)[0] : null;
  return html`<details class="api-op" data-testid=${`api-op-${op.method.toUpperCase()} ${op.path}`}>
    <summary>
      <span class=${`api-method api-${op.method.toUpperCase()}`}>${op.method.toUpperCase()}</span>
      <span class="api-path">${op.path}</span>
      <span class="api-summary"><${Prose} text=${summary} /></span>
      ${permission ? html`<${Badge} tone=${permission === "public" ? "muted" : "info"}>${
        permission === "public" ? tr("公开", "public") : permission}<//>` : null}
    </summary>
    <div class="api-op-body">
      ${rest ? html`<p class="api-desc"><${Prose} text=${rest} /></p>` : null}
      <div><strong>${tr("所需权限", "Permission")}</strong>：
        ${permission === "public" ? tr("无需登录", "none (public)")
          : permission === "self" ? tr("任何已登录用户（self）", "any signed-in user (self)")
          : permission ? html`<code>${permission}</code>` : tr("未知", "unknown")}</div>
      ${params.length ? html`<div class="api-schema"><strong>${tr("参数", "Parameters")}</strong>
        <ul>${params.map((p) => html`<li>
          <code>${p.name}</code> <span class="muted">(${{ path: tr("路径", "path"), query: tr("查询", "query"),
            header: tr("请求头", "header"), cookie: "cookie" }[p.in] || p.in})</span>
          ${p.required ? html` <${Badge} tone="warn">${tr("必填", "required")}<//>` : null}
          <span class="muted"> ${typeText(spec, p.schema)}</span>
          ${p.schema && p.schema.default !== undefined ? html`<span class="muted"> · ${tr("默认", "default")} ${JSON.stringify(p.schema.default)}</span>` : null}
          ${p.description ? html` — <${Prose} text=${p.description} />` : null}
        </li>`)}</ul></div>` : null}
      ${body ? html`<div class="api-schema"><strong>${tr("请求体", "Request body")}</strong>
        <span class="muted"> (${bodyType})</span>
        <${SchemaFields} spec=${spec} schema=${body[bodyType].schema} /></div>` : null}
      <div class="muted">${tr("应答", "Responses")}：${Object.entries(op.responses || {})
        .map(([code, r]) => `${code} ${r.description || ""}`).join(" · ")}</div>
    </div>
  </details>`;
}

function group(spec, filter) {
  const groups = new Map();
  const needle = filter.trim().toLowerCase();
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const text = `${method} ${path} ${op.description || ""} ${op.summary || ""}`.toLowerCase();
      if (needle && !text.includes(needle)) continue;
      const tag = (op.tags && op.tags[0]) || "other";
      if (!groups.has(tag)) groups.set(tag, []);
      groups.get(tag).push({ ...op, method, path });
    }
  }
  return groups;
}

export default function ApiDocs() {
  const { data: spec, error } = useApi("/api/openapi.json");
  const { data: guards } = useApi("/api/route-permissions");
  const [filter, setFilter] = useState("");
  const permissions = useMemo(
    () => Object.fromEntries((guards || []).map((g) => [`${g.method} ${g.path}`, g.permission])),
    [guards],
  );
  const title = tr("接口文档", "API documentation");
  if (error) return html`<${Page} title=${title}><${ErrorBox} error=${error} /><//>`;
  if (!spec) return html`<${Page} title=${title}><${Loading} /><//>`;
  const groups = group(spec, filter);
  const count = [...groups.values()].reduce((n, ops) => n + ops.length, 0);
  return html`<${Page} title=${title}
      actions=${html`<input type="search" aria-label=${tr("查找接口", "find an endpoint")}
        placeholder=${tr("查找路径或说明…", "Find a path or text…")} value=${filter}
        onInput=${(e) => setFilter(e.target.value)} data-testid="api-filter" />`}>
    <${Card}>
      <p>${tr(
        "所有接口返回 JSON。浏览器登录后使用会话 Cookie，修改类请求（POST/PUT/DELETE）须在请求头 X-CSRF-Token 中带上会话的 CSRF 令牌；脚本使用 API 令牌：Authorization: Bearer jd_…。错误格式为 {\"error\": {\"zh\", \"en\", \"kind\"}}：401 未登录，403 无权限，404 不存在或不在本人范围内，409 已被他人修改或当前状态不允许，422 参数不正确。",
        "Every endpoint answers JSON. A browser signs in and uses its session cookie; unsafe requests (POST/PUT/DELETE) carry the session's CSRF token in X-CSRF-Token. Scripts use an API token: Authorization: Bearer jd_…. Errors read {\"error\": {\"zh\", \"en\", \"kind\"}}: 401 not signed in, 403 not allowed, 404 not found or not yours, 409 changed meanwhile or not allowed now, 422 invalid parameters.")}</p>
      <p class="muted">${spec.info ? `${spec.info.title} ${spec.info.version}` : ""} · ${tr(`共 ${count} 个接口`, `${count} endpoints`)}</p>
    <//>
    ${count === 0 ? html`<${Empty}>${tr("没有匹配的接口", "No endpoint matches")}<//>` : html`
    <div class="api-layout">
      <nav class="api-toc card" aria-label=${tr("接口分组", "endpoint groups")}>
        ${[...groups.entries()].map(([tag, ops]) => html`<a href=${`#/api`} onClick=${(e) => {
          e.preventDefault();
          const target = document.getElementById(anchor(tag));
          if (target) target.scrollIntoView({ behavior: "smooth", block: "start" });
        }}>${tagLabel(tag)} <span class="muted">(${ops.length})</span></a>`)}
      </nav>
      <div>
        ${[...groups.entries()].map(([tag, ops]) => html`<section id=${anchor(tag)} data-testid=${`api-group-${tag}`}>
          <h2 class="api-group-title">${tagLabel(tag)} <span class="muted mono">${tag}</span></h2>
          ${ops.map((op) => html`<${Operation} key=${`${op.method} ${op.path}`} spec=${spec} op=${op}
            permission=${permissions[`${op.method.toUpperCase()} ${op.path}`]} />`)}
        </section>`)}
      </div>
    </div>`}
  <//>`;
}
