// One schedule of a job in the editor: type, time, day, cron expression, time zone, and a
// preview of the next runs in the schedule's zone from GET /schedules/:id/preview.

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { browserTimeZone, formatDateTime } from '../format.js';
import { locale, t } from '../i18n.js';
import { checkbox, field, input, select, setFieldError } from '../ui.js';
import { cronError, integerError } from '../validation.js';

export const scheduleTypes = ['daily', 'weekly', 'monthly', 'custom'];
const previewCount = 5;
let previewMissing = false;
let unsavedPreviewMissing = false;

function weekdayNames() {
  // 1 January 2023 was a Sunday, the API's day 0.
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', timeZone: 'UTC' });
  return Array.from({ length: 7 }, (_, day) => [String(day), format.format(Date.UTC(2023, 0, 1 + day))]);
}

function timeZones() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

function pad(number) {
  return String(number ?? 0).padStart(2, '0');
}

export class ScheduleEditor {
  constructor(schedule, { onRemove }) {
    this.original = schedule ?? null;
    this.id = schedule?.id ?? null;
    this.onRemove = onRemove;
    this.previewTimer = null;
    this.previewRequest = 0;
    this.build(schedule ?? { schedule_type: 'daily', hour: 2, minute: 0, enabled: true });
  }

  build(schedule) {
    this.type = select(scheduleTypes.map((type) => [type, t(`schedules.type.${type}`)]), { name: 'schedule_type' });
    this.type.value = schedule.schedule_type ?? 'daily';
    this.time = input({ type: 'time', name: 'time', value: `${pad(schedule.hour ?? 2)}:${pad(schedule.minute ?? 0)}` });
    this.weekday = select(weekdayNames(), { name: 'day_of_week' });
    this.weekday.value = String(schedule.day_of_week ?? 1);
    this.monthday = input({ type: 'number', name: 'day_of_month', min: 1, max: 31, value: schedule.day_of_month ?? 1 });
    this.cron = input({ name: 'cron_expression', value: schedule.cron_expression ?? '', spellcheck: false,
      placeholder: '0 2 * * 1-5', class: 'input input-code' });
    this.zone = select(timeZones().map((zone) => [zone, zone]), { name: 'timezone' });
    this.zone.value = schedule.timezone || browserTimeZone();
    this.enabled = checkbox({ name: 'enabled', checked: schedule.enabled !== false });
    this.preview = h('div', { class: 'schedule-preview', 'aria-live': 'polite' });

    this.timeField = field({ label: t('schedules.time'), control: this.time });
    this.weekdayField = field({ label: t('schedules.dayOfWeek'), control: this.weekday });
    this.monthdayField = field({ label: t('schedules.dayOfMonth'), control: this.monthday,
      hint: t('schedules.dayOfMonthHint') });
    this.cronField = field({ label: t('schedules.cron'), control: this.cron, hint: t('schedules.cronHint') });
    this.legend = h('legend', {});

    this.element = h('fieldset', { class: 'schedule' },
      this.legend,
      h('div', { class: 'schedule-grid' },
        field({ label: t('schedules.typeLabel'), control: this.type }),
        this.timeField, this.weekdayField, this.monthdayField, this.cronField,
        field({ label: t('schedules.timezone'), control: this.zone })),
      h('div', { class: 'schedule-footer' },
        field({ label: t('schedules.enabled'), control: this.enabled }),
        h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', onClick: () => this.onRemove(this) },
          t('schedules.remove'))),
      this.preview);

    for (const control of [this.type, this.time, this.weekday, this.monthday, this.cron, this.zone]) {
      control.addEventListener('input', () => this.changed());
      control.addEventListener('change', () => this.changed());
    }
    this.updateVisibility();
    this.schedulePreview(0);
  }

  setNumber(number) {
    this.legend.textContent = t('schedules.legend', { number });
  }

  changed() {
    this.updateVisibility();
    this.schedulePreview(400);
  }

  updateVisibility() {
    const type = this.type.value;
    this.timeField.hidden = type === 'custom';
    this.weekdayField.hidden = type !== 'weekly';
    this.monthdayField.hidden = type !== 'monthly';
    this.cronField.hidden = type !== 'custom';
  }

  // Returns [control, message] pairs for the visible fields.
  validate() {
    const type = this.type.value;
    const errors = [];
    if (type === 'custom') errors.push([this.cron, cronError(this.cron.value)]);
    else if (!/^\d{2}:\d{2}$/.test(this.time.value)) errors.push([this.time, t('validation.required')]);
    if (type === 'monthly') errors.push([this.monthday, integerError(this.monthday.value, { min: 1, max: 31, required: true })]);
    for (const control of [this.cron, this.time, this.monthday]) setFieldError(control, null);
    return errors.filter(([, message]) => message);
  }

  // The body for POST /jobs/:id/schedules and PUT /schedules/:id: only the fields of its type,
  // because the server rejects fields that do not apply to the type.
  toBody() {
    const type = this.type.value;
    const body = { schedule_type: type, timezone: this.zone.value, enabled: this.enabled.checked };
    if (type === 'custom') {
      body.cron_expression = this.cron.value.trim().replace(/\s+/g, ' ');
    } else {
      const [hour, minute] = this.time.value.split(':').map(Number);
      Object.assign(body, { hour, minute });
    }
    if (type === 'weekly') body.day_of_week = Number(this.weekday.value);
    if (type === 'monthly') body.day_of_month = Number(this.monthday.value);
    return body;
  }

  isChanged() {
    if (!this.original) return true;
    return Object.entries(this.toBody()).some(([key, value]) => (this.original[key] ?? null) !== value);
  }

  // Points the server's error message at the control it names, else at the type select.
  showServerError(error) {
    const controls = {
      cron_expression: this.cron, hour: this.time, minute: this.time, day_of_week: this.weekday,
      day_of_month: this.monthday, timezone: this.zone,
    };
    const control = controls[error.field] ?? (this.type.value === 'custom' ? this.cron : this.type);
    setFieldError(control, error.message);
    control.focus();
  }

  schedulePreview(delay) {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.loadPreview(), delay);
  }

  // A saved, unchanged schedule is previewed by id; a new or changed one by its body, before it
  // is saved. Without the server's preview routes, the editor falls back to the saved next_run.
  async loadPreview() {
    const unsaved = !this.id || this.isChanged();
    if (unsaved && unsavedPreviewMissing) {
      replace(this.preview, h('p', { class: 'muted' }, t('schedules.previewAfterSave')));
      return;
    }
    if (!unsaved && previewMissing) {
      this.renderSavedNextRun();
      return;
    }
    const request = ++this.previewRequest;
    try {
      const query = { query: { count: previewCount } };
      const result = unsaved
        ? await api.post('/schedules/preview', this.toBody(), query)
        : await api.get(`/schedules/${this.id}/preview`, query);
      if (request !== this.previewRequest) return;
      this.renderPreview(result.timezone ?? this.zone.value, (result.runs ?? []).map((run) => run.utc));
    } catch (error) {
      if (request !== this.previewRequest) return;
      if (error instanceof ApiError && error.routeMissing && unsaved) {
        unsavedPreviewMissing = true;
        replace(this.preview, h('p', { class: 'muted' }, t('schedules.previewAfterSave')));
        return;
      }
      if (error instanceof ApiError && error.routeMissing) {
        previewMissing = true;
        this.renderSavedNextRun();
        return;
      }
      replace(this.preview, h('p', { class: 'field-error' }, error.message));
    }
  }

  renderPreview(zone, times) {
    const local = browserTimeZone();
    replace(this.preview,
      h('p', { class: 'preview-title' }, t('schedules.previewTitle', { zone })),
      times.length === 0
        ? h('p', { class: 'muted' }, t('schedules.previewNone'))
        : h('ol', { class: 'preview-list' }, times.map((time) => h('li', {},
          h('time', { dateTime: time }, formatDateTime(time, { timeZone: zone })),
          zone !== local ? h('span', { class: 'muted' }, ` (${formatDateTime(time)})`) : null))));
  }

  // Without the preview route, a saved schedule still shows the server's next_run.
  renderSavedNextRun() {
    const next = this.original?.next_run;
    replace(this.preview,
      h('p', { class: 'muted' }, t('schedules.previewUnavailable')),
      next && !this.isChanged()
        ? h('p', {}, t('schedules.nextRun'), ' ', h('time', { dateTime: next },
          formatDateTime(next, { timeZone: this.zone.value })))
        : null);
  }
}
