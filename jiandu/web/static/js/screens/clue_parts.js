// Pieces shared by the clue, transfer and case screens: labels, the model names, and the
// dialogs for assigning, sending (一键流转) and making a case. Not a screen of its own.
import {
  html, useState, useEffect, tr, api, fmtDateTime, fmtDate,
} from "../core.js";
import { Modal, Field, Button, ErrorBox, Badge, notify, Loading, statusLabel } from "../ui.js";

// ---- labels --------------------------------------------------------------------------
const SEVERITY = {
  high: ["高", "high", "bad"],
  medium: ["中", "medium", "warn"],
  low: ["低", "low", "info"],
};

export function SeverityBadge({ severity }) {
  const known = SEVERITY[severity];
  if (!known) return html`<${Badge} tone="muted">${severity || "—"}<//>`;
  return html`<${Badge} tone=${known[2]}>${tr(known[0], known[1])}<//>`;
}

export const CLUE_STATUS_OPTIONS = [
  ["pending", "待核查", "to verify"],
  ["verifying", "核查中", "verifying"],
  ["confirmed", "成案", "confirmed"],
  ["rejected", "不成案", "rejected"],
  ["transferred", "已移送", "transferred"],
  ["closed", "已办结", "closed"],
];

export const PRESENCE_OPTIONS = [
  ["new", "新增", "new"],
  ["present", "仍存在", "present"],
  ["changed", "有变化", "changed"],
  ["gone", "已消失", "gone"],
];

export const CASE_STATUS = {
  open: ["办理中", "open", "info"],
  document_issued: ["已制发文书", "document issued", "info"],
  awaiting_reply: ["待回复", "awaiting reply", "warn"],
  replied: ["已回复", "replied", "ok"],
  closed: ["已办结", "closed", "muted"],
};

export function CaseStatusBadge({ status }) {
  const known = CASE_STATUS[status];
  return html`<${Badge} tone=${known ? known[2] : "muted"}>${known ? tr(known[0], known[1]) : status}<//>`;
}

const EVENT_KINDS = {
  created: ["模型发现", "found by the model"],
  presence: ["出现情况变化", "presence changed"],
  status: ["状态变更", "status change"],
  assign: ["指派", "assignment"],
  comment: ["意见", "comment"],
  attachment: ["附件", "attachment"],
  transfer_sent: ["流转发出", "transfer sent"],
  transfer_accepted: ["流转接收", "transfer accepted"],
  transfer_returned: ["流转退回", "transfer returned"],
  feedback: ["协作单位反馈", "feedback"],
  case: ["立案", "made a case"],
  create: ["立案", "case created"],
  document: ["制发文书", "document issued"],
  serve: ["送达", "served"],
  reply: ["回复", "reply"],
  close: ["办结", "closed"],
};

export function eventLabel(kind) {
  const known = EVENT_KINDS[kind];
  return known ? tr(known[0], known[1]) : kind;
}

const ACTIONS = {
  verify: ["开始核查", "start verification"],
  confirm: ["认定成案", "confirm"],
  reject: ["认定不成案", "reject"],
  reopen: ["重新核查", "reopen"],
  close: ["办结", "close"],
};

export function actionLabel(action) {
  const known = ACTIONS[action];
  return known ? tr(known[0], known[1]) : action;
}

// What an event says beyond its kind, as short text (reasons, comments, notes, outcomes).
export function eventText(event) {
  const d = event.detail || {};
  const parts = [];
  if (d.action) parts.push(actionLabel(d.action));
  if (d.run_id) parts.push(`${tr("运行", "run")} ${d.run_id}`);
  if (d.to && typeof d.to === "string") parts.push(`${statusLabel(d.from)} → ${statusLabel(d.to)}`);
  if (d.reason) parts.push(`${tr("理由", "reason")}：${d.reason}`);
  if (d.text) parts.push(d.text);
  if (d.note) parts.push(`${tr("说明", "note")}：${d.note}`);
  if (d.after && "assignee_id" in d.after) {
    parts.push(d.after.due_at ? `${tr("期限", "due")} ${chinaDate(d.after.due_at)}` : "");
  }
  if (d.filename) parts.push(d.filename);
  if (d.case_id) parts.push(`${tr("案件", "case")} ${d.case_id}`);
  if (d.doc_no) parts.push(d.doc_no);
  if (d.served_on) parts.push(`${tr("送达日期", "served on")} ${d.served_on}`);
  if (d.reply_due_at) parts.push(`${tr("回复期限", "reply due")} ${chinaDate(d.reply_due_at)}`);
  if (d.received_at) parts.push(`${tr("收到回复", "received")} ${chinaDate(d.received_at)}`);
  if ("rectified" in d) parts.push(d.rectified ? tr("已整改", "rectified") : tr("未整改", "not rectified"));
  if ("on_time" in d) parts.push(d.on_time ? tr("按期", "on time") : tr("逾期", "late"));
  if (d.content) parts.push(d.content);
  if (d.outcome) parts.push(`${tr("办结情况", "outcome")}：${d.outcome}`);
  return parts.filter(Boolean).join(" · ");
}

function anyStatus(status) {
  if (!status) return "—";
  const known = CASE_STATUS[status];
  return known ? tr(known[0], known[1]) : statusLabel(status);
}

export function History({ events, testid }) {
  if (!events || !events.length) return html`<p class="muted">${tr("暂无记录", "Nothing yet")}</p>`;
  return html`<ol class="cl-timeline" data-testid=${testid}>
    ${events.map((e) => html`<li key=${e.id}>
      <div class="cl-timeline-head">
        <strong>${eventLabel(e.kind)}</strong>
        ${e.from_status || e.to_status
          ? html`<span class="muted">${anyStatus(e.from_status)} → ${anyStatus(e.to_status)}</span>` : null}
        <span class="muted">${e.actor_name || e.actor || ""}</span>
        <time class="muted">${fmtDateTime(e.at)}</time>
      </div>
      ${eventText(e) ? html`<div class="cl-timeline-text">${eventText(e)}</div>` : null}
    </li>`)}
  </ol>`;
}

// ---- dates (deadlines and service days are China-time days) ----------------------------
export function todayChina() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  return now.toISOString().slice(0, 10);
}

export function chinaDate(value) {
  if (!value) return "";
  const moment = new Date(value);
  if (Number.isNaN(moment.getTime())) return fmtDate(value);
  return new Date(moment.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// ---- model names (from the clue facets, loaded once per page load) --------------------
let facetsPromise = null;

export function loadFacets(force = false) {
  if (!facetsPromise || force) facetsPromise = api("GET", "/api/clues/facets").catch((e) => {
    facetsPromise = null;
    throw e;
  });
  return facetsPromise;
}

export function useFacets() {
  const [facets, setFacets] = useState(null);
  useEffect(() => {
    let live = true;
    loadFacets(true).then((f) => live && setFacets(f), () => live && setFacets(null));
    return () => { live = false; };
  }, []);
  return facets;
}

export function modelName(facets, modelId) {
  const found = facets && facets.models.find((m) => m.id === modelId);
  return found ? tr(found.name_zh, found.name_en) : modelId;
}

// ---- assign --------------------------------------------------------------------------
export function AssignModal(props) {
  return props.open ? html`<${AssignForm} ...${props} />` : null;
}

function AssignForm({ clues, onClose, onDone }) {
  const [people, setPeople] = useState(null);
  const [assignee, setAssignee] = useState("");
  const [due, setDue] = useState(
    clues.length === 1 && clues[0].due_at ? chinaDate(clues[0].due_at) : "");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api("GET", "/api/clues/assignees").then((list) => {
      const current = clues.length === 1 ? clues[0].assignee_id : null;
      const mine = list.find((p) => p.is_me);
      setAssignee(current || (mine ? mine.id : ""));
      setPeople(list);
    }, setError);
  }, []);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = [];
      for (const clue of clues) {
        done.push(await api("POST", `/api/clues/${encodeURIComponent(clue.id)}/assign`, {
          assignee_id: assignee || null,
          due_at: due ? `${due}T23:59:59+08:00` : null,
          expected_version: clue.version,
        }));
      }
      notify(tr(`已指派 ${done.length} 条线索`, `${done.length} clue(s) assigned`));
      onDone(done);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open=${true} onClose=${onClose}
      title=${tr(`指派线索（${clues.length} 条）`, `Assign ${clues.length} clue(s)`)}>
    ${people === null && !error ? html`<${Loading} />` : html`<form class="cl-form" onSubmit=${submit}>
      <${Field} label=${tr("承办人", "Assignee")} id="assign-who">
        <select id="assign-who" value=${assignee} onChange=${(e) => setAssignee(e.target.value)}>
          <option value="">${tr("（不指派）", "(nobody)")}</option>
          ${(people || []).map((p) => html`<option value=${p.id} selected=${p.id === assignee}>
            ${p.display_name} · ${p.unit_name}${p.is_me ? tr("（本人）", " (me)") : ""}</option>`)}
        </select>
      <//>
      <${Field} label=${tr("办理期限", "Due date")} id="assign-due"
          hint=${tr("到期未办结的线索标为逾期", "a clue past its due date is overdue")}>
        <input id="assign-due" type="date" value=${due} onInput=${(e) => setDue(e.target.value)} />
      <//>
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid="assign-submit">${tr("确定指派", "Assign")}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>`}
  <//>`;
}

// ---- one-click circulation (一键流转) ---------------------------------------------------
const RELATION = {
  own: ["本单位", "your unit"],
  within: ["下级单位与部门", "units below yours"],
  other: ["其他检察院", "other procuratorates"],
  external: ["外部协作单位", "external units"],
};

export function TransferModal(props) {
  return props.open ? html`<${TransferForm} ...${props} />` : null;
}

function TransferForm({ clues, onClose, onDone }) {
  const [targets, setTargets] = useState(null);
  const [target, setTarget] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api("GET", "/api/clues/transfer-targets").then(setTargets, setError);
  }, []);
  const submit = async (event) => {
    event.preventDefault();
    if (!target) {
      setError(tr("请选择接收单位", "choose the receiving unit"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const sent = await api("POST", "/api/clues/transfers", {
        clues: clues.map((c) => ({ id: c.id, expected_version: c.version })),
        to_unit: target,
        note: note.trim() || null,
      });
      const name = (targets.find((t) => t.id === target) || {}).name || target;
      notify(tr(`已流转 ${sent.transfers.length} 条线索至 ${name}，待对方接收`,
        `${sent.transfers.length} clue(s) sent to ${name}, awaiting acceptance`));
      onDone(sent);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const groups = ["within", "other", "external", "own"];
  return html`<${Modal} open=${true} onClose=${onClose}
      title=${tr(`一键流转（${clues.length} 条线索）`, `Send ${clues.length} clue(s)`)}>
    ${targets === null && !error ? html`<${Loading} />` : html`<form class="cl-form" onSubmit=${submit}>
      <${Field} label=${tr("接收单位", "Receiving unit")} id="transfer-target"
          hint=${tr("对方接收前线索仍由本单位持有；外部单位接收后通过反馈告知处理情况",
            "until the receiver accepts, your unit keeps the clue; external units reply with feedback")}>
        <select id="transfer-target" value=${target} onChange=${(e) => setTarget(e.target.value)}>
          <option value="">${tr("请选择…", "Choose…")}</option>
          ${groups.map((g) => {
            const members = (targets || []).filter((t) => t.relation === g);
            if (!members.length) return null;
            return html`<optgroup label=${tr(...RELATION[g])}>
              ${members.map((t) => html`<option value=${t.id} selected=${t.id === target}>${t.name}</option>`)}
            </optgroup>`;
          })}
        </select>
      <//>
      <${Field} label=${tr("流转说明", "Note")} id="transfer-note">
        <textarea id="transfer-note" rows="3" maxlength="4000" value=${note}
          onInput=${(e) => setNote(e.target.value)}></textarea>
      <//>
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid="transfer-submit">${tr("发送", "Send")}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>`}
  <//>`;
}

// ---- reason dialog (reject, reopen, return) -------------------------------------------
// Dialogs mount their form only while open, so every opening starts from empty fields.
export function ReasonModal(props) {
  return props.open ? html`<${ReasonForm} ...${props} />` : null;
}

function ReasonForm({ title, label, submitLabel, onClose, onSubmit, testid, required = true }) {
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    if (required && !text.trim()) {
      setError(tr(`${label}不能为空`, `${label}: required`));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit(text.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open=${true} onClose=${onClose} title=${title}>
    <form class="cl-form" onSubmit=${submit}>
      <${Field} label=${label} id="reason-text">
        <textarea id="reason-text" rows="4" maxlength="4000" value=${text}
          onInput=${(e) => setText(e.target.value)}></textarea>
      <//>
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid=${testid}>${submitLabel}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>
  <//>`;
}

// ---- a new case from confirmed clues --------------------------------------------------
export function NewCaseModal(props) {
  return props.open ? html`<${NewCaseForm} ...${props} />` : null;
}

function NewCaseForm({ clues, onClose, onDone }) {
  const given = clues && clues.length ? clues : null;
  const [types, setTypes] = useState(null);
  const [candidates, setCandidates] = useState(given);
  const [chosen, setChosen] = useState(new Set(given ? given.map((c) => c.id) : []));
  const [caseType, setCaseType] = useState("procuratorial_suggestion");
  const [title, setTitle] = useState(given && given.length === 1 ? given[0].title : "");
  const [facts, setFacts] = useState("");
  const [supervised, setSupervised] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api("GET", "/api/cases/types").then(setTypes, setError);
    if (!given) {
      Promise.all([
        api("GET", "/api/clues?status=confirmed&limit=200"),
        api("GET", "/api/clues?status=transferred&limit=200"),
      ]).then(([a, b]) => {
        setCandidates([...a, ...b]);
        setChosen(new Set());
      }, setError);
    }
  }, []);
  const kind = (types || []).find((t) => t.id === caseType);
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id); else next.add(id);
    setChosen(next);
  };
  const submit = async (event) => {
    event.preventDefault();
    if (!chosen.size) {
      setError(tr("请至少选择一条成案线索", "choose at least one confirmed clue"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const made = await api("POST", "/api/cases", {
        clue_ids: [...chosen],
        case_type: caseType,
        title: title.trim(),
        facts: facts.trim(),
        supervised_unit: supervised.trim(),
      });
      notify(tr(`已立案 ${made.case_no}`, `case ${made.case_no} created`));
      onDone(made);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open=${true} onClose=${onClose} title=${tr("新建监督案件", "New supervision case")}>
    <form class="cl-form" onSubmit=${submit}>
      <fieldset class="cl-pick">
        <legend>${tr("成案线索", "Confirmed clues")}</legend>
        ${candidates === null ? html`<${Loading} />` : candidates.length === 0
          ? html`<p class="muted">${tr("没有可立案的成案线索", "no confirmed clues to make a case of")}</p>`
          : candidates.map((c) => html`<label class="cl-check" key=${c.id}>
              <input type="checkbox" checked=${chosen.has(c.id)} onChange=${() => toggle(c.id)} />
              <span>${c.title}</span> <span class="muted mono">${c.id}</span></label>`)}
      </fieldset>
      <${Field} label=${tr("案件类型", "Case type")} id="case-type"
          hint=${kind ? tr(`文书：${kind.document_title}；回复期限：${kind.reply_period_zh}`,
            `document: ${kind.document_title}; reply within ${kind.reply_period_zh}`) : null}>
        <select id="case-type" value=${caseType} onChange=${(e) => setCaseType(e.target.value)}>
          ${(types || []).map((t) => html`<option value=${t.id} selected=${t.id === caseType}>${tr(t.label_zh, t.label_en)}</option>`)}
        </select>
      <//>
      <${Field} label=${tr("案件名称", "Title")} id="case-title">
        <input id="case-title" required maxlength="500" value=${title} onInput=${(e) => setTitle(e.target.value)} />
      <//>
      <${Field} label=${tr("被监督单位（主送单位）", "Supervised unit (addressee)")} id="case-supervised"
          hint=${kind ? kind.addressee_hint : null}>
        <input id="case-supervised" required maxlength="200" value=${supervised}
          onInput=${(e) => setSupervised(e.target.value)} />
      <//>
      <${Field} label=${tr("经审查查明的事实", "Facts as established")} id="case-facts">
        <textarea id="case-facts" required rows="6" maxlength="50000" value=${facts}
          onInput=${(e) => setFacts(e.target.value)}></textarea>
      <//>
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid="case-create-submit">${tr("立案", "Create case")}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>
  <//>`;
}
