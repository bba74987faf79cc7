// #/transfers — 一键流转 seen from both ends: clues sent to the caller's units (accept,
// return with a reason, feedback from external units) and clues its units sent out.
import {
  html, useState, useEffect, tr, api, navigate, qs, can, me, fmtDateTime,
} from "../core.js";
import {
  Page, Card, Table, Button, ErrorBox, Loading, StatusBadge, Tabs, Modal, Field, notify,
} from "../ui.js";
import { ReasonModal } from "./clue_parts.js";

const STATUS_OPTIONS = [
  ["sent", "待接收", "awaiting an answer"],
  ["accepted", "已接收", "accepted"],
  ["returned", "已退回", "returned"],
  ["all", "全部", "all"],
];

function AcceptModal(props) {
  return props.transfer ? html`<${AcceptForm} key=${props.transfer.id} ...${props} />` : null;
}

function AcceptForm({ transfer, onClose, onDone }) {
  const [note, setNote] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api("POST", `/api/clues/transfers/${encodeURIComponent(transfer.id)}/accept`, {
        expected_version: transfer.clue.version,
        note: note.trim() || null,
      });
      notify(tr("已接收线索", "clue accepted"));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open=${!!transfer} onClose=${onClose} title=${tr("接收线索", "Accept the clue")}>
    ${transfer ? html`<form class="cl-form" onSubmit=${submit}>
      <p>${transfer.clue.title}</p>
      <p class="muted">${tr("接收后由本单位持有并继续办理（外部单位接收后请反馈处理情况）。",
        "Once accepted your unit holds the clue and works on it (an external unit replies with feedback).")}</p>
      <${Field} label=${tr("接收说明（可选）", "Note (optional)")} id="accept-note">
        <textarea id="accept-note" rows="3" maxlength="4000" value=${note} onInput=${(e) => setNote(e.target.value)}></textarea>
      <//>
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid="accept-submit">${tr("确认接收", "Accept")}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>` : null}
  <//>`;
}

function clueCell(t) {
  if (!t.clue) return html`<span class="muted mono">${t.clue_id}</span>`;
  return html`<a href=${`#/clues/${encodeURIComponent(t.clue.id)}`} data-testid="transfer-clue">${t.clue.title}</a>
    <div class="muted mono cl-small">${t.clue.id} · <${StatusBadge} status=${t.clue.status} /></div>`;
}

export default function Transfers({ query }) {
  const direction = query.dir === "outgoing" ? "outgoing" : "incoming";
  const status = STATUS_OPTIONS.some(([v]) => v === query.status) ? query.status : "sent";
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const [accepting, setAccepting] = useState(null);
  const [returning, setReturning] = useState(null);
  const [answering, setAnswering] = useState(null);
  const [tick, setTick] = useState(0);
  const external = me() && me().unit_kind === "external";

  useEffect(() => {
    let live = true;
    setRows(null);
    setError(null);
    api("GET", `/api/clues/transfers/${direction}${qs({ status })}`).then(
      (found) => live && setRows(found), (err) => live && setError(err));
    return () => { live = false; };
  }, [direction, status, tick]);
  const reload = () => setTick((n) => n + 1);
  const go = (changes) => navigate(`/transfers${qs({ dir: direction, status, ...changes })}`);

  const columns = [
    { key: "clue", label: tr("线索", "Clue"), className: "cl-col-title", render: clueCell },
    direction === "incoming"
      ? { key: "from", label: tr("发送单位", "From"), render: (t) => t.from_unit_name }
      : { key: "to", label: tr("接收单位", "To"), render: (t) => t.to_unit_name },
    { key: "sent_at", label: tr("发送时间", "Sent"), render: (t) => fmtDateTime(t.sent_at) },
    { key: "note", label: tr("流转说明", "Note"), render: (t) => t.note || html`<span class="muted">—</span>` },
    { key: "status", label: tr("状态", "Status"), render: (t) => html`<${StatusBadge} status=${t.status} />` },
    { key: "answer", label: tr("答复", "Answer"), render: (t) => t.answered_at
      ? html`${fmtDateTime(t.answered_at)}${t.answer_note ? html`<div>${t.answer_note}</div>` : null}`
      : html`<span class="muted">—</span>` },
  ];
  if (direction === "incoming" && can("clues.write")) {
    columns.push({
      key: "actions", label: tr("操作", "Actions"), render: (t) => {
        if (t.status === "sent" && t.clue) {
          return html`<div class="row">
            <${Button} kind="primary" onClick=${() => setAccepting(t)} testid="transfer-accept">${tr("接收", "Accept")}<//>
            <${Button} kind="danger" onClick=${() => setReturning(t)} testid="transfer-return">${tr("退回", "Return")}<//>
          </div>`;
        }
        if (t.status === "accepted" && external) {
          return html`<${Button} onClick=${() => setAnswering(t)} testid="transfer-feedback">${tr("反馈处理情况", "Reply with feedback")}<//>`;
        }
        return null;
      },
    });
  }

  return html`<${Page} title=${tr("线索流转", "Transfers")}>
    <${Tabs} active=${direction} onChange=${(dir) => go({ dir })} tabs=${[
      { key: "incoming", label: tr("收到的", "Incoming") },
      ...(external ? [] : [{ key: "outgoing", label: tr("发出的", "Outgoing") }]),
    ]} />
    <div class="cl-filters">
      <label class="cl-filter"><span>${tr("状态", "Status")}</span>
        <select aria-label=${tr("状态", "Status")} value=${status} onChange=${(e) => go({ status: e.target.value })}>
          ${STATUS_OPTIONS.map(([v, zh, en]) => html`<option value=${v} selected=${v === status}>${tr(zh, en)}</option>`)}
        </select></label>
    </div>
    <${ErrorBox} error=${error} />
    ${rows === null && !error ? html`<${Loading} />` : html`<${Card}>
      <${Table} columns=${columns} rows=${rows || []} testid=${`transfers-${direction}`}
        empty=${direction === "incoming" ? tr("没有收到的流转", "Nothing sent to you")
          : tr("没有发出的流转", "Nothing sent out")} />
    <//>`}
    <${AcceptModal} transfer=${accepting} onClose=${() => setAccepting(null)}
      onDone=${() => { setAccepting(null); reload(); }} />
    <${ReasonModal} open=${!!returning} onClose=${() => setReturning(null)} testid="return-submit"
      title=${tr("退回线索", "Return the clue")} label=${tr("退回理由", "Why it goes back")}
      submitLabel=${tr("退回", "Return")} onSubmit=${async (reason) => {
        await api("POST", `/api/clues/transfers/${encodeURIComponent(returning.id)}/return`,
          { expected_version: returning.clue.version, reason });
        notify(tr("已退回", "returned"));
        setReturning(null);
        reload();
      }} />
    <${ReasonModal} open=${!!answering} onClose=${() => setAnswering(null)} testid="feedback-submit"
      title=${tr("反馈处理情况", "Feedback")} label=${tr("处理情况", "What was done")}
      submitLabel=${tr("提交反馈", "Send feedback")} onSubmit=${async (text) => {
        await api("POST", `/api/clues/transfers/${encodeURIComponent(answering.id)}/feedback`, { text });
        notify(tr("反馈已提交", "feedback sent"));
        setAnswering(null);
        reload();
      }} />
  <//>`;
}
