// One run: its status and counters, and its log. A run in progress is followed live over
// /api/ws/logs/:run_id, or by polling when WebSockets fail. A finished run's log is read from
// REST page by page, filtered by level on the server.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { browserTimeZone, formatBytes, formatClock, formatDuration, formatNumber, runDuration, timeElement } from '../format.js';
import { t } from '../i18n.js';
import { RunLogFeed } from '../live.js';
import { confirmAction, errorToast, isActiveStatus, pageHeader, select, statusBadge, toast, withBusy } from '../ui.js';

const levels = ['info', 'warning', 'error'];
const pageSize = 1000;

class RunLog {
  constructor(main, app, runId) {
    this.main = main;
    this.app = app;
    this.runId = Number(runId);
    this.feed = null;
    this.pending = [];
    this.offset = 0;
    this.lineCount = 0;
    this.details = h('div', { class: 'run-details' });
    this.mode = h('p', { class: 'live-state', role: 'status' });
    this.level = select([['', t('log.allLevels')], ...levels.map((level) => [level, t(`log.level.${level}`)])],
      { class: 'input input-small', name: 'level' });
    this.follow = h('input', { type: 'checkbox', class: 'checkbox', id: 'log-follow', checked: true });
    this.list = h('ol', { class: 'log', 'aria-label': t('log.lines'), tabIndex: 0 });
    this.more = h('button', { type: 'button', class: 'btn', hidden: true, onClick: () => this.loadPage() },
      t('log.loadMore'));
    this.empty = h('p', { class: 'muted', hidden: true }, t('log.empty'));
  }

  async start() {
    this.run = await api.get(`/runs/${this.runId}`);
    this.render();
    if (isActiveStatus(this.run.status)) this.followLive();
    else await this.loadPage();
  }

  render() {
    const levelField = h('div', { class: 'field field-inline' },
      h('label', { htmlFor: 'log-level', class: 'field-label' }, t('log.levelFilter')), this.level);
    this.level.id = 'log-level';
    this.level.addEventListener('change', () => this.levelChanged());
    const title = t('log.heading', { id: this.run.id, name: this.run.job_name ?? '' });
    replace(this.main,
      pageHeader(title, h('a', { href: `/history?job=${this.run.job_id}`, class: 'btn' }, t('log.backToHistory'))),
      this.details,
      h('section', { class: 'card log-card', 'aria-label': t('log.lines') },
        h('div', { class: 'log-toolbar' },
          levelField,
          h('div', { class: 'field field-check' }, this.follow,
            h('label', { htmlFor: 'log-follow', class: 'field-label' }, t('log.follow'))),
          this.mode),
        h('p', { class: 'muted log-zone' }, t('log.zone', { zone: browserTimeZone() })),
        this.empty,
        this.list,
        this.more));
    this.renderDetails();
  }

  renderDetails() {
    const run = this.run;
    const fact = (label, ...value) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
    const active = isActiveStatus(run.status);
    const actions = h('div', { class: 'run-actions' },
      active
        ? h('button', { type: 'button', class: 'btn', onClick: (event) => this.cancel(event.target) }, t('jobs.cancel'))
        : h('button', { type: 'button', class: 'btn btn-danger-outline', onClick: () => this.remove() }, t('log.deleteRun')));
    replace(this.details, h('section', { class: 'card' },
      h('div', { class: 'run-status' }, statusBadge(run.status), actions),
      run.error_message ? h('p', { class: 'notice notice-error' }, run.error_message) : null,
      h('dl', { class: 'job-facts run-facts' },
        fact(t('history.trigger'), t(`trigger.${run.trigger ?? 'manual'}`)),
        fact(t('history.started'), timeElement(run.started_at, { seconds: true })),
        fact(t('history.completed'), timeElement(run.completed_at, { seconds: true })),
        fact(t('history.duration'), formatDuration(runDuration(run))),
        fact(t('history.files'), formatNumber(run.files_transferred)),
        fact(t('history.bytes'), formatBytes(run.bytes_transferred)),
        fact(t('history.deleted'), formatNumber(run.files_deleted)))));
  }

  followLive() {
    this.feed = new RunLogFeed(this.runId);
    this.feed.subscribe((message) => this.handle(message));
    this.feed.onMode((mode) => {
      this.mode.textContent = t(`log.mode.${mode}`, { seconds: 2 });
      this.mode.dataset.mode = mode;
    });
    this.feed.start();
  }

  handle(message) {
    if (message.type === 'log') this.queue(message);
    else if (message.type === 'status') this.updateStatus(message);
    else if (message.type === 'not_found') toast(t('log.notFound'), { kind: 'error' });
  }

  updateStatus(message) {
    const finished = !isActiveStatus(message.status);
    Object.assign(this.run, {
      status: message.status,
      files_transferred: message.files_transferred ?? this.run.files_transferred,
      bytes_transferred: message.bytes_transferred ?? this.run.bytes_transferred,
      files_deleted: message.files_deleted ?? this.run.files_deleted,
      error_message: message.error_message ?? this.run.error_message,
    });
    this.renderDetails();
    // The final message lacks the end time, so read the whole run once.
    if (finished) api.get(`/runs/${this.runId}`).then((run) => {
      this.run = run;
      this.renderDetails();
    }, () => {});
  }

  // Lines arrive one message each, and they are added to the page once per frame.
  queue(entry) {
    this.pending.push(entry);
    if (this.pending.length === 1) requestAnimationFrame(() => this.flush());
  }

  flush() {
    const entries = this.pending;
    this.pending = [];
    this.appendLines(entries);
  }

  appendLines(entries) {
    const filter = this.level.value;
    const visible = this.feed ? entries : entries.filter((entry) => !filter || entry.level === filter);
    this.list.append(...visible.map((entry) => h('li', { class: ['log-line', `level-${entry.level}`] },
      h('time', { class: 'log-time', dateTime: entry.timestamp }, formatClock(entry.timestamp)),
      h('span', { class: 'log-level' }, t(`log.level.${entry.level}`)),
      h('span', { class: 'log-message' }, entry.message))));
    this.lineCount += visible.length;
    this.empty.hidden = this.lineCount > 0;
    if (this.follow.checked && visible.length) this.list.scrollTop = this.list.scrollHeight;
  }

  async loadPage() {
    await withBusy(this.more, async () => {
      try {
        const entries = await api.get(`/runs/${this.runId}/logs`,
          { query: { limit: pageSize, offset: this.offset, level: this.level.value } });
        this.offset += entries.length;
        this.appendLines(entries);
        this.more.hidden = entries.length < pageSize;
        this.empty.hidden = this.lineCount > 0;
      } catch (error) {
        errorToast(error);
      }
    });
  }

  // Live lines are filtered in the page, so none are lost. Finished runs ask the server again.
  levelChanged() {
    this.list.dataset.level = this.level.value;
    if (this.feed) return;
    replace(this.list);
    this.offset = 0;
    this.lineCount = 0;
    this.loadPage();
  }

  async cancel(button) {
    const confirmed = await confirmAction({
      title: t('jobs.cancelTitle'),
      message: t('jobs.cancelMessage', { name: this.run.job_name }),
      confirmLabel: t('jobs.cancelConfirm'),
    });
    if (!confirmed) return;
    await withBusy(button, async () => {
      try {
        await api.post(`/jobs/${this.run.job_id}/cancel`);
        toast(t('jobs.cancelled', { name: this.run.job_name }), { kind: 'info' });
      } catch (error) {
        errorToast(error);
      }
    });
  }

  async remove() {
    const confirmed = await confirmAction({
      title: t('history.deleteRunTitle'),
      message: t('history.deleteRunMessage', { id: this.runId }),
      confirmLabel: t('history.deleteRunConfirm'),
    });
    if (!confirmed) return;
    try {
      await api.del(`/runs/${this.runId}`);
      toast(t('history.runDeleted'));
      this.app.navigate(`/history?job=${this.run.job_id}`);
    } catch (error) {
      errorToast(error);
    }
  }

  stop() {
    this.feed?.stop();
  }
}

export default async function runLogView({ main, params, app }) {
  const view = new RunLog(main, app, params.id);
  try {
    await view.start();
  } catch (error) {
    replace(main, pageHeader(t('log.title')), h('p', { class: 'notice notice-error', role: 'alert' }, error.message));
    return undefined;
  }
  return () => view.stop();
}
