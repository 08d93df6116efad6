// Run history across jobs, newest first, filtered by job, status and trigger. The API lists
// runs per job, so "all jobs" merges each job's pages.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatBytes, formatDuration, formatNumber, runDuration, timeElement } from '../format.js';
import { t } from '../i18n.js';
import { confirmAction, errorToast, pageHeader, runStatuses, select, statusBadge, toast } from '../ui.js';

const pageSize = 50;

function runTime(run) {
  return run.started_at ?? run.queued_at ?? run.completed_at ?? '';
}

class History {
  constructor(main, app, query) {
    this.main = main;
    this.app = app;
    this.filters = { job: query.get('job') ?? '', status: query.get('status') ?? '', trigger: query.get('trigger') ?? '' };
    this.jobs = [];
    // Job id to {runs, offset, done} for the pages loaded so far.
    this.pages = new Map();
    this.body = h('tbody');
    this.summary = h('p', { class: 'muted', role: 'status' });
    this.more = h('button', { type: 'button', class: 'btn', hidden: true, onClick: () => this.loadMore() },
      t('history.loadMore'));
    this.deleteAll = h('button', { type: 'button', class: 'btn btn-danger-outline', onClick: () => this.removeAll() });
  }

  filterSelect(name, options) {
    const control = select([['', t(`history.all.${name}`)], ...options], { name, class: 'input input-small', id: `filter-${name}` });
    control.value = this.filters[name];
    control.addEventListener('change', () => {
      this.filters[name] = control.value;
      const params = new URLSearchParams(Object.entries(this.filters).filter(([, value]) => value));
      history.replaceState(null, '', `/history${params.size ? `?${params}` : ''}`);
      if (name === 'job') this.reload();
      else this.renderRows();
    });
    return h('div', { class: 'field field-inline' },
      h('label', { htmlFor: control.id, class: 'field-label' }, t(`history.filter.${name}`)), control);
  }

  render() {
    const jobOptions = this.jobs.map((job) => [String(job.id), job.name]);
    const filters = h('div', { class: 'filters', role: 'group', 'aria-label': t('history.filters') },
      this.filterSelect('job', jobOptions),
      this.filterSelect('status', runStatuses.map((status) => [status, t(`status.${status}`)])),
      this.filterSelect('trigger', ['manual', 'scheduled'].map((trigger) => [trigger, t(`trigger.${trigger}`)])));
    const headers = ['job', 'status', 'trigger', 'started', 'duration', 'files', 'bytes', 'actions'];
    replace(this.main,
      pageHeader(t('history.title'), this.deleteAll),
      h('section', { class: 'card' }, filters, this.summary,
        h('div', { class: 'table-wrap' },
          h('table', { class: 'table' },
            h('caption', { class: 'visually-hidden' }, t('history.caption')),
            h('thead', {}, h('tr', {}, headers.map((key) => h('th', { scope: 'col' }, t(`history.column.${key}`))))),
            this.body)),
        this.more));
    this.updateDeleteAll();
  }

  updateDeleteAll() {
    this.deleteAll.textContent = this.filters.job ? t('history.deleteJobRuns') : t('history.deleteAllRuns');
  }

  selectedJobs() {
    return this.filters.job ? this.jobs.filter((job) => String(job.id) === this.filters.job) : this.jobs;
  }

  async reload() {
    this.pages.clear();
    this.updateDeleteAll();
    await this.loadMore();
  }

  async loadMore() {
    try {
      await Promise.all(this.selectedJobs().map((job) => this.loadPage(job)));
    } catch (error) {
      errorToast(error);
    }
    this.renderRows();
  }

  async loadPage(job) {
    const page = this.pages.get(job.id) ?? { runs: [], offset: 0, done: false };
    this.pages.set(job.id, page);
    if (page.done) return;
    const runs = await api.get(`/jobs/${job.id}/runs`, { query: { limit: pageSize, offset: page.offset } });
    page.runs.push(...runs);
    page.offset += runs.length;
    page.done = runs.length < pageSize;
  }

  visibleRuns() {
    const runs = [...this.pages.values()].flatMap((page) => page.runs);
    return runs
      .filter((run) => !this.filters.status || run.status === this.filters.status)
      .filter((run) => !this.filters.trigger || run.trigger === this.filters.trigger)
      .sort((a, b) => runTime(b).localeCompare(runTime(a)) || b.id - a.id);
  }

  renderRows() {
    const runs = this.visibleRuns();
    this.summary.textContent = t('history.summary', { count: runs.length });
    this.more.hidden = [...this.pages.values()].every((page) => page.done);
    if (runs.length === 0) {
      replace(this.body, h('tr', {}, h('td', { colSpan: 8, class: 'muted empty-cell' }, t('history.empty'))));
      return;
    }
    replace(this.body, runs.map((run) => this.row(run)));
  }

  row(run) {
    const jobName = run.job_name ?? this.jobs.find((job) => job.id === run.job_id)?.name ?? '';
    return h('tr', { dataset: { runId: run.id } },
      h('td', {}, jobName),
      h('td', {}, statusBadge(run.status)),
      h('td', {}, t(`trigger.${run.trigger ?? 'manual'}`)),
      h('td', {}, timeElement(runTime(run))),
      h('td', {}, formatDuration(runDuration(run))),
      h('td', { class: 'numeric' }, formatNumber(run.files_transferred)),
      h('td', { class: 'numeric' }, formatBytes(run.bytes_transferred)),
      h('td', { class: 'row-actions' },
        h('a', { href: `/runs/${run.id}`, class: 'btn btn-small' }, t('history.viewLog')),
        h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', onClick: () => this.removeRun(run),
          'aria-label': t('history.deleteRunLabel', { id: run.id }) }, t('common.delete'))));
  }

  async removeRun(run) {
    const confirmed = await confirmAction({
      title: t('history.deleteRunTitle'),
      message: t('history.deleteRunMessage', { id: run.id }),
      confirmLabel: t('history.deleteRunConfirm'),
    });
    if (!confirmed) return;
    try {
      await api.del(`/runs/${run.id}`);
      toast(t('history.runDeleted'));
      const page = this.pages.get(run.job_id);
      if (page) page.runs = page.runs.filter((item) => item.id !== run.id);
      this.renderRows();
    } catch (error) {
      errorToast(error);
    }
  }

  async removeAll() {
    const job = this.jobs.find((item) => String(item.id) === this.filters.job);
    const confirmed = await confirmAction({
      title: job ? t('history.deleteJobRuns') : t('history.deleteAllRuns'),
      message: job ? t('history.deleteJobRunsMessage', { name: job.name }) : t('history.deleteAllRunsMessage'),
      confirmLabel: t('common.delete'),
    });
    if (!confirmed) return;
    try {
      const result = job ? await api.del(`/jobs/${job.id}/runs`) : await api.del('/runs');
      toast(t('history.runsDeleted', { count: result?.count ?? 0 }));
      await this.reload();
    } catch (error) {
      errorToast(error);
    }
  }
}

export default async function historyView({ main, query, app }) {
  const view = new History(main, app, query);
  try {
    view.jobs = await api.get('/jobs');
  } catch (error) {
    errorToast(error);
  }
  view.render();
  await view.reload();
  return app.statusFeed?.subscribe((message) => {
    if (message.type === 'job_completed' || message.type === 'job_started' || message.type === 'refresh') view.reload();
  });
}
