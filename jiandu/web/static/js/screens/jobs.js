// 后台任务 — the background jobs the caller started or whose unit they see (model runs,
// the nightly runs, data and judgment imports): status, progress, attempts and the next
// try after a transient failure, the outcome, cancel for one's own; and the schedules
// (定时任务) that fire them: in words and as cron, next and last firing, switch on/off,
// delete, make a new one. Refreshes while anything is queued or running.
import { html, useState, useEffect, useMemo, tr, api, useApi, can, qs, fmtNum, fmtDateTime } from "../core.js";
import {
  Page, Card, Table, ErrorBox, Loading, Select, StatusBadge, Progress, Button, Badge, notify,
} from "../ui.js";
import { ScheduleDialog } from "./schedule_parts.js";

const ACTIVE = new Set(["queued", "running"]);

const KINDS = {
  "model.run": ["运行模型", "Model run"],
  "models.run_all": ["运行全部模型", "All models"],
  "data.import": ["数据导入", "Data import"],
  "judgments.import": ["裁判文书导入", "Judgment import"],
};

function kindLabel(kind) {
  const known = KINDS[kind];
  return known ? tr(known[0], known[1]) : kind;
}

// What a finished job produced, in a few words with a link where there is a page.
function Outcome({ job }) {
  const r = job.result;
  if (job.status === "failed" || job.status === "cancelled") {
    const why = tr(job.error_zh || "", job.error_en || "");
    return why ? html`<span class="muted">${why}</span>` : "—";
  }
  if (job.status !== "succeeded" || !r) return "—";
  if (r.run_id) {
    return html`<a href=${`#/runs/${r.run_id}`} class="mono">${r.run_id}</a>
      <div class="muted">${tr(`命中 ${fmtNum(r.hit_count)} 条`, `${fmtNum(r.hit_count)} hits`)}</div>`;
  }
  if (Array.isArray(r.runs)) {
    return html`<span>${tr(`运行 ${r.runs.length} 个模型`, `${r.runs.length} models run`)}</span>
      ${r.skipped && r.skipped.length ? html`<details><summary class="muted">${tr(`跳过 ${r.skipped.length} 个`, `${r.skipped.length} skipped`)}</summary>
        <ul>${r.skipped.map((s) => html`<li><span class="mono">${s.model_id}</span>: ${tr(s.zh, s.en)}</li>`)}</ul></details>` : null}`;
  }
  if (r.batch_id) {
    return html`<a href=${`#/data/${encodeURIComponent(r.dataset_id)}`}>${r.dataset_id}</a>
      <div class="muted">${tr(`接收 ${fmtNum(r.rows_accepted)} 行，拒收 ${fmtNum(r.rows_rejected)} 行`,
        `${fmtNum(r.rows_accepted)} rows accepted, ${fmtNum(r.rows_rejected)} refused`)}</div>`;
  }
  if (r.documents !== undefined) {
    return html`<span>${tr(`文书 ${fmtNum(r.documents)} 篇`, `${fmtNum(r.documents)} documents`)}</span>`;
  }
  return "—";
}

// Attempts, and when a job waiting after a transient failure is tried again.
function Attempts({ job }) {
  if (job.status === "queued" && job.next_try_at) {
    return html`<span data-testid="job-retry">${tr(`第 ${job.attempts} 次失败，${fmtDateTime(job.next_try_at)} 重试`,
      `attempt ${job.attempts} failed; retry at ${fmtDateTime(job.next_try_at)}`)}</span>`;
  }
  return job.attempts > 1 ? tr(`${job.attempts} 次`, `${job.attempts}`) : job.attempts ? "1" : "—";
}

function JobsCard({ onActive, tick, schedule, onAllJobs }) {
  const [kind, setKind] = useState("");
  const [status, setStatus] = useState("");
  const jobs = useApi(`/api/jobs${qs({ kind, status, schedule_id: schedule && schedule.id, limit: 100 })}`, [tick]);
  const [error, setError] = useState(null);
  const active = (jobs.data || []).some((j) => ACTIVE.has(j.status));
  useEffect(() => onActive(active), [active]);
  const cancel = async (job) => {
    setError(null);
    try {
      await api("POST", `/api/jobs/${encodeURIComponent(job.id)}/cancel`);
      notify(tr("已请求取消", "Cancel requested"));
      jobs.reload();
    } catch (err) {
      setError(err);
    }
  };
  const columns = [
    { key: "title", label: tr("任务", "Job"), render: (j) => html`<span>${tr(j.title_zh, j.title_en)}</span>
        ${j.schedule_id ? html` <${Badge} tone="info">${tr("定时", "scheduled")}<//>` : null}
        <div class="muted mono">${j.id}</div>` },
    { key: "kind", label: tr("类型", "Kind"), render: (j) => kindLabel(j.kind) },
    { key: "status", label: tr("状态", "Status"), render: (j) => html`<${StatusBadge} status=${j.status} />
        ${j.cancel_requested && ACTIVE.has(j.status) ? html`<div class="muted">${tr("正在取消…", "cancelling…")}</div>` : null}` },
    { key: "progress", label: tr("进度", "Progress"), render: (j) => (j.status === "running"
      ? html`<${Progress} value=${j.progress} label=${tr(j.stage_zh || "", j.stage_en || "")} />` : "") },
    { key: "attempts", label: tr("尝试", "Attempts"), render: (j) => html`<${Attempts} job=${j} />` },
    { key: "by", label: tr("发起人", "By"), render: (j) => html`${j.created_by_name || "—"}
        ${j.unit_name ? html`<div class="muted">${j.unit_name}</div>` : null}` },
    { key: "created", label: tr("发起时间", "Started"), render: (j) => fmtDateTime(j.created_at) },
    { key: "finished", label: tr("结束时间", "Finished"), render: (j) => fmtDateTime(j.finished_at) || "—" },
    { key: "outcome", label: tr("结果", "Outcome"), render: (j) => html`<${Outcome} job=${j} />` },
    { key: "actions", label: "", render: (j) => (j.mine && ACTIVE.has(j.status) && !j.cancel_requested
      ? html`<${Button} kind="link" testid=${`job-cancel-${j.id}`} onClick=${() => cancel(j)}>${tr("取消", "Cancel")}<//>` : null) },
  ];
  return html`<${Card} title=${tr("后台任务（本人及所见单位）", "Jobs (mine and my units')")} testid="jobs"
      actions=${html`<div class="row">
        <${Select} id="jobs-kind" label=${tr("按类型筛选", "Filter by kind")} value=${kind} onChange=${setKind}
          options=${[{ value: "", label: tr("全部类型", "Any kind") },
            ...Object.keys(KINDS).map((k) => ({ value: k, label: kindLabel(k) }))]} />
        <${Select} id="jobs-status" label=${tr("按状态筛选", "Filter by status")} value=${status} onChange=${setStatus}
          options=${[{ value: "", label: tr("全部状态", "Any status") },
            ...["queued", "running", "succeeded", "failed", "cancelled"].map((s) => ({ value: s,
              label: tr({ queued: "排队中", running: "运行中", succeeded: "成功", failed: "失败", cancelled: "已取消" }[s], s) }))]} />
      </div>`}>
    ${schedule ? html`<p class="row" data-testid="jobs-of-schedule">
        ${tr(`只看定时任务"${schedule.title_zh}"（${schedule.cron_zh}）触发的任务`,
          `Only the jobs fired by the schedule "${schedule.title_en}" (${schedule.cron_en})`)}
        <${Button} kind="link" onClick=${onAllJobs}>${tr("显示全部任务", "Show every job")}<//></p>` : null}
    ${jobs.loading && !jobs.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${jobs.error || error} />
    ${jobs.data ? html`<${Table} testid="jobs-table" rows=${jobs.data} columns=${columns}
      empty=${tr("暂无后台任务", "No jobs yet")} />` : null}
  <//>`;
}

function SchedulesCard({ tick, onChanged, onShowJobs }) {
  const schedules = useApi("/api/schedules", [tick]);
  const [making, setMaking] = useState(false);
  const [confirming, setConfirming] = useState(null);
  const [error, setError] = useState(null);
  const act = async (method, path, body, message) => {
    setError(null);
    try {
      await api(method, path, body);
      notify(message);
      setConfirming(null);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const columns = [
    { key: "title", label: tr("任务", "What"), render: (s) => tr(s.title_zh, s.title_en) },
    { key: "cron", label: tr("周期", "When"), render: (s) => html`<span data-testid=${`schedule-words-${s.id}`}>${tr(s.cron_zh, s.cron_en)}</span>
        <div class="muted mono">${s.cron}</div>` },
    { key: "next", label: tr("下次运行", "Next"), render: (s) => (s.enabled ? fmtDateTime(s.next_fire_at) : "—") },
    { key: "last", label: tr("上次运行", "Last"), render: (s) => (s.last_fired_at ? html`${fmtDateTime(s.last_fired_at)}
        <div><${Button} kind="link" testid=${`schedule-jobs-${s.id}`} onClick=${() => onShowJobs(s)}>${tr("历次任务", "Its jobs")}<//></div>`
      : tr("尚未运行", "not yet")) },
    { key: "enabled", label: tr("状态", "State"), render: (s) => html`<${Badge} tone=${s.enabled ? "ok" : "muted"}>${s.enabled ? tr("启用", "on") : tr("停用", "off")}<//>` },
    { key: "by", label: tr("创建人", "Made by"), render: (s) => html`${s.created_by_name || "—"}
        ${s.unit_name ? html`<div class="muted">${s.unit_name}</div>` : null}` },
    { key: "actions", label: "", render: (s) => (s.mine ? html`<div class="row">
        <${Button} kind="link" testid=${`schedule-toggle-${s.id}`}
          onClick=${() => act("POST", `/api/schedules/${s.id}/enable`, { enabled: !s.enabled },
            s.enabled ? tr("已停用", "Switched off") : tr("已启用", "Switched on"))}>
          ${s.enabled ? tr("停用", "Switch off") : tr("启用", "Switch on")}<//>
        ${confirming === s.id
          ? html`<${Button} kind="danger" testid=${`schedule-delete-confirm-${s.id}`}
              onClick=${() => act("DELETE", `/api/schedules/${s.id}`, undefined, tr("已删除定时任务", "Schedule deleted"))}>
              ${tr("确认删除", "Confirm delete")}<//>
            <${Button} kind="link" onClick=${() => setConfirming(null)}>${tr("不删", "Keep")}<//>`
          : html`<${Button} kind="link" testid=${`schedule-delete-${s.id}`} onClick=${() => setConfirming(s.id)}>${tr("删除", "Delete")}<//>`}
      </div>` : null) },
  ];
  return html`<${Card} title=${tr("定时任务", "Schedules")} testid="schedules"
      actions=${can("models.run") ? html`<${Button} kind="primary" testid="schedule-new" onClick=${() => setMaking(true)}>
        ${tr("新建定时任务", "New schedule")}<//>` : null}>
    ${schedules.loading && !schedules.data ? html`<${Loading} />` : null}
    <${ErrorBox} error=${schedules.error || error} />
    ${schedules.data ? html`<${Table} testid="schedules-table" rows=${schedules.data} columns=${columns}
      empty=${tr("尚无定时任务：如每晚 02:00 运行全部模型", "No schedules yet: e.g. every model each night at 02:00")} />` : null}
    <${ScheduleDialog} open=${making} onClose=${() => setMaking(false)}
      onSaved=${() => { setMaking(false); onChanged(); }} />
  <//>`;
}

export default function Jobs() {
  const [tick, setTick] = useState(0);
  const [schedule, setSchedule] = useState(null);
  const [active, setActive] = useState(false);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setTick((n) => n + 1), 3000);
    return () => clearInterval(timer);
  }, [active]);
  const refresh = useMemo(() => () => setTick((n) => n + 1), []);
  return html`<${Page} title=${tr("后台任务", "Background jobs")}
      actions=${active ? html`<span class="muted">${tr("有任务进行中，自动刷新", "jobs in progress; refreshing")}</span>` : null}>
    <${SchedulesCard} tick=${tick} onChanged=${refresh} onShowJobs=${setSchedule} />
    <${JobsCard} tick=${tick} onActive=${setActive} schedule=${schedule} onAllJobs=${() => setSchedule(null)} />
  <//>`;
}
