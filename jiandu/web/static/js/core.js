// jiandu web UI core: language, the JSON API client, the signed-in caller, formatting.
// Everything here is served by jiandu itself (no CDN); see docs/dev/web-ui.md.
import {
  html, render, useState, useEffect, useMemo, useRef, useCallback,
} from "../vendor/preact-htm.mjs";

export { html, render, useState, useEffect, useMemo, useRef, useCallback };

// ---- language: Chinese first, English switchable -------------------------------------
let currentLang = localStorage.getItem("jd.lang") === "en" ? "en" : "zh";
const langListeners = new Set();

export function lang() {
  return currentLang;
}

export function tr(zh, en) {
  return currentLang === "en" && en ? en : zh;
}

export function setLang(value) {
  currentLang = value === "en" ? "en" : "zh";
  localStorage.setItem("jd.lang", currentLang);
  document.documentElement.lang = currentLang === "en" ? "en" : "zh-CN";
  for (const listener of langListeners) listener(currentLang);
}

export function onLangChange(listener) {
  langListeners.add(listener);
  return () => langListeners.delete(listener);
}

// ---- the signed-in caller ----------------------------------------------------------
let caller = null;
let csrfToken = sessionStorage.getItem("jd.csrf") || "";
const authListeners = new Set();

export function me() {
  return caller;
}

export function can(permission) {
  return !!caller && caller.permissions.includes(permission);
}

export function setCaller(value, csrf) {
  caller = value;
  if (csrf !== undefined) {
    csrfToken = csrf || "";
    if (csrfToken) sessionStorage.setItem("jd.csrf", csrfToken);
    else sessionStorage.removeItem("jd.csrf");
  }
  for (const listener of authListeners) listener(caller);
}

export function onAuthChange(listener) {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

// ---- the API client ----------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    const zh = error.zh || `请求失败（${status}）`;
    const en = error.en || `request failed (${status})`;
    super(tr(zh, en));
    this.status = status;
    this.kind = error.kind || "";
    this.zh = zh;
    this.en = en;
    this.body = body;
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

async function send(method, path, init) {
  const headers = { Accept: "application/json", ...(init.headers || {}) };
  if (UNSAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response;
  try {
    response = await fetch(path, { method, credentials: "same-origin", ...init, headers });
  } catch (error) {
    throw new ApiError(0, {
      error: { zh: "无法连接服务器", en: "cannot reach the server", kind: "Network" },
    });
  }
  if (response.status === 401 && caller && !path.startsWith("/api/auth/login")) {
    setCaller(null, "");
  }
  return response;
}

async function parse(response) {
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function api(method, path, body) {
  const init = {};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  return parse(await send(method, path, init));
}

export async function apiUpload(path, formData) {
  return parse(await send("POST", path, { body: formData }));
}

export async function apiDownload(method, path, body) {
  const init = {};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await send(method, path, init);
  if (!response.ok) await parse(response);
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") || "";
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : "download";
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}

export function useApi(path, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null || path === undefined) {
      setState({ data: null, error: null, loading: false });
      return undefined;
    }
    let live = true;
    setState((old) => ({ ...old, loading: true, error: null }));
    api("GET", path).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, tick, ...deps]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

// ---- navigation --------------------------------------------------------------------
export function navigate(hash) {
  const target = hash.startsWith("#") ? hash : `#${hash}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}

export function qs(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params || {})) {
    if (value === null || value === undefined || value === "") continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

// ---- formatting --------------------------------------------------------------------
export function fmtDate(value) {
  if (!value) return "";
  return String(value).slice(0, 10);
}

export function fmtDateTime(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

export function fmtNum(value) {
  if (value === null || value === undefined || value === "") return "";
  const number = Number(value);
  if (Number.isNaN(number)) return String(value);
  return number.toLocaleString(currentLang === "en" ? "en-US" : "zh-CN");
}

export function fmtPct(value) {
  if (value === null || value === undefined) return "—";
  return `${(Number(value) * 100).toFixed(1)}%`;
}
