// 用户与单位 (administration): the unit tree, users (add, change roles, disable) and the
// roles → permissions table. Administrators manage their own procuratorate's subtree only.
import { html, useState, useMemo, tr, api, useApi, can, me } from "../core.js";
import {
  Page, Card, Table, Tabs, Modal, Field, Button, Badge, ErrorBox, Loading, Empty, Select, notify,
} from "../ui.js";

const CLEARANCES = [
  ["public", "公开", "public"],
  ["internal", "内部", "internal"],
  ["sensitive", "敏感", "sensitive"],
  ["secret", "机密", "secret"],
];
const KINDS = [
  ["procuratorate", "检察院", "procuratorate"],
  ["department", "部门", "department"],
  ["external", "外部协作单位", "external unit"],
];
const LEVELS = [
  ["province", "省级", "province"],
  ["city", "市级", "city"],
  ["county", "县级", "county"],
];

const pick = (list, value) => {
  const found = list.find(([key]) => key === value);
  return found ? tr(found[1], found[2]) : value || "";
};

function roleLabel(roles, role) {
  const found = roles && roles.find((r) => r.role === role);
  return found ? tr(found.label_zh, found.label_en) : role;
}

// ---- units ---------------------------------------------------------------------------
function UnitTree({ units, onAdd }) {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map();
  for (const unit of units) {
    const parent = ids.has(unit.parent_id) ? unit.parent_id : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(unit);
  }
  const branch = (parent) => {
    const list = children.get(parent) || [];
    if (!list.length) return null;
    return html`<ul class=${parent === null ? "unit-tree" : ""}>
      ${list.map((unit) => html`<li key=${unit.id} data-testid=${`unit-${unit.id}`}>
        <span class="unit-node">
          <strong>${unit.name}</strong>
          <span class="unit-id">${unit.id}</span>
          <${Badge} tone=${unit.kind === "external" ? "warn" : unit.kind === "department" ? "muted" : "info"}>
            ${pick(KINDS, unit.kind)}${unit.level ? ` · ${pick(LEVELS, unit.level)}` : ""}<//>
          ${unit.kind !== "external" && can("units.manage")
            ? html`<${Button} kind="link" onClick=${() => onAdd(unit)}
                title=${tr(`在 ${unit.name} 下添加单位`, `add a unit under ${unit.name}`)}>
                ${tr("＋ 下级单位", "+ unit below")}<//>`
            : null}
        </span>
        ${branch(unit.id)}
      </li>`)}
    </ul>`;
  };
  return branch(null);
}

function AddUnit({ parent, onClose, onDone }) {
  const [form, setForm] = useState({
    id: "", name: "", kind: "department", level: "", region_code: "",
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target ? event.target.value : event });
  const kinds = parent.kind === "department" ? KINDS.filter(([k]) => k === "department") : KINDS;
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        id: form.id.trim(), name: form.name.trim(), kind: form.kind, parent_id: parent.id,
        level: form.kind === "procuratorate" ? form.level || null : null,
        region_code: form.region_code.trim() || null,
      };
      const unit = await api("POST", "/api/units", body);
      notify(tr(`已添加单位：${unit.name}`, `unit added: ${unit.name}`));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open title=${tr(`在「${parent.name}」下添加单位`, `Add a unit under ${parent.name}`)}
      onClose=${onClose}
      footer=${html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
        <${Button} kind="primary" disabled=${busy} testid="unit-submit"
          onClick=${submit}>${tr("添加", "Add")}<//>`}>
    <form class="form" onSubmit=${submit}>
      <${Field} label=${tr("单位编号", "Unit id")} id="unit-id"
          hint=${tr("字母、数字、_ . -，建立后不能修改", "letters, digits, _ . -; cannot change later")}>
        <input id="unit-id" required maxlength="64" value=${form.id} onInput=${set("id")} />
      <//>
      <${Field} label=${tr("名称", "Name")} id="unit-name">
        <input id="unit-name" required maxlength="200" value=${form.name} onInput=${set("name")} />
      <//>
      <${Field} label=${tr("类型", "Kind")} id="unit-kind">
        <${Select} id="unit-kind" label=${tr("类型", "Kind")} value=${form.kind}
          onChange=${(value) => setForm({ ...form, kind: value })}
          options=${kinds.map(([value, zh, en]) => ({ value, label: tr(zh, en) }))} />
      <//>
      ${form.kind === "procuratorate" ? html`<${Field} label=${tr("级别", "Level")} id="unit-level">
        <${Select} id="unit-level" label=${tr("级别", "Level")} value=${form.level}
          onChange=${(value) => setForm({ ...form, level: value })}
          options=${[{ value: "", label: tr("请选择", "choose") }].concat(
            LEVELS.map(([value, zh, en]) => ({ value, label: tr(zh, en) })))} />
      <//>` : null}
      <${Field} label=${tr("行政区划代码（可选）", "Region code (optional)")} id="unit-region"
          hint=${tr("6 位 GB/T 2260 代码", "6-digit GB/T 2260 code")}>
        <input id="unit-region" inputmode="numeric" pattern="[0-9]{6}" maxlength="6"
          value=${form.region_code} onInput=${set("region_code")} />
      <//>
    </form>
    <${ErrorBox} error=${error} />
  <//>`;
}

function Units({ units, reload }) {
  const [parent, setParent] = useState(null);
  return html`<${Card} title=${tr("组织机构", "Organisation")} testid="admin-units">
    ${units.length ? html`<${UnitTree} units=${units} onAdd=${setParent} />` : html`<${Empty} />`}
    ${parent ? html`<${AddUnit} parent=${parent} onClose=${() => setParent(null)}
      onDone=${() => { setParent(null); reload(); }} />` : null}
  <//>`;
}

// ---- users ---------------------------------------------------------------------------
function RoleChecks({ roles, value, onChange, idPrefix }) {
  return html`<fieldset class="check-grid" aria-label=${tr("角色", "Roles")}>
    ${roles.map((r) => html`<label for=${`${idPrefix}-${r.role}`}>
      <input type="checkbox" id=${`${idPrefix}-${r.role}`} checked=${value.includes(r.role)}
        onChange=${(e) => onChange(e.target.checked ? [...value, r.role] : value.filter((x) => x !== r.role))} />
      ${tr(r.label_zh, r.label_en)}</label>`)}
  </fieldset>`;
}

function AddUser({ units, roles, onClose, onDone }) {
  const mine = me();
  const [form, setForm] = useState({
    username: "", display_name: "", unit_id: units.some((u) => u.id === mine.unit_id) ? mine.unit_id : (units[0] || {}).id,
    password: "", roles: [], clearance: "internal",
  });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (key) => (event) => setForm({ ...form, [key]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api("POST", "/api/users", { ...form, username: form.username.trim() });
      notify(tr(`已添加用户：${user.username}`, `user added: ${user.username}`));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open title=${tr("添加用户", "Add a user")} onClose=${onClose}
      footer=${html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
        <${Button} kind="primary" disabled=${busy} testid="user-submit" onClick=${submit}>${tr("添加", "Add")}<//>`}>
    <form class="form" onSubmit=${submit}>
      <${Field} label=${tr("用户名", "User name")} id="user-username">
        <input id="user-username" required maxlength="64" autocomplete="off" value=${form.username}
          onInput=${set("username")} />
      <//>
      <${Field} label=${tr("姓名", "Display name")} id="user-name">
        <input id="user-name" required maxlength="200" value=${form.display_name} onInput=${set("display_name")} />
      <//>
      <${Field} label=${tr("单位", "Unit")} id="user-unit">
        <${Select} id="user-unit" label=${tr("单位", "Unit")} value=${form.unit_id}
          onChange=${(value) => setForm({ ...form, unit_id: value })}
          options=${units.map((u) => ({ value: u.id, label: u.name }))} />
      <//>
      <${Field} label=${tr("初始密码", "Initial password")} id="user-password"
          hint=${tr("至少 12 位且含三类字符，或 16 位以上的口令短语；不得包含用户名",
            "12+ characters of three kinds, or a 16+ character passphrase; not containing the user name")}>
        <input id="user-password" type="password" required autocomplete="new-password" maxlength="256"
          value=${form.password} onInput=${set("password")} />
      <//>
      <${Field} label=${tr("密级", "Clearance")} id="user-clearance">
        <${Select} id="user-clearance" label=${tr("密级", "Clearance")} value=${form.clearance}
          onChange=${(value) => setForm({ ...form, clearance: value })}
          options=${CLEARANCES.map(([value, zh, en]) => ({ value, label: tr(zh, en) }))} />
      <//>
    </form>
    <div><strong>${tr("角色", "Roles")}</strong>
      <${RoleChecks} roles=${roles} value=${form.roles} idPrefix="new-role"
        onChange=${(value) => setForm({ ...form, roles: value })} /></div>
    <${ErrorBox} error=${error} />
  <//>`;
}

function ChangeRoles({ user, roles, onClose, onDone }) {
  const [value, setValue] = useState(user.roles);
  const [error, setError] = useState(null);
  const save = async () => {
    setError(null);
    try {
      await api("PUT", `/api/users/${encodeURIComponent(user.id)}/roles`, { roles: value });
      notify(tr(`已更新 ${user.username} 的角色`, `roles of ${user.username} updated`));
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Modal} open title=${tr(`${user.display_name}（${user.username}）的角色`, `Roles of ${user.display_name} (${user.username})`)}
      onClose=${onClose}
      footer=${html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
        <${Button} kind="primary" testid="roles-submit" onClick=${save}>${tr("保存", "Save")}<//>`}>
    <${RoleChecks} roles=${roles} value=${value} onChange=${setValue} idPrefix="edit-role" />
    <${ErrorBox} error=${error} />
  <//>`;
}

function Disable({ user, onClose, onDone }) {
  const [error, setError] = useState(null);
  const go = async () => {
    try {
      await api("POST", `/api/users/${encodeURIComponent(user.id)}/disable`);
      notify(tr(`已停用 ${user.username}`, `${user.username} disabled`), "warn");
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Modal} open title=${tr("停用用户", "Disable the user")} onClose=${onClose}
      footer=${html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
        <${Button} kind="danger" testid="disable-submit" onClick=${go}>${tr("停用", "Disable")}<//>`}>
    <p>${tr(`停用 ${user.display_name}（${user.username}）后，其会话立即结束，API 令牌失效。`,
      `Disabling ${user.display_name} (${user.username}) ends their sessions and stops their API tokens at once.`)}</p>
    <${ErrorBox} error=${error} />
  <//>`;
}

function Users({ users, units, roles, reload }) {
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(null);
  const [disabling, setDisabling] = useState(null);
  const [filter, setFilter] = useState("");
  const unitName = useMemo(() => Object.fromEntries(units.map((u) => [u.id, u.name])), [units]);
  const self = me().id;
  const needle = filter.trim().toLowerCase();
  const shown = users.filter((u) => !needle || `${u.username} ${u.display_name} ${unitName[u.unit_id] || ""}`
    .toLowerCase().includes(needle));
  const columns = [
    { key: "username", label: tr("用户名", "User name"), render: (u) => html`<span class="mono">${u.username}</span>` },
    { key: "display_name", label: tr("姓名", "Name") },
    { key: "unit", label: tr("单位", "Unit"), render: (u) => unitName[u.unit_id] || u.unit_id },
    { key: "roles", label: tr("角色", "Roles"), render: (u) => html`<span class="role-list">
      ${u.roles.length ? u.roles.map((r) => html`<${Badge} tone="info">${roleLabel(roles, r)}<//>`)
        : html`<span class="muted">${tr("无", "none")}</span>`}</span>` },
    { key: "clearance", label: tr("密级", "Clearance"), render: (u) => pick(CLEARANCES, u.clearance) },
    { key: "is_active", label: tr("状态", "Status"), render: (u) => u.is_active
      ? html`<${Badge} tone="ok">${tr("启用", "active")}<//>` : html`<${Badge} tone="muted">${tr("已停用", "disabled")}<//>` },
    { key: "actions", label: tr("操作", "Actions"), render: (u) => u.id === self || !u.is_active ? null : html`<span class="row">
      <${Button} kind="link" onClick=${() => setEditing(u)} testid=${`roles-${u.username}`}>${tr("改角色", "Roles")}<//>
      <${Button} kind="link" onClick=${() => setDisabling(u)} testid=${`disable-${u.username}`}>${tr("停用", "Disable")}<//>
    </span>` },
  ];
  const done = () => { setAdding(false); setEditing(null); setDisabling(null); reload(); };
  return html`<${Card} title=${tr(`用户（${users.length}）`, `Users (${users.length})`)} testid="admin-users"
      actions=${html`<input type="search" aria-label=${tr("查找用户", "find a user")} placeholder=${tr("查找…", "Find…")}
          value=${filter} onInput=${(e) => setFilter(e.target.value)} />
        <${Button} kind="primary" onClick=${() => setAdding(true)} testid="add-user">${tr("添加用户", "Add user")}<//>`}>
    <${Table} testid="users-table" columns=${columns} rows=${shown} />
    ${adding ? html`<${AddUser} units=${units} roles=${roles} onClose=${() => setAdding(false)} onDone=${done} />` : null}
    ${editing ? html`<${ChangeRoles} user=${editing} roles=${roles} onClose=${() => setEditing(null)} onDone=${done} />` : null}
    ${disabling ? html`<${Disable} user=${disabling} onClose=${() => setDisabling(null)} onDone=${done} />` : null}
  <//>`;
}

// ---- roles ---------------------------------------------------------------------------
function Roles({ table }) {
  const columns = [
    { key: "permission", label: tr("权限", "Permission"), render: (p) => html`${tr(p.label_zh, p.label_en)}
      <div class="muted mono">${p.permission}</div>` },
  ].concat(table.roles.map((r) => ({
    key: r.role, label: tr(r.label_zh, r.label_en), className: "perm-col",
    render: (p) => (r.permissions.includes(p.permission)
      ? html`<span class="perm-yes" aria-label=${tr("有", "yes")}>✓</span>`
      : html`<span class="perm-no" aria-label=${tr("无", "no")}>·</span>`),
  })));
  return html`<${Card} title=${tr("角色与权限", "Roles and permissions")} testid="admin-roles">
    <p class="muted">${tr("角色的权限由程序定义，不能在数据库中修改；角色只在用户所在单位范围内生效。",
      "What a role grants is defined in code, not in the database; roles apply within the user's own unit.")}</p>
    <${Table} testid="roles-table" rowKey="permission" columns=${columns} rows=${table.permissions} />
  <//>`;
}

export default function Admin({ query }) {
  const [tab, setTab] = useState(query.tab || "users");
  const units = useApi(can("units.manage") ? "/api/units" : null);
  const users = useApi("/api/users");
  const roles = useApi("/api/roles");
  const tabs = [
    { key: "users", label: tr("用户", "Users") },
    can("units.manage") ? { key: "units", label: tr("单位", "Units") } : null,
    { key: "roles", label: tr("角色", "Roles") },
  ].filter(Boolean);
  const error = units.error || users.error || roles.error;
  const ready = users.data && roles.data && (units.data || !can("units.manage"));
  const unitList = units.data || [];
  return html`<${Page} title=${tr("用户与单位", "Users and units")}>
    <${Tabs} tabs=${tabs} active=${tab} onChange=${(key) => { setTab(key); history.replaceState(null, "", `#/admin?tab=${key}`); }} />
    <${ErrorBox} error=${error} />
    ${!ready ? (error ? null : html`<${Loading} />`)
      : tab === "units" ? html`<${Units} units=${unitList} reload=${units.reload} />`
      : tab === "roles" ? html`<${Roles} table=${roles.data} />`
      : html`<${Users} users=${users.data} units=${unitList} roles=${roles.data.roles} reload=${users.reload} />`}
  <//>`;
}
