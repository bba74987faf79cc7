// #/clues/<id> — one clue: what the model found and why, the evidence (masked) and its
// relationship graph, the history, attachments, and the work on it: assign, verify,
// confirm / reject / reopen, comment, 一键流转, and making a case of a confirmed clue.
import {
  html, useState, useEffect, tr, api, apiUpload, apiDownload, navigate, can, me,
  fmtDate, fmtDateTime, fmtNum, qs,
} from "../core.js";
import {
  Page, Card, Table, Button, ErrorBox, Loading, StatusBadge, Badge, KeyValue, Field, Graph,
  Tabs, notify,
} from "../ui.js";
import {
  SeverityBadge, History, AssignModal, TransferModal, ReasonModal, NewCaseModal, useFacets,
  modelName, actionLabel, chinaDate,
} from "./clue_parts.js";

// Shared with the entity profile screen (entity.js), which draws its graph the same way.
export const KIND_COLOURS = { person: "#1f5fa8", company: "#1e7b45", vehicle: "#9a6200", case: "#a4161a" };

function cell(value) {
  if (value === null || value === undefined || value === "") return html`<span class="muted">—</span>`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function EvidenceTable({ rows, testid }) {
  if (!rows || !rows.length) return html`<p class="muted">${tr("没有证据行", "No evidence rows")}</p>`;
  const keys = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!keys.includes(key)) keys.push(key);
  const columns = keys.map((key) => ({
    key, label: key, render: (r) => cell(r[key]), className: key === "title" ? "cl-ev-wide" : "cl-ev",
  }));
  return html`<${Table} columns=${columns} rows=${rows.map((r, i) => ({ ...r, __key: i }))}
    rowKey="__key" testid=${testid} />`;
}

function EvidenceGraph({ graph }) {
  if (!graph || !graph.edges || !graph.edges.length) return null;
  const elements = [
    ...graph.nodes.map((n) => ({
      data: { id: n.id, label: `${n.label}`, color: KIND_COLOURS[n.kind] || "#5b6878" },
    })),
    ...graph.edges.map((e) => ({
      data: { id: e.id, source: e.source, target: e.target, label: tr(e.label_zh, e.label_en) },
    })),
  ];
  const kinds = [...new Set(graph.nodes.map((n) => n.kind))];
  return html`<${Card} title=${tr("关系图谱", "Relationship graph")} testid="clue-graph">
    <p class="muted">${tr("证据中出现的人员、单位、车辆、案件；连线表示同一证据行中同时出现，标注所在字段。",
      "People, companies, vehicles and cases in the evidence; a line joins two that appear in the same row, labelled with their columns.")}</p>
    <div class="cl-legend">${kinds.map((k) => {
      const node = graph.nodes.find((n) => n.kind === k);
      return html`<span class="cl-legend-item"><span class=${`cl-dot cl-kind-${k}`}></span>${tr(node.kind_zh, node.kind_en)}</span>`;
    })}</div>
    <${Graph} elements=${elements} height=${graph.nodes.length > 12 ? 480 : 380}
      layout=${graph.nodes.length > 12 ? "cose" : "circle"} label=${tr(
      `关系图谱：${graph.nodes.length} 个对象，${graph.edges.length} 条关系`,
      `graph: ${graph.nodes.length} parties, ${graph.edges.length} links`)} testid="graph" />
    <details class="cl-graph-text"><summary>${tr("以表格查看关系", "The links as a table")}</summary>
      <${Table} columns=${[
        { key: "a", label: tr("对象甲", "Party A"), render: (e) => (graph.nodes.find((n) => n.id === e.source) || {}).label },
        { key: "b", label: tr("对象乙", "Party B"), render: (e) => (graph.nodes.find((n) => n.id === e.target) || {}).label },
        { key: "c", label: tr("所在字段", "Columns"), render: (e) => tr(e.label_zh, e.label_en) },
        { key: "rows", label: tr("行数", "Rows"), render: (e) => fmtNum(e.rows) },
      ]} rows=${graph.edges} />
    </details>
  <//>`;
}

function Attachments({ clue, onChange }) {
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const upload = async (event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append("file", file);
      await apiUpload(`/api/clues/${encodeURIComponent(clue.id)}/attachments`, form);
      notify(tr("附件已上传", "attachment uploaded"));
      setFile(null);
      event.target.reset();
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const download = async (a) => {
    try {
      await apiDownload("GET", `/api/clues/${encodeURIComponent(clue.id)}/attachments/${encodeURIComponent(a.id)}`);
    } catch (err) {
      notify(err.message, "bad");
    }
  };
  return html`<${Card} title=${tr("附件", "Attachments")} testid="clue-attachments">
    ${clue.attachments.length ? html`<ul class="cl-list">${clue.attachments.map((a) => html`<li key=${a.id}>
      <${Button} kind="link" onClick=${() => download(a)}>${a.filename}<//>
      <span class="muted">${fmtNum(a.size)} B · ${fmtDateTime(a.uploaded_at)}</span></li>`)}</ul>`
      : html`<p class="muted">${tr("暂无附件", "No attachments")}</p>`}
    ${can("clues.write") ? html`<form class="row" onSubmit=${upload}>
      <input type="file" aria-label=${tr("选择附件", "choose a file")} onChange=${(e) => setFile(e.target.files[0] || null)} />
      <${Button} type="submit" disabled=${!file || busy}>${tr("上传", "Upload")}<//>
    </form>` : null}
    <${ErrorBox} error=${error} />
  <//>`;
}

function CommentBox({ clue, onChange }) {
  const [text, setText] = useState("");
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      await api("POST", `/api/clues/${encodeURIComponent(clue.id)}/comments`, { text: text.trim() });
      setText("");
      onChange();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="cl-form" onSubmit=${submit}>
    <${Field} label=${tr("发表意见", "Add a comment")} id="clue-comment">
      <textarea id="clue-comment" rows="3" maxlength="10000" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    <//>
    <${ErrorBox} error=${error} />
    <div><${Button} type="submit" disabled=${!text.trim()} testid="comment-submit">${tr("提交意见", "Comment")}<//></div>
  </form>`;
}

function UnmaskModal({ open, onClose, onSubmit }) {
  return html`<${ReasonModal} open=${open} onClose=${onClose} onSubmit=${onSubmit}
    title=${tr("查看原文", "Show unmasked")} label=${tr("查看理由（记入审计）", "Reason (audited)")}
    submitLabel=${tr("查看", "Show")} testid="unmask-submit" />`;
}

export default function ClueScreen({ params }) {
  const id = params.id;
  const facets = useFacets();
  const [clue, setClue] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [dialog, setDialog] = useState(null);
  const [busy, setBusy] = useState(false);
  const [unmask, setUnmask] = useState(null);
  const [tab, setTab] = useState("latest");
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    const path = `/api/clues/${encodeURIComponent(id)}${unmask ? qs({ unmask: "true", reason: unmask }) : ""}`;
    api("GET", path).then((found) => live && setClue(found), (err) => {
      if (!live) return;
      if (unmask) {
        setActionError(err);
        setUnmask(null);
      } else {
        setError(err);
      }
    });
    return () => { live = false; };
  }, [id, tick, unmask]);
  const reload = () => setTick((n) => n + 1);

  if (error) return html`<${Page} title=${tr("线索", "Clue")}><${ErrorBox} error=${error} /><//>`;
  if (!clue) return html`<${Loading} />`;

  const act = async (action, reason) => {
    setBusy(true);
    setActionError(null);
    try {
      const body = { action, expected_version: clue.version };
      if (reason) body.reason = reason;
      await api("POST", `/api/clues/${encodeURIComponent(clue.id)}/actions`, body);
      notify(tr(`已${actionLabel(action)}`, `${actionLabel(action)}: done`));
      setDialog(null);
      reload();
    } catch (err) {
      setActionError(err);
      if (err.status === 409) reload();
      throw err;
    } finally {
      setBusy(false);
    }
  };
  const tryAct = (action) => act(action).catch(() => {});

  const allowed = clue.allowed_actions || [];
  const writable = can("clues.write") && clue.can_act && allowed.length > 0;
  const inTransit = clue.transfers.some((t) => t.status === "sent");
  const caseEvents = clue.history.filter((e) => e.kind === "case" && e.detail && e.detail.case_id);
  const external = me() && me().unit_kind === "external";

  const actions = [];
  if (writable) {
    actions.push(html`<${Button} onClick=${() => setDialog("assign")} testid="clue-assign">${tr("指派", "Assign")}<//>`);
    if (allowed.includes("verify")) {
      actions.push(html`<${Button} kind="primary" disabled=${busy || !clue.assignee_id} testid="clue-verify"
        title=${clue.assignee_id ? "" : tr("须先指派承办人", "assign it first")}
        onClick=${() => tryAct("verify")}>${tr("开始核查", "Start verification")}<//>`);
    }
    if (allowed.includes("confirm")) {
      actions.push(html`<${Button} kind="primary" disabled=${busy} testid="clue-confirm"
        onClick=${() => tryAct("confirm")}>${tr("认定成案", "Confirm")}<//>`);
    }
    if (allowed.includes("reject")) {
      actions.push(html`<${Button} kind="danger" disabled=${busy} testid="clue-reject"
        onClick=${() => setDialog("reject")}>${tr("认定不成案", "Reject")}<//>`);
    }
    if (allowed.includes("reopen")) {
      actions.push(html`<${Button} disabled=${busy} testid="clue-reopen"
        onClick=${() => setDialog("reopen")}>${tr("重新核查", "Reopen")}<//>`);
    }
    if (allowed.includes("close") && clue.status === "rejected") {
      actions.push(html`<${Button} disabled=${busy} testid="clue-close"
        onClick=${() => tryAct("close")}>${tr("办结", "Close")}<//>`);
    }
  }
  if (can("clues.transfer") && clue.can_act && clue.status !== "closed" && !inTransit) {
    actions.push(html`<${Button} disabled=${busy} testid="clue-transfer"
      onClick=${() => setDialog("transfer")}>${tr("一键流转", "Send to a unit")}<//>`);
  }
  if (can("cases.write") && clue.can_act && ["confirmed", "transferred"].includes(clue.status)) {
    actions.push(html`<${Button} kind="primary" testid="clue-create-case"
      onClick=${() => setDialog("case")}>${tr("立案", "Make a case")}<//>`);
  }

  const snapshots = clue.snapshots || [];
  const latest = snapshots.length ? snapshots[snapshots.length - 1] : null;
  const shownSnapshot = tab === "latest" ? latest : snapshots.find((s) => s.run_id === tab);

  return html`<${Page} title=${html`<span data-testid="clue-title">${clue.title}</span>`}
      actions=${html`<${Button} kind="link" onClick=${() => navigate("/clues")}>${tr("返回线索列表", "Back to clues")}<//>`}>
    <div class="row cl-badges">
      <span data-testid="clue-status"><${StatusBadge} status=${clue.status} /></span>
      <${StatusBadge} status=${clue.presence} />
      <${SeverityBadge} severity=${clue.severity} />
      ${clue.overdue ? html`<${Badge} tone="bad">${tr("逾期", "overdue")}<//>` : null}
      ${inTransit ? html`<${Badge} tone="warn">${tr("流转中，待对方接收", "in transit, awaiting the receiver")}<//>` : null}
      ${!clue.can_act && !external ? html`<${Badge} tone="muted">${tr(`由${clue.holder_unit_name}持有，仅供查看`, `held by ${clue.holder_unit_name}: read only`)}<//>` : null}
      ${unmask ? html`<${Badge} tone="warn">${tr("原文（已记入审计）", "unmasked (audited)")}<//>` : null}
    </div>
    ${actions.length ? html`<div class="row cl-actions" role="group" aria-label=${tr("办理", "actions")}>${actions}</div>` : null}
    <${ErrorBox} error=${actionError} />
    <div class="grid">
      <${Card} title=${tr("基本情况", "Summary")}>
        <${KeyValue} items=${[
          [tr("线索编号", "Clue id"), html`<span class="mono">${clue.id}</span>`],
          [tr("模型", "Model"), html`<a href=${`#/models/${encodeURIComponent(clue.model_id)}`}>${modelName(facets, clue.model_id)}</a>`],
          [tr("对象", "Subject"), `${clue.subject_type} · ${clue.subject_key}`],
          [tr("触发规则", "Rules fired"), (clue.branches || []).join("、") || "—"],
          [tr("持有单位", "Held by"), clue.holder_unit_name || "—"],
          [tr("归属单位", "Owned by"), clue.owner_unit_name || "—"],
          [tr("承办人", "Assignee"), clue.assignee_name || tr("未指派", "nobody")],
          [tr("办理期限", "Due"), chinaDate(clue.due_at) || "—"],
          [tr("发现时间", "Found"), fmtDateTime(clue.created_at)],
          [tr("最近更新", "Updated"), fmtDateTime(clue.updated_at)],
          clue.rejection_reason ? [tr("不成案理由", "Rejected because"), clue.rejection_reason] : null,
          caseEvents.length ? [tr("所在案件", "Cases"), html`${caseEvents.map((e) => html`<a href=${`#/cases/${encodeURIComponent(e.detail.case_id)}`}>${e.detail.case_id}</a> `)}`] : null,
        ]} />
      <//>
      <${Card} title=${tr("模型说明", "Why the model flagged it")} testid="clue-explanation">
        <p class="cl-explanation">${clue.explanation || tr("模型未提供说明", "The model gave no explanation")}</p>
      <//>
    </div>
    <${Card} title=${tr("证据", "Evidence")} testid="clue-evidence" actions=${!unmask && can("pii.unmask") && !external
        ? html`<${Button} kind="link" onClick=${() => setDialog("unmask")}>${tr("查看原文", "Show unmasked")}<//>` : null}>
      ${snapshots.length > 1 ? html`<${Tabs} active=${tab} onChange=${setTab} tabs=${[
        { key: "latest", label: tr("最新证据", "Latest") },
        ...snapshots.slice(0, -1).reverse().map((s) => ({ key: s.run_id, label: `${fmtDate(s.created_at)} · ${s.run_id}` })),
      ]} />` : null}
      ${shownSnapshot ? html`<p class="muted">${tr("证据快照", "Snapshot")} ${fmtDateTime(shownSnapshot.created_at)} ·
        ${tr("运行", "run")} <span class="mono">${shownSnapshot.run_id}</span></p>` : null}
      <${EvidenceTable} rows=${tab === "latest" ? clue.evidence : (shownSnapshot || {}).evidence} testid="evidence-table" />
    <//>
    <${EvidenceGraph} graph=${clue.graph} />
    <div class="grid">
      <${Card} title=${tr("办理经过", "History")} testid="clue-history">
        <${History} events=${clue.history} testid="history" />
        ${can("clues.write") && !external ? html`<${CommentBox} clue=${clue} onChange=${reload} />` : null}
      <//>
      <div class="cl-stack">
        ${external ? null : html`<${Attachments} clue=${clue} onChange=${reload} />`}
        <${Card} title=${tr("流转记录", "Transfers")} testid="clue-transfers">
          <${Table} columns=${[
            { key: "to", label: tr("接收单位", "To"), render: (t) => t.to_unit_name },
            { key: "status", label: tr("状态", "Status"), render: (t) => html`<${StatusBadge} status=${t.status} />` },
            { key: "sent", label: tr("发出", "Sent"), render: (t) => fmtDateTime(t.sent_at) },
            { key: "note", label: tr("说明", "Note"), render: (t) => t.answer_note || t.note || "" },
          ]} rows=${clue.transfers} empty=${tr("未流转", "Never sent")} />
        <//>
      </div>
    </div>
    <${AssignModal} open=${dialog === "assign"} clues=${[clue]} onClose=${() => setDialog(null)}
      onDone=${() => { setDialog(null); reload(); }} />
    <${TransferModal} open=${dialog === "transfer"} clues=${[clue]} onClose=${() => setDialog(null)}
      onDone=${() => { setDialog(null); reload(); }} />
    <${ReasonModal} open=${dialog === "reject"} onClose=${() => setDialog(null)} testid="reject-submit"
      title=${tr("认定不成案", "Reject the clue")} label=${tr("不成案理由", "Why it is not a case")}
      submitLabel=${tr("认定不成案", "Reject")} onSubmit=${(reason) => act("reject", reason)} />
    <${ReasonModal} open=${dialog === "reopen"} onClose=${() => setDialog(null)} testid="reopen-submit"
      title=${tr("重新核查", "Reopen")} label=${tr("重新核查理由", "Why reopen it")}
      submitLabel=${tr("重新核查", "Reopen")} onSubmit=${(reason) => act("reopen", reason)} />
    <${UnmaskModal} open=${dialog === "unmask"} onClose=${() => setDialog(null)}
      onSubmit=${async (reason) => { setDialog(null); setUnmask(reason); }} />
    <${NewCaseModal} open=${dialog === "case"} clues=${[clue]} onClose=${() => setDialog(null)}
      onDone=${(made) => { setDialog(null); navigate(`/cases/${encodeURIComponent(made.id)}`); }} />
  <//>`;
}
