// The job editor for /jobs/new and /jobs/:id/edit: general fields, source folders, destination,
// sync options and schedules. The job is saved first, then each schedule, so a schedule the
// server rejects leaves a saved job and its error beside that schedule.

import { api, ApiError, MISSING, optional } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { loadProviders, loadSchedules } from '../jobs.js';
import { DestinationForm, loadDrives } from '../components/destinationform.js';
import { pickFolder } from '../components/filebrowser.js';
import { ScheduleEditor } from '../components/scheduleeditor.js';
import {
  checkbox, clearFieldErrors, field, formAlert, input, pageHeader, select, setFieldError, showFieldErrors, toast,
  unavailableNotice, withBusy,
} from '../ui.js';
import { absolutePathError, integerError } from '../validation.js';

const verbosities = ['quiet', 'normal', 'verbose'];
const bandwidthMax = 10000000;

// The sync option that each provider capability switches on or off.
const capabilityOptions = {
  supports_delete: 'delete_extraneous',
  supports_exclude_patterns: 'exclude_patterns',
  supports_bandwidth_limit: 'bandwidth_limit_kbps',
  supports_dry_run: 'dry_run',
};

function section(title, ...content) {
  return h('fieldset', { class: 'card form-section' }, h('legend', { class: 'section-title' }, title), content);
}

class JobEditor {
  constructor(main, app, jobId) {
    this.main = main;
    this.app = app;
    this.jobId = jobId ? Number(jobId) : null;
    this.alert = formAlert();
    this.sourceRows = [];
    this.scheduleEditors = [];
    this.removedSchedules = [];
    this.schedulesMissing = false;
  }

  async load() {
    const job = this.jobId ? await api.get(`/jobs/${this.jobId}`) : null;
    const [providers, credentials, schedules] = await Promise.all([
      loadProviders(),
      optional(() => api.get('/credentials')).catch(() => MISSING),
      job ? loadSchedules(job).catch(() => job.schedules ?? []) : Promise.resolve([]),
    ]);
    this.job = job;
    this.providers = providers;
    this.credentials = credentials === MISSING ? MISSING : [...credentials];
    this.schedulesMissing = schedules === MISSING;
    this.schedules = schedules === MISSING ? [] : schedules;
  }

  render() {
    const job = this.job;
    this.destination = new DestinationForm({
      job, providers: this.providers, credentials: this.credentials, drivesPromise: loadDrives(),
    });
    this.destination.onTypeChange((type) => this.applyCapabilities(type));
    this.save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
    this.form = h('form', { class: 'form job-form', novalidate: true },
      this.alert,
      this.generalSection(job),
      this.sourcesSection(job),
      section(t('editor.destination'), this.destination.build()),
      this.optionsSection(job?.sync_options ?? {}),
      this.schedulesSection(),
      h('div', { class: 'form-actions' },
        h('a', { href: '/', class: 'btn' }, t('common.cancel')),
        this.save));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    const title = job ? t('editor.editTitleNamed', { name: job.name }) : t('editor.newTitle');
    replace(this.main, pageHeader(title), this.form);
    this.applyCapabilities(this.destination.type.value);
  }

  generalSection(job) {
    this.name = input({ name: 'name', value: job?.name ?? '', maxLength: 100, autocomplete: 'off', required: true });
    this.description = h('textarea', { class: 'input', name: 'description', rows: 2, value: job?.description ?? '' });
    this.enabled = checkbox({ name: 'enabled', checked: job ? job.enabled : true });
    return section(t('editor.general'),
      field({ label: t('editor.name'), control: this.name, fieldName: 'name' }),
      field({ label: t('common.optionalLabel', { label: t('editor.description') }), control: this.description,
        fieldName: 'description' }),
      field({ label: t('editor.enabled'), control: this.enabled, hint: t('editor.enabledHint'), fieldName: 'enabled' }));
  }

  sourcesSection(job) {
    this.sourceList = h('ul', { class: 'source-list' });
    const add = h('button', { type: 'button', class: 'btn btn-small', onClick: () => this.addSource('', true) },
      t('editor.addSource'));
    const sources = job?.source_dirs?.length ? job.source_dirs : [''];
    for (const path of sources) this.addSource(path);
    return section(t('editor.sources'),
      h('p', { class: 'field-hint' }, t('editor.sourcesHint')),
      this.sourceList, add);
  }

  addSource(path, focus = false) {
    const control = input({ name: 'source', value: path, spellcheck: false, autocomplete: 'off', placeholder: '/home/…' });
    const row = { control };
    const browse = h('button', { type: 'button', class: 'btn btn-small' }, t('common.browse'));
    browse.addEventListener('click', async () => {
      const chosen = await pickFolder({ initialPath: control.value.trim() || null });
      if (chosen) control.value = chosen;
    });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger-outline' }, t('common.remove'));
    remove.addEventListener('click', () => {
      this.sourceRows = this.sourceRows.filter((item) => item !== row);
      row.element.remove();
      this.renumberSources();
    });
    row.wrapper = field({ label: '', control, className: 'field-with-button' });
    row.wrapper.querySelector('.input').after(browse, remove);
    row.browse = browse;
    row.remove = remove;
    row.element = h('li', {}, row.wrapper);
    this.sourceRows.push(row);
    this.sourceList.append(row.element);
    this.renumberSources();
    if (focus) control.focus();
  }

  renumberSources() {
    this.sourceRows.forEach((row, index) => {
      const label = t('editor.sourceLabel', { number: index + 1 });
      row.wrapper.querySelector('label').textContent = label;
      row.control.dataset.field = `source_dirs[${index}]`;
      row.browse.setAttribute('aria-label', t('editor.browseSource', { number: index + 1 }));
      row.remove.setAttribute('aria-label', t('editor.removeSource', { number: index + 1 }));
      row.remove.disabled = this.sourceRows.length === 1;
    });
  }

  optionsSection(options) {
    this.deleteExtraneous = checkbox({ name: 'delete_extraneous', checked: Boolean(options.delete_extraneous) });
    this.excludes = h('textarea', { class: 'input input-code', name: 'exclude_patterns', rows: 3, spellcheck: false,
      value: (options.exclude_patterns ?? []).join('\n') });
    this.bandwidth = input({ type: 'number', name: 'bandwidth_limit_kbps', min: 1, max: bandwidthMax,
      value: options.bandwidth_limit_kbps ?? '' });
    this.dryRun = checkbox({ name: 'dry_run', checked: Boolean(options.dry_run) });
    this.verbosity = select(verbosities.map((name) => [name, t(`editor.verbosity.${name}`)]), { name: 'verbosity' });
    this.verbosity.value = options.verbosity ?? 'normal';
    this.optionControls = {
      delete_extraneous: this.deleteExtraneous, exclude_patterns: this.excludes,
      bandwidth_limit_kbps: this.bandwidth, dry_run: this.dryRun, verbosity: this.verbosity,
    };
    return section(t('editor.options'),
      field({ label: t('editor.deleteExtraneous'), control: this.deleteExtraneous, hint: t('editor.deleteHint'),
        fieldName: 'sync_options.delete_extraneous' }),
      field({ label: t('common.optionalLabel', { label: t('editor.excludes') }), control: this.excludes,
        hint: t('editor.excludesHint'), fieldName: 'sync_options.exclude_patterns' }),
      field({ label: t('common.optionalLabel', { label: t('editor.bandwidth') }), control: this.bandwidth,
        hint: t('editor.bandwidthHint'), fieldName: 'sync_options.bandwidth_limit_kbps' }),
      field({ label: t('editor.dryRun'), control: this.dryRun, hint: t('editor.dryRunHint'),
        fieldName: 'sync_options.dry_run' }),
      field({ label: t('editor.verbosityLabel'), control: this.verbosity, fieldName: 'sync_options.verbosity' }));
  }

  // Disables the sync options that the destination's provider does not support.
  async applyCapabilities(type) {
    for (const control of Object.values(this.optionControls)) control.disabled = false;
    const result = await optional(() => api.get(`/providers/${type}/capabilities`)).catch(() => MISSING);
    if (result === MISSING || type !== this.destination.type.value) return;
    for (const [capability, option] of Object.entries(capabilityOptions)) {
      if (result.capabilities?.[capability] === false) this.optionControls[option].disabled = true;
    }
  }

  schedulesSection() {
    this.scheduleList = h('div', { class: 'schedule-list' });
    if (this.schedulesMissing) {
      return section(t('editor.schedules'), unavailableNotice(t('schedules.unavailable')));
    }
    for (const schedule of this.schedules) this.addSchedule(schedule);
    const add = h('button', { type: 'button', class: 'btn btn-small', onClick: () => this.addSchedule(null, true) },
      t('schedules.add'));
    this.noSchedules = h('p', { class: 'muted' }, t('schedules.none'));
    this.updateScheduleNumbers();
    return section(t('editor.schedules'), this.noSchedules, this.scheduleList, add);
  }

  addSchedule(schedule, focus = false) {
    const editor = new ScheduleEditor(schedule, {
      onRemove: (item) => {
        this.scheduleEditors = this.scheduleEditors.filter((other) => other !== item);
        if (item.id) this.removedSchedules.push(item.id);
        item.element.remove();
        this.updateScheduleNumbers();
      },
    });
    this.scheduleEditors.push(editor);
    this.scheduleList.append(editor.element);
    this.updateScheduleNumbers();
    if (focus) editor.type.focus();
  }

  updateScheduleNumbers() {
    this.scheduleEditors.forEach((editor, index) => editor.setNumber(index + 1));
    if (this.noSchedules) this.noSchedules.hidden = this.scheduleEditors.length > 0;
  }

  sourcePaths() {
    return this.sourceRows.map((row) => row.control.value.trim().replace(/(.)\/+$/, '$1'));
  }

  validate() {
    const errors = [];
    const name = this.name.value.trim();
    if (!name) errors.push([this.name, t('validation.required')]);
    else if (name.length > 100) errors.push([this.name, t('validation.maxLength', { count: 100 })]);

    const seen = new Set();
    this.sourcePaths().forEach((path, index) => {
      const control = this.sourceRows[index].control;
      const message = absolutePathError(path) ?? (seen.has(path) ? t('validation.duplicate') : null);
      if (message) errors.push([control, message]);
      seen.add(path);
    });

    errors.push(...this.destination.validate());
    const bandwidth = integerError(this.bandwidth.value, { min: 1, max: bandwidthMax });
    if (bandwidth && !this.bandwidth.disabled) errors.push([this.bandwidth, bandwidth]);
    for (const editor of this.scheduleEditors) errors.push(...editor.validate());
    return errors;
  }

  body() {
    const enabledOption = (name) => !this.optionControls[name].disabled;
    const excludes = this.excludes.value.split('\n').map((line) => line.trim()).filter(Boolean);
    const bandwidth = this.bandwidth.value.trim();
    return {
      name: this.name.value.trim(),
      description: this.description.value.trim(),
      enabled: this.enabled.checked,
      source_dirs: this.sourcePaths(),
      ...this.destination.body(),
      sync_options: {
        delete_extraneous: enabledOption('delete_extraneous') && this.deleteExtraneous.checked,
        exclude_patterns: enabledOption('exclude_patterns') ? excludes : [],
        bandwidth_limit_kbps: enabledOption('bandwidth_limit_kbps') && bandwidth ? Number(bandwidth) : null,
        dry_run: enabledOption('dry_run') && this.dryRun.checked,
        verbosity: this.verbosity.value,
      },
    };
  }

  // Shows a server error beside the control it names (source_dirs[1], destination_config.bucket,
  // sync_options.verbosity, ...), or at the top of the form.
  showServerError(error) {
    const fieldName = error.field;
    let control = fieldName ? this.form.querySelector(`[data-field="${CSS.escape(fieldName)}"]`) : null;
    control ??= this.destination.controlFor(fieldName);
    if (!control && fieldName === 'source_dirs') control = this.sourceRows[0]?.control;
    if (control) {
      setFieldError(control, error.message);
      control.focus();
    }
    this.alert.show(error.message);
  }

  async submit() {
    clearFieldErrors(this.form);
    this.alert.show(null);
    const errors = this.validate();
    if (showFieldErrors(errors)) {
      this.alert.show(t('editor.fixErrors', { count: errors.length }));
      return;
    }
    await withBusy(this.save, async () => {
      let saved;
      try {
        saved = this.jobId ? await api.put(`/jobs/${this.jobId}`, this.body()) : await api.post('/jobs', this.body());
      } catch (error) {
        this.showServerError(error);
        return;
      }
      this.jobId = saved.id;
      this.job = saved;
      const schedulesSaved = await this.saveSchedules(saved.id);
      if (!schedulesSaved) {
        // Stay in the editor of the saved job, so the schedule errors can be fixed.
        history.replaceState(null, '', `/jobs/${saved.id}/edit`);
        this.alert.show(t('editor.scheduleErrors'));
        return;
      }
      toast(t('editor.saved', { name: saved.name }));
      this.app.navigate('/');
    });
  }

  // Sends the schedule changes and returns false when the server rejected one of them.
  async saveSchedules(jobId) {
    if (this.schedulesMissing) return true;
    let ok = true;
    for (const id of this.removedSchedules) {
      try {
        await api.del(`/schedules/${id}`);
      } catch (error) {
        if (error.status !== 404) toast(error.message, { kind: 'error' });
      }
    }
    this.removedSchedules = [];
    for (const editor of this.scheduleEditors) {
      if (editor.id && !editor.isChanged()) continue;
      try {
        const saved = editor.id
          ? await api.put(`/schedules/${editor.id}`, editor.toBody())
          : await api.post(`/jobs/${jobId}/schedules`, editor.toBody());
        editor.id = saved.id;
        editor.original = saved;
      } catch (error) {
        if (error instanceof ApiError && error.routeMissing) {
          toast(t('schedules.unavailableOnSave'), { kind: 'warning' });
          return true;
        }
        editor.showServerError(error);
        ok = false;
      }
    }
    return ok;
  }
}

export default async function jobEditorView({ main, params, app }) {
  const editor = new JobEditor(main, app, params.id);
  try {
    await editor.load();
  } catch (error) {
    replace(main, pageHeader(t('editor.editTitle')), h('p', { class: 'notice notice-error', role: 'alert' }, error.message),
      h('a', { href: '/', class: 'btn' }, t('common.backToDashboard')));
    return;
  }
  editor.render();
}
