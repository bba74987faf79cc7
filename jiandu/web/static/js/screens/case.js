// #/cases/<id> — one supervision case: its clues, the document (生成 .docx, download),
// service (送达), the reply and whether it rectified, closing with the outcome; history,
// reply deadline and the overdue flag.
import {
  html, useState, useEffect, tr, api, apiDownload, navigate, can, fmtDateTime,
} from "../core.js";
import {
  Page, Card, Table, Button, ErrorBox, Loading, StatusBadge, Badge, KeyValue, Field, Modal,
  notify,
} from "../ui.js";
import { CaseStatusBadge, History, todayChina, chinaDate, SeverityBadge } from "./clue_parts.js";

function Dialog({ open, title, onClose, onSubmit, submitLabel, testid, children }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (open) setError(null); }, [open]);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Modal} open=${open} onClose=${onClose} title=${title}>
    <form class="cl-form" onSubmit=${submit}>
      ${children}
      <${ErrorBox} error=${error} />
      <div class="row">
        <${Button} type="submit" kind="primary" disabled=${busy} testid=${testid}>${submitLabel}<//>
        <${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
      </div>
    </form>
  <//>`;
}

export default function CaseScreen({ params }) {
  const id = params.id;
  const [item, setItem] = useState(null);
  const [kind, setKind] = useState(null);
  const [error, setError] = useState(null);
  const [dialog, setDialog] = useState(null);
  const [tick, setTick] = useState(0);
  // dialog fields
  const [demands, setDemands] = useState("");
  const [servedOn, setServedOn] = useState(todayChina());
  const [serveNote, setServeNote] = useState("");
  const [receivedOn, setReceivedOn] = useState(todayChina());
  const [rectified, setRectified] = useState("yes");
  const [content, setContent] = useState("");
  const [outcome, setOutcome] = useState("");

  useEffect(() => {
    let live = true;
    api("GET", `/api/cases/${encodeURIComponent(id)}`).then((found) => {
      if (!live) return;
      setItem(found);
      api("GET", "/api/cases/types").then(
        (types) => live && setKind(types.find((t) => t.id === found.case_type) || null), () => {});
    }, (err) => live && setError(err));
    return () => { live = false; };
  }, [id, tick]);
  const reload = () => setTick((n) => n + 1);

  if (error) return html`<${Page} title=${tr("监督案件", "Case")}><${ErrorBox} error=${error} /><//>`;
  if (!item) return html`<${Loading} />`;

  const base = `/api/cases/${encodeURIComponent(item.id)}`;
  const writable = can("cases.write") && item.status !== "closed";
  const done = (message) => {
    notify(message);
    setDialog(null);
    reload();
  };
  const download = async (doc) => {
    try {
      const name = await apiDownload("GET", `${base}/documents/${encodeURIComponent(doc.id)}`);
      notify(tr(`已下载 ${name}`, `downloaded ${name}`));
    } catch (err) {
      notify(err.message, "bad");
    }
  };
  const open = (name) => {
    if (name === "document") setDemands(kind ? kind.requests.join("\n") : "");
    if (name === "serve") { setServedOn(todayChina()); setServeNote(""); }
    if (name === "reply") { setReceivedOn(todayChina()); setContent(""); setRectified("yes"); }
    if (name === "close") setOutcome("");
    setDialog(name);
  };

  const actions = [];
  if (writable) {
    actions.push(html`<${Button} kind=${item.documents.length ? "secondary" : "primary"} onClick=${() => open("document")}
      testid="case-generate">${item.documents.length ? tr("重新制作文书", "Regenerate the document") : tr("制作文书", "Generate the document")}<//>`);
    if (["document_issued", "awaiting_reply"].includes(item.status)) {
      actions.push(html`<${Button} onClick=${() => open("serve")} testid="case-serve">${tr("登记送达", "Record service")}<//>`);
    }
    if (["document_issued", "awaiting_reply", "replied"].includes(item.status)) {
      actions.push(html`<${Button} onClick=${() => open("reply")} testid="case-reply">${tr("登记回复", "Record the reply")}<//>`);
    }
    actions.push(html`<${Button} kind="danger" onClick=${() => open("close")} testid="case-close">${tr("办结", "Close the case")}<//>`);
  }

  return html`<${Page} title=${html`<span data-testid="case-title">${item.case_no} · ${item.title}</span>`}
      actions=${html`<${Button} kind="link" onClick=${() => navigate("/cases")}>${tr("返回案件列表", "Back to cases")}<//>`}>
    <div class="row cl-badges">
      <span data-testid="case-status"><${CaseStatusBadge} status=${item.status} /></span>
      ${item.overdue ? html`<${Badge} tone="bad">${tr("逾期未回复", "reply overdue")}<//>` : null}
    </div>
    ${actions.length ? html`<div class="row cl-actions" role="group" aria-label=${tr("办理", "actions")}>${actions}</div>` : null}
    <div class="grid">
      <${Card} title=${tr("案件情况", "The case")}>
        <${KeyValue} items=${[
          [tr("案号", "Case no."), html`<span class="mono">${item.case_no}</span>`],
          [tr("类型", "Type"), kind ? tr(kind.label_zh, kind.label_en) : item.case_type_zh],
          [tr("被监督单位", "Supervised unit"), item.supervised_unit || "—"],
          [tr("办案单位", "Unit"), item.owner_unit_name || "—"],
          [tr("立案时间", "Opened"), fmtDateTime(item.created_at)],
          [tr("送达日期", "Served on"), item.served_on || tr("未登记", "not recorded")],
          [tr("回复期限", "Reply due"), html`<span data-testid="case-due">${chinaDate(item.reply_due_at) || "—"}</span>
            ${kind ? html` <span class="muted">（${kind.reply_period_zh}，${kind.reply_period_basis}）</span>` : null}`],
          item.closed_at ? [tr("办结时间", "Closed"), fmtDateTime(item.closed_at)] : null,
          item.outcome ? [tr("办结情况", "Outcome"), item.outcome] : null,
        ]} />
      <//>
      <${Card} title=${tr("经审查查明的事实", "Facts as established")}>
        <p class="cl-explanation">${item.facts}</p>
      <//>
    </div>
    <${Card} title=${tr("文书", "Documents")} testid="case-documents">
      <${Table} columns=${[
        { key: "doc_no", label: tr("文号", "Number"), render: (d) => d.doc_no || "—" },
        { key: "template", label: tr("文书", "Document"), render: (d) => (kind && d.template === kind.template ? kind.document_title : d.template) },
        { key: "at", label: tr("制作时间", "Generated"), render: (d) => fmtDateTime(d.generated_at) },
        { key: "sha", label: "SHA-256", render: (d) => html`<span class="mono cl-small">${d.sha256.slice(0, 16)}…</span>` },
        { key: "dl", label: tr("下载", "Download"), render: (d) => html`<${Button} kind="link"
            onClick=${() => download(d)} testid="document-download">${tr("下载 .docx", "Download .docx")}<//>` },
      ]} rows=${item.documents} empty=${tr("尚未制作文书", "No document yet")} />
    <//>
    <div class="grid">
      <${Card} title=${tr("案件线索", "Clues")} testid="case-clues">
        <${Table} columns=${[
          { key: "title", label: tr("线索", "Clue"), render: (c) => html`<a href=${`#/clues/${encodeURIComponent(c.id)}`}>${c.title}</a>` },
          { key: "severity", label: tr("严重程度", "Severity"), render: (c) => html`<${SeverityBadge} severity=${c.severity} />` },
          { key: "status", label: tr("状态", "Status"), render: (c) => html`<${StatusBadge} status=${c.status} />` },
        ]} rows=${item.clues} empty=${tr("无可查看的线索", "No clues you may read")} />
      <//>
      <${Card} title=${tr("办理经过", "History")} testid="case-history">
        <${History} events=${item.history} />
      <//>
    </div>

    <${Dialog} open=${dialog === "document"} onClose=${() => setDialog(null)} testid="document-submit"
        title=${kind ? tr(`制作${kind.document_title}`, `Generate the ${kind.document_title}`) : tr("制作文书", "Generate")}
        submitLabel=${tr("生成", "Generate")} onSubmit=${async () => {
          const requests = demands.split("\n").map((s) => s.trim()).filter(Boolean);
          await api("POST", `${base}/documents`, {
            expected_version: item.version,
            requests: requests.length ? requests : null,
          });
          done(tr("文书已生成", "document generated"));
        }}>
      <p class="muted">${tr(`主送：${item.supervised_unit || "（未填写）"}`, `To: ${item.supervised_unit || "(none)"}`)}</p>
      <${Field} label=${kind ? kind.requests_heading : tr("建议事项", "Demands")} id="doc-demands"
          hint=${tr("每行一项", "one per line")}>
        <textarea id="doc-demands" rows="6" value=${demands} onInput=${(e) => setDemands(e.target.value)}></textarea>
      <//>
    <//>
    <${Dialog} open=${dialog === "serve"} onClose=${() => setDialog(null)} testid="serve-submit"
        title=${tr("登记送达", "Record service")} submitLabel=${tr("登记", "Record")} onSubmit=${async () => {
          await api("POST", `${base}/service`, {
            served_on: servedOn, note: serveNote.trim() || null, expected_version: item.version,
          });
          done(tr("已登记送达，回复期限自送达之日起计算", "service recorded; the reply period runs from it"));
        }}>
      <${Field} label=${tr("送达日期", "Served on")} id="serve-date"
          hint=${tr("回复期限自送达之日起重新计算", "the reply period is counted from this day")}>
        <input id="serve-date" type="date" required value=${servedOn} max=${todayChina()}
          onInput=${(e) => setServedOn(e.target.value)} />
      <//>
      <${Field} label=${tr("送达方式与说明", "How it was served")} id="serve-note">
        <input id="serve-note" maxlength="4000" value=${serveNote} placeholder=${tr("如：直接送达", "e.g. by hand")}
          onInput=${(e) => setServeNote(e.target.value)} />
      <//>
    <//>
    <${Dialog} open=${dialog === "reply"} onClose=${() => setDialog(null)} testid="reply-submit"
        title=${tr("登记回复", "Record the reply")} submitLabel=${tr("登记", "Record")} onSubmit=${async () => {
          await api("POST", `${base}/reply`, {
            received_at: `${receivedOn}T00:00:00+08:00`,
            content: content.trim(),
            rectified: rectified === "yes",
            expected_version: item.version,
          });
          done(tr("已登记回复", "reply recorded"));
        }}>
      <${Field} label=${tr("收到回复日期", "Received on")} id="reply-date">
        <input id="reply-date" type="date" required value=${receivedOn} max=${todayChina()}
          onInput=${(e) => setReceivedOn(e.target.value)} />
      <//>
      <fieldset class="cl-radios">
        <legend>${tr("是否整改", "Rectified?")}</legend>
        <label><input type="radio" name="rectified" value="yes" checked=${rectified === "yes"}
          onChange=${() => setRectified("yes")} /> ${tr("已整改", "rectified")}</label>
        <label><input type="radio" name="rectified" value="no" checked=${rectified === "no"}
          onChange=${() => setRectified("no")} /> ${tr("未整改", "not rectified")}</label>
      </fieldset>
      <${Field} label=${tr("回复内容", "The reply")} id="reply-content">
        <textarea id="reply-content" rows="5" required maxlength="50000" value=${content}
          onInput=${(e) => setContent(e.target.value)}></textarea>
      <//>
    <//>
    <${Dialog} open=${dialog === "close"} onClose=${() => setDialog(null)} testid="close-submit"
        title=${tr("办结案件", "Close the case")} submitLabel=${tr("办结", "Close")} onSubmit=${async () => {
          await api("POST", `${base}/close`, { outcome: outcome.trim(), expected_version: item.version });
          done(tr("案件已办结，其线索一并办结", "case closed, with its clues"));
        }}>
      <${Field} label=${tr("办结情况", "Outcome")} id="close-outcome">
        <textarea id="close-outcome" rows="4" required maxlength="10000" value=${outcome}
          onInput=${(e) => setOutcome(e.target.value)}></textarea>
      <//>
    <//>
  <//>`;
}
