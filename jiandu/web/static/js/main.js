// jiandu web UI: sign-in, the layout (navigation, language, account) and the hash router.
// Each screen is an ES module under ./screens/, loaded when first visited.
import {
  html, render, useState, useEffect, tr, lang, setLang, onLangChange, me, setCaller,
  onAuthChange, api, can, navigate,
} from "./core.js";
import { Button, ErrorBox, Loading, Field } from "./ui.js";

// pattern → [module, permission needed to see it in the navigation (null: everyone)]
const ROUTES = [
  ["/", "home", null],
  ["/data", "datasets", "datasets.read"],
  ["/data/:id", "dataset", "datasets.read"],
  ["/import", "import", "datasets.import"],
  ["/judgments", "judgments", "datasets.import"],
  ["/search", "search", "datasets.read"],
  ["/entities", "entity", "datasets.read"],
  ["/entities/:id", "entity", "datasets.read"],
  ["/models", "models", "models.read"],
  ["/models/:id", "model", "models.read"],
  ["/builder", "builder", "models.write"],
  ["/builder/:id", "builder", "models.write"],
  ["/runs", "runs", "runs.read"],
  ["/runs/:id", "run", "runs.read"],
  ["/jobs", "jobs", null],
  ["/clues", "clues", "clues.read"],
  ["/clues/:id", "clue", "clues.read"],
  ["/transfers", "transfers", "clues.read"],
  ["/cases", "cases", "cases.read"],
  ["/cases/:id", "case", "cases.read"],
  ["/leaderboard", "leaderboard", "cases.read"],
  ["/admin", "admin", "users.manage"],
  ["/audit", "audit", "audit.read"],
  ["/api", "apidocs", null],
];

const NAV = [
  ["/", "一本账", "Ledger", null],
  ["/data", "数据资源", "Data", "datasets.read"],
  ["/search", "全文检索", "Search", "datasets.read"],
  ["/entities", "一人一档", "Entity profiles", "datasets.read"],
  ["/import", "数据导入", "Import", "datasets.import"],
  ["/judgments", "导入裁判文书", "Import judgments", "datasets.import"],
  ["/models", "监督模型", "Models", "models.read"],
  ["/builder", "模型构建", "Builder", "models.write"],
  ["/runs", "模型运行", "Runs", "runs.read"],
  ["/jobs", "后台任务", "Jobs", null],
  ["/clues", "线索", "Clues", "clues.read"],
  ["/transfers", "流转", "Transfers", "clues.read"],
  ["/cases", "监督案件", "Cases", "cases.read"],
  ["/leaderboard", "模型排行", "Leaderboard", "cases.read"],
  ["/admin", "用户与单位", "Admin", "users.manage"],
  ["/audit", "审计日志", "Audit", "audit.read"],
  ["/api", "接口文档", "API", null],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search] = raw.split("?");
  const query = Object.fromEntries(new URLSearchParams(search || ""));
  const parts = path.split("/").filter(Boolean);
  for (const [pattern, module] of ROUTES) {
    const want = pattern.split("/").filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    let ok = true;
    want.forEach((segment, i) => {
      if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(parts[i]);
      else if (segment !== parts[i]) ok = false;
    });
    if (ok) return { path: `/${parts.join("/")}`, module, params, query };
  }
  return { path, module: null, params: {}, query };
}

const loaded = new Map();

function Screen({ route }) {
  // {module, component}: the component is only rendered for its own module, so a route
  // change never remounts the previous screen under the new key (it would fetch again).
  const [current, setCurrent] = useState(() =>
    loaded.has(route.module) ? { module: route.module, component: loaded.get(route.module) } : null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setError(null);
    if (!route.module) return undefined;
    if (loaded.has(route.module)) {
      setCurrent({ module: route.module, component: loaded.get(route.module) });
      return undefined;
    }
    let live = true;
    import(`./screens/${route.module}.js`).then(
      (mod) => {
        loaded.set(route.module, mod.default);
        if (live) setCurrent({ module: route.module, component: mod.default });
      },
      (err) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [route.module]);
  if (!route.module) {
    return html`<section class="page"><h1>${tr("页面不存在", "Page not found")}</h1>
      <p><a href="#/">${tr("返回首页", "Back to the ledger")}</a></p></section>`;
  }
  if (error) return html`<${ErrorBox} error=${tr("页面加载失败", "the page failed to load")} />`;
  const ready = current && current.module === route.module ? current.component : loaded.get(route.module);
  if (!ready) return html`<${Loading} />`;
  const Component = ready;
  return html`<${Component} params=${route.params} query=${route.query} key=${location.hash} />`;
}

function SignIn() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api("POST", "/api/auth/login", { username, password });
      setCaller(null, answer.csrf_token);
      setCaller(await api("GET", "/api/me"));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="signin">
    <form class="signin-card" onSubmit=${submit} aria-labelledby="signin-title">
      <div class="brand-big">监督 <span>jiandu</span></div>
      <h1 id="signin-title">${tr("大数据法律监督平台", "Big-data legal supervision platform")}</h1>
      <${Field} label=${tr("用户名", "User name")} id="signin-user">
        <input id="signin-user" name="username" autocomplete="username" required
          value=${username} onInput=${(e) => setUsername(e.target.value)} />
      <//>
      <${Field} label=${tr("密码", "Password")} id="signin-password">
        <input id="signin-password" name="password" type="password" autocomplete="current-password"
          required value=${password} onInput=${(e) => setPassword(e.target.value)} />
      <//>
      <${ErrorBox} error=${error} />
      <${Button} type="submit" kind="primary" disabled=${busy} testid="signin-submit">${tr("登录", "Sign in")}<//>
      <${LangSwitch} />
    </form>
  </main>`;
}

function LangSwitch() {
  const other = lang() === "zh" ? "en" : "zh";
  // The button's name is its visible text, in the language it switches to.
  return html`<button type="button" class="btn btn-link lang-switch" data-testid="lang-switch"
    onClick=${() => setLang(other)} lang=${other === "en" ? "en" : "zh-CN"}
    title=${tr("切换到英文界面", "Switch to the Chinese interface")}>
    ${other === "en" ? "English" : "中文"}</button>`;
}

function Layout({ route }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const caller = me();
  const signOut = async () => {
    try {
      await api("POST", "/api/auth/logout");
    } finally {
      setCaller(null, "");
      navigate("/");
    }
  };
  const items = NAV.filter(([, , , permission]) => !permission || can(permission));
  const active = (path) =>
    path === "/" ? route.path === "/" : route.path === path || route.path.startsWith(`${path}/`);
  return html`<div class=${`shell${menuOpen ? " menu-open" : ""}`}>
    <a class="skip" href="#main">${tr("跳到正文", "Skip to content")}</a>
    <header class="topbar">
      <button type="button" class="btn btn-link menu-toggle" aria-label=${tr("菜单", "menu")}
        aria-expanded=${menuOpen} onClick=${() => setMenuOpen(!menuOpen)}>☰</button>
      <a class="brand" href="#/">监督 <span>jiandu</span></a>
      <div class="topbar-right">
        <span class="who" data-testid="who">${caller.display_name} · ${caller.unit_name}</span>
        <${LangSwitch} />
        <${Button} kind="link" onClick=${signOut} testid="signout">${tr("退出", "Sign out")}<//>
      </div>
    </header>
    <nav class="sidenav" aria-label=${tr("主导航", "main navigation")}>
      ${items.map(([path, zh, en]) => html`<a href=${`#${path}`} class=${active(path) ? "active" : ""}
          aria-current=${active(path) ? "page" : undefined} onClick=${() => setMenuOpen(false)}>${tr(zh, en)}</a>`)}
    </nav>
    <main id="main" class="content" tabindex="-1"><${Screen} route=${route} /></main>
  </div>`;
}

function App() {
  const [route, setRoute] = useState(parseHash());
  const [, setLangTick] = useState(0);
  const [caller, setCallerState] = useState(me());
  const [checking, setChecking] = useState(true);
  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    window.addEventListener("hashchange", onHash);
    const offLang = onLangChange(() => setLangTick((n) => n + 1));
    const offAuth = onAuthChange((value) => setCallerState(value));
    api("GET", "/api/me").then(
      (value) => {
        setCaller(value, value.csrf_token || undefined);
        setChecking(false);
      },
      () => setChecking(false),
    );
    return () => {
      window.removeEventListener("hashchange", onHash);
      offLang();
      offAuth();
    };
  }, []);
  useEffect(() => {
    document.title = `${tr("监督", "jiandu")} · ${tr("大数据法律监督平台", "legal supervision")}`;
  });
  if (checking) return html`<${Loading} />`;
  if (!caller) return html`<${SignIn} />`;
  return html`<${Layout} route=${route} />`;
}

document.documentElement.lang = lang() === "en" ? "en" : "zh-CN";
render(html`<${App} />`, document.getElementById("app"));
