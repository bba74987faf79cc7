// 定时任务 — the dialog that makes a schedule (a model, or all models, run on a rhythm):
// the rhythm picked as 每天 / 每周 / 每月 at a time (or typed as cron by those who know
// it), the model and its parameters; the server checks it all and answers in words.
// Used by the jobs screen and by a model's page ("定时运行").
import { html, useState, useEffect, tr, api, useApi } from "../core.js";
import { Modal, Button, ErrorBox, Field, Select, notify } from "../ui.js";
import { ParamInput } from "./model_parts.js";

// Weekdays as cron numbers (0 = Sunday), Monday first as on a Chinese calendar.
const WEEKDAYS = [[1, "一", "Mon"], [2, "二", "Tue"], [3, "三", "Wed"], [4, "四", "Thu"],
  [5, "五", "Fri"], [6, "六", "Sat"], [0, "日", "Sun"]];

// The cron for a rhythm picked in the form, or null when the form is not complete.
export function cronOf({ every, time, weekdays, day, custom }) {
  if (every === "custom") return custom.trim() || null;
  const match = /^(\d{1,2}):(\d{2})$/.exec(time || "");
  if (!match) return null;
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  if (every === "daily") return `${minute} ${hour} * * *`;
  if (every === "weekly") {
    if (!weekdays.length) return null;
    return `${minute} ${hour} * * ${[...weekdays].sort((a, b) => a - b).join(",")}`;
  }
  if (every === "monthly") return day >= 1 && day <= 31 ? `${minute} ${hour} ${day} * *` : null;
  return null;
}

function RhythmFields({ rhythm, onChange }) {
  const set = (patch) => onChange({ ...rhythm, ...patch });
  const toggleDay = (value) => set({ weekdays: rhythm.weekdays.includes(value)
    ? rhythm.weekdays.filter((d) => d !== value) : [...rhythm.weekdays, value] });
  return html`<div class="form">
    <${Field} id="sch-every" label=${tr("频率", "How often")}>
      <${Select} id="sch-every" label=${tr("频率", "How often")} value=${rhythm.every} onChange=${(v) => set({ every: v })}
        options=${[
          { value: "daily", label: tr("每天", "Every day") },
          { value: "weekly", label: tr("每周", "Every week") },
          { value: "monthly", label: tr("每月", "Every month") },
          { value: "custom", label: tr("自定义（cron 表达式）", "Custom (cron)") },
        ]} />
    <//>
    ${rhythm.every === "custom" ? html`<${Field} id="sch-cron" label=${tr("cron 表达式（分 时 日 月 周）", "Cron (minute hour day month weekday)")}
        hint=${tr("如 0 2 * * 1-5：周一至周五 02:00；周日为 0", "e.g. 0 2 * * 1-5: Monday to Friday at 02:00; Sunday is 0")}>
        <input id="sch-cron" class="mono" value=${rhythm.custom} placeholder="0 2 * * *"
          onInput=${(e) => set({ custom: e.target.value })} />
      <//>` : html`<${Field} id="sch-time" label=${tr("时间（服务器时间）", "Time (server time)")}>
        <input id="sch-time" type="time" value=${rhythm.time} required onInput=${(e) => set({ time: e.target.value })} />
      <//>`}
    ${rhythm.every === "monthly" ? html`<${Field} id="sch-day" label=${tr("每月几日", "Day of the month")}
        hint=${rhythm.day > 28 ? tr("没有这一天的月份不运行", "months without this day are skipped") : null}>
        <input id="sch-day" type="number" min="1" max="31" value=${rhythm.day}
          onInput=${(e) => set({ day: Number.parseInt(e.target.value, 10) || "" })} />
      <//>` : null}
    ${rhythm.every === "weekly" ? html`<fieldset class="builder-checks span-all" data-testid="sch-weekdays">
        <legend>${tr("星期", "Weekdays")}</legend>
        ${WEEKDAYS.map(([value, zh, en]) => html`<label class="builder-check">
          <input type="checkbox" checked=${rhythm.weekdays.includes(value)} onChange=${() => toggleDay(value)} />
          ${tr(`周${zh}`, en)}</label>`)}
      </fieldset>` : null}
  </div>`;
}

function blankRhythm() {
  return { every: "daily", time: "02:00", weekdays: [1], day: 1, custom: "" };
}

// The parameters of the chosen model (its detail: parameters and versions).
function ModelChoice({ modelId, version, values, onVersion, onValues }) {
  const detail = useApi(modelId ? `/api/models/${encodeURIComponent(modelId)}` : null);
  const model = detail.data;
  useEffect(() => {
    if (model) onValues(Object.fromEntries(model.parameters.map((p) => [p.name, p.default])));
  }, [model]);
  if (!modelId) return null;
  if (!model) return html`<${ErrorBox} error=${detail.error} />`;
  return html`<div class="form">
    <${Field} id="sch-version" label=${tr("版本", "Version")}>
      <${Select} id="sch-version" label=${tr("版本", "Version")} value=${version} onChange=${onVersion}
        options=${[{ value: "", label: tr(`运行时的最新版本（现为 v${model.version}）`, `the newest when it runs (now v${model.version})`) },
          ...model.versions.map((v) => ({ value: String(v.version), label: tr(`固定为 v${v.version}`, `always v${v.version}`) }))]} />
    <//>
    ${model.parameters.map((p) => html`<${ParamInput} param=${p} id=${`sch-param-${p.name}`}
      value=${values[p.name]} onChange=${(v) => onValues({ ...values, [p.name]: v })} />`)}
  </div>`;
}

export function ScheduleDialog({ open, onClose, onSaved, modelId: fixedModel, modelName }) {
  const models = useApi(open && !fixedModel ? "/api/models" : null);
  const [kind, setKind] = useState("model.run");
  const [modelId, setModelId] = useState(fixedModel || "");
  const [version, setVersion] = useState("");
  const [values, setValues] = useState({});
  const [rhythm, setRhythm] = useState(blankRhythm);
  const [asOf, setAsOf] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setKind("model.run");
    setModelId(fixedModel || "");
    setVersion("");
    setRhythm(blankRhythm());
    setAsOf("");
    setError(null);
  }, [open, fixedModel]);
  const cron = cronOf(rhythm);
  const ready = cron && (kind === "models.run_all" || modelId);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = { cron, kind, as_of: asOf || null };
      if (kind === "model.run") {
        Object.assign(body, { model_id: modelId, version: version ? Number(version) : null, params: values });
      }
      const made = await api("POST", "/api/schedules", body);
      notify(tr(`已建定时任务：${made.cron_zh}`, `Schedule made: ${made.cron_en}`));
      onSaved(made);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const footer = html`<${Button} onClick=${onClose}>${tr("取消", "Cancel")}<//>
    <${Button} kind="primary" testid="schedule-save" disabled=${busy || !ready} onClick=${save}>${tr("保存定时任务", "Save the schedule")}<//>`;
  const title = fixedModel
    ? tr(`定时运行：${modelName || fixedModel}`, `Schedule: ${modelName || fixedModel}`)
    : tr("新建定时任务", "New schedule");
  return html`<${Modal} title=${title} open=${open} onClose=${onClose} footer=${footer}>
    <p class="muted">${tr("到点时以您的身份在后台运行，命中同步为本院线索；您的权限届时再次核对。",
      "At each time it runs in the background as you, and its hits become your unit's clues; your rights are checked again then.")}</p>
    <h3 class="model-sub">${tr("何时运行", "When")}</h3>
    <${RhythmFields} rhythm=${rhythm} onChange=${setRhythm} />
    <p class="muted" data-testid="schedule-cron">${cron
      ? html`cron: <span class="mono">${cron}</span>`
      : tr("请填写完整的运行时间", "fill in when it runs")}</p>
    <h3 class="model-sub">${tr("运行什么", "What")}</h3>
    <div class="form">
      ${fixedModel ? null : html`<${Field} id="sch-kind" label=${tr("运行什么", "What to run")}>
        <${Select} id="sch-kind" label=${tr("运行什么", "What to run")} value=${kind} onChange=${setKind}
          options=${[{ value: "model.run", label: tr("一个模型", "One model") },
            { value: "models.run_all", label: tr("全部可运行的模型", "Every model I may run") }]} />
      <//>`}
      ${kind === "model.run" && !fixedModel ? html`<${Field} id="sch-model" label=${tr("模型", "Model")}>
        <${Select} id="sch-model" label=${tr("模型", "Model")} value=${modelId}
          onChange=${(v) => { setModelId(v); setVersion(""); }}
          options=${[{ value: "", label: models.data ? tr("请选择模型…", "Choose a model…") : tr("加载中…", "Loading…") },
            ...(models.data || []).map((m) => ({ value: m.id, label: `${tr(m.name_zh, m.name_en)} (${m.id})` }))]} />
      <//>` : null}
      <${Field} id="sch-asof" label=${tr("基准日期（可选）", "As-of date (optional)")}
        hint=${tr("留空：每次以运行当天为准", "empty: the day of each run")}>
        <input id="sch-asof" type="date" value=${asOf} onInput=${(e) => setAsOf(e.target.value)} />
      <//>
    </div>
    ${kind === "model.run" ? html`<${ModelChoice} modelId=${modelId} version=${version} values=${values}
      onVersion=${setVersion} onValues=${setValues} />` : null}
    <${ErrorBox} error=${error} />
    <${ErrorBox} error=${models.error} />
  <//>`;
}
