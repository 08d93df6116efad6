// The dashboard: every job with its last run, its next run and, while it runs, a live progress
// bar fed by the status WebSocket.

import { api, MISSING } from '../api.js';
import { h, replace, uniqueId } from '../dom.js';
import { formatBytes, formatNumber, timeElement } from '../format.js';
import { t } from '../i18n.js';
import {
  cancelJob, cloneJob, deleteJob, loadProviders, loadSchedules, nextRunOf, previewJob, providerName, runJob,
} from '../jobs.js';
import { errorToast, isActiveStatus, pageHeader, statusBadge, withBusy } from '../ui.js';

class Dashboard {
  constructor(main, app) {
    this.main = main;
    this.app = app;
    this.jobs = [];
    this.schedules = new Map();
    this.schedulesMissing = false;
    // Job id to {runId, files, bytes, deleted} for the runs in progress.
    this.active = new Map();
    this.cards = new Map();
    this.providers = [];
    this.list = h('ul', { class: 'job-list', 'aria-label': t('dashboard.jobs') });
    this.summary = h('p', { class: 'dashboard-summary muted', role: 'status' });
  }

  render() {
    const newJob = h('a', { href: '/jobs/new', class: 'btn btn-primary' }, t('dashboard.newJob'));
    replace(this.main, pageHeader(t('dashboard.title'), newJob), this.summary, this.list);
  }

  async load() {
    const [jobs, providers] = await Promise.all([api.get('/jobs'), loadProviders()]);
    this.providers = providers;
    this.jobs = jobs;
    await Promise.all(jobs.map((job) => this.loadSchedulesOf(job)));
    this.active.clear();
    for (const job of jobs) {
      if (isActiveStatus(job.last_run?.status)) this.active.set(job.id, { runId: job.last_run.id });
    }
    this.renderJobs();
  }

  async loadSchedulesOf(job) {
    if (this.schedulesMissing) return;
    const schedules = await loadSchedules(job).catch(() => null);
    if (schedules === MISSING) this.schedulesMissing = true;
    else if (schedules) this.schedules.set(job.id, schedules);
  }

  renderJobs() {
    this.cards.clear();
    const running = this.active.size;
    this.summary.textContent = t('dashboard.summary', { count: this.jobs.length, running });
    if (this.jobs.length === 0) {
      replace(this.list, h('li', { class: 'empty-state card' },
        h('h2', {}, t('dashboard.emptyTitle')),
        h('p', {}, t('dashboard.emptyText')),
        h('a', { href: '/jobs/new', class: 'btn btn-primary' }, t('dashboard.createFirst'))));
      return;
    }
    replace(this.list, this.jobs.map((job) => this.renderCard(job)));
  }

  renderCard(job) {
    const headingId = uniqueId('job');
    const card = h('li', { class: 'card job-card', dataset: { jobId: job.id }, 'aria-labelledby': headingId },
      h('div', { class: 'job-head' },
        h('h2', { id: headingId, class: 'job-name' }, job.name),
        job.enabled ? null : h('span', { class: 'badge badge-muted' }, t('jobs.disabled')),
        h('span', { class: 'chip' }, providerName(job.destination_type, this.providers))),
      job.description ? h('p', { class: 'job-description' }, job.description) : null,
      this.facts(job),
      this.progress(job),
      this.actions(job, headingId));
    this.cards.set(job.id, card);
    return card;
  }

  facts(job) {
    const fact = (label, ...value) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
    return h('dl', { class: 'job-facts' },
      fact(t('jobs.sources'), h('ul', { class: 'path-list' },
        (job.source_dirs ?? []).map((path) => h('li', { class: 'mono', title: path }, path)))),
      fact(t('jobs.lastRun'), this.lastRun(job)),
      fact(t('jobs.nextRun'), this.nextRun(job)));
  }

  lastRun(job) {
    const run = job.last_run;
    if (!run) return h('span', { class: 'muted' }, t('jobs.never'));
    return [statusBadge(run.status), ' ',
      h('a', { href: `/runs/${run.id}` }, timeElement(run.started_at ?? run.completed_at))];
  }

  nextRun(job) {
    if (this.schedulesMissing) return h('span', { class: 'muted' }, t('schedules.unavailableShort'));
    const schedules = this.schedules.get(job.id) ?? job.schedules ?? [];
    if (!job.enabled) return h('span', { class: 'muted' }, t('jobs.disabled'));
    const next = nextRunOf(schedules);
    if (!next) return h('span', { class: 'muted' }, schedules.length ? t('jobs.noUpcoming') : t('jobs.notScheduled'));
    return timeElement(next);
  }

  progress(job) {
    const active = this.active.get(job.id);
    if (!active) return null;
    const labelId = uniqueId('progress');
    const counters = active.files === undefined
      ? t('jobs.starting')
      : t('jobs.progressCounters', { files: formatNumber(active.files), bytes: formatBytes(active.bytes) });
    return h('div', { class: 'job-progress' },
      h('progress', { class: 'progress', 'aria-labelledby': labelId }),
      h('span', { id: labelId, class: 'progress-text', 'aria-live': 'polite' },
        t('jobs.running'), ' · ', counters),
      h('a', { href: `/runs/${active.runId}`, class: 'btn btn-small' }, t('jobs.liveLog')));
  }

  actions(job, headingId) {
    const described = { 'aria-describedby': headingId };
    const button = (label, onClick, className = '') =>
      h('button', { type: 'button', class: ['btn', 'btn-small', className], onClick, ...described }, label);
    const active = this.active.has(job.id);
    return h('div', { class: 'job-actions' },
      active
        ? button(t('jobs.cancel'), () => cancelJob(job))
        : button(t('jobs.runNow'), () => this.run(job), 'btn-primary'),
      job.destination_type === 'local' && !active
        ? button(t('jobs.preview'), (event) => withBusy(event.currentTarget, () => previewJob(job))) : null,
      h('a', { href: `/jobs/${job.id}/edit`, class: 'btn btn-small', ...described }, t('jobs.edit')),
      h('a', { href: `/history?job=${job.id}`, class: 'btn btn-small', ...described }, t('jobs.history')),
      button(t('jobs.clone'), async () => {
        if (await cloneJob(job)) await this.reload();
      }),
      button(t('jobs.delete'), async () => {
        if (await deleteJob(job)) await this.reload();
      }, 'btn-danger-outline'));
  }

  async run(job) {
    const result = await runJob(job);
    if (!result) return;
    if (!this.active.has(job.id)) this.active.set(job.id, { runId: result.run_id });
    this.updateCard(job.id);
  }

  updateCard(jobId) {
    const job = this.jobs.find((item) => item.id === jobId);
    const card = this.cards.get(jobId);
    if (!job || !card) return;
    // Keep keyboard focus on the same action after the card is rebuilt.
    const controls = [...card.querySelectorAll('.job-actions > *')];
    const focused = controls.indexOf(document.activeElement);
    const next = this.renderCard(job);
    card.replaceWith(next);
    if (focused >= 0) next.querySelectorAll('.job-actions > *')[focused]?.focus();
    this.summary.textContent = t('dashboard.summary', { count: this.jobs.length, running: this.active.size });
  }

  async reloadJob(jobId) {
    try {
      const job = await api.get(`/jobs/${jobId}`);
      await this.loadSchedulesOf(job);
      this.jobs = this.jobs.map((item) => (item.id === jobId ? job : item));
      this.updateCard(jobId);
    } catch (error) {
      if (error.status !== 404) errorToast(error);
    }
  }

  async reload() {
    try {
      await this.load();
    } catch (error) {
      errorToast(error);
    }
  }

  handleStatus(message) {
    const jobId = message.job_id;
    if (message.type === 'refresh') {
      this.reload();
    } else if (message.type === 'job_started') {
      this.active.set(jobId, { runId: message.run_id });
      this.reloadJob(jobId);
    } else if (message.type === 'job_progress') {
      this.active.set(jobId, {
        runId: message.run_id,
        files: message.files_transferred,
        bytes: message.bytes_transferred,
        deleted: message.files_deleted,
      });
      this.updateProgress(jobId);
    } else if (message.type === 'job_completed') {
      this.active.delete(jobId);
      this.reloadJob(jobId);
    }
  }

  // Replaces only the progress block, so keyboard focus on the card's buttons survives.
  updateProgress(jobId) {
    const card = this.cards.get(jobId);
    const job = this.jobs.find((item) => item.id === jobId);
    if (!card || !job) return;
    const current = card.querySelector('.job-progress');
    const next = this.progress(job);
    if (current && next) current.replaceWith(next);
    else this.updateCard(jobId);
  }
}

export default async function dashboardView({ main, app }) {
  const dashboard = new Dashboard(main, app);
  dashboard.render();
  try {
    await dashboard.load();
  } catch (error) {
    errorToast(error);
  }
  return app.statusFeed?.subscribe((message) => dashboard.handleStatus(message));
}
