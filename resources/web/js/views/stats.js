// Charts of each job's recent runs: how long they took and how much they copied.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatBytes, formatDateTime, formatDuration, parseTime, runDuration } from '../format.js';
import { locale, t } from '../i18n.js';
import { barChart, chartTable } from '../components/chart.js';
import { errorToast, isActiveStatus, pageHeader, select, statusBadge } from '../ui.js';

const runCounts = [10, 20, 50];

function shortDate(iso) {
  const date = parseTime(iso);
  return date ? new Intl.DateTimeFormat(locale(), { month: 'numeric', day: 'numeric' }).format(date) : '';
}

function jobCharts(job, runs) {
  const finished = runs.filter((run) => !isActiveStatus(run.status) && run.started_at).reverse();
  const heading = h('h2', { class: 'section-title' }, job.name);
  if (finished.length === 0) {
    return h('section', { class: 'card chart-card' }, heading, h('p', { class: 'muted' }, t('stats.noRuns')));
  }
  const items = (value) => finished.map((run) => ({
    label: shortDate(run.started_at),
    value: value(run),
    status: run.status,
    title: formatDateTime(run.started_at),
  }));
  const durations = items((run) => runDuration(run) ?? 0);
  const bytes = items((run) => run.bytes_transferred ?? 0);
  return h('section', { class: 'card chart-card' },
    heading,
    h('div', { class: 'chart-pair' },
      h('figure', { class: 'chart-figure' },
        h('figcaption', {}, t('stats.duration')),
        barChart({ items: durations, format: formatDuration, label: t('stats.durationLabel', { name: job.name, count: finished.length }) })),
      h('figure', { class: 'chart-figure' },
        h('figcaption', {}, t('stats.bytes')),
        barChart({ items: bytes, format: formatBytes, label: t('stats.bytesLabel', { name: job.name, count: finished.length }) }))),
    h('details', { class: 'chart-details' },
      h('summary', {}, t('stats.showTable')),
      chartTable({
        caption: t('stats.tableCaption', { name: job.name }),
        columns: [t('history.column.started'), t('history.column.status'), t('history.column.duration'), t('history.column.bytes')],
        rows: finished.map((run) => [formatDateTime(run.started_at), statusBadge(run.status),
          formatDuration(runDuration(run)), formatBytes(run.bytes_transferred)]),
      })));
}

export default async function statsView({ main }) {
  const count = select(runCounts.map((value) => [String(value), t('stats.lastRuns', { count: value })]),
    { class: 'input input-small', id: 'stats-count' });
  count.value = '20';
  const charts = h('div', { class: 'chart-list' });
  const legend = h('p', { class: 'chart-legend muted' },
    ['completed', 'partial', 'failed', 'cancelled'].map((status) => h('span', { class: 'legend-item' },
      h('span', { class: ['legend-swatch', `status-${status}`], 'aria-hidden': 'true' }), t(`status.${status}`))));
  replace(main,
    pageHeader(t('stats.title'), h('div', { class: 'field field-inline' },
      h('label', { htmlFor: 'stats-count', class: 'field-label' }, t('stats.runs')), count)),
    legend, charts);

  const load = async () => {
    try {
      const jobs = await api.get('/jobs');
      const runs = await Promise.all(jobs.map((job) => api.get(`/jobs/${job.id}/runs`, { query: { limit: count.value } })));
      if (jobs.length === 0) replace(charts, h('p', { class: 'muted card' }, t('stats.noJobs')));
      else replace(charts, jobs.map((job, index) => jobCharts(job, runs[index])));
    } catch (error) {
      errorToast(error);
    }
  };
  count.addEventListener('change', load);
  await load();
}
