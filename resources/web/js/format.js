// Formats times, sizes and durations for the current language. Times always carry their zone:
// the browser's zone unless a schedule names another one.

import { h } from './dom.js';
import { locale, t } from './i18n.js';

export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function parseTime(iso) {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

// Formats a time as "Mon, 5 Jan 2026, 02:15 CET", in `timeZone` or else the browser's zone.
export function formatDateTime(iso, { timeZone, seconds = false } = {}) {
  const date = parseTime(iso);
  if (!date) return t('common.none');
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: undefined,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    timeZoneName: 'short',
    timeZone: timeZone || undefined,
  }).format(date);
}

// "02:15:03.120", for log lines, in the browser's zone (the zone is shown once above the log).
export function formatClock(iso) {
  const date = parseTime(iso);
  if (!date) return '';
  return new Intl.DateTimeFormat(locale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
  }).format(date);
}

// A <time> element whose text has the zone and whose datetime attribute is the exact instant.
export function timeElement(iso, options) {
  if (!parseTime(iso)) return h('span', { class: 'muted' }, t('common.none'));
  return h('time', { dateTime: iso, title: iso }, formatDateTime(iso, options));
}

// "1 h 2 min 5 s" with the language's unit names.
export function formatDuration(milliseconds) {
  if (milliseconds === null || milliseconds === undefined || milliseconds < 0) return t('common.none');
  let seconds = Math.round(milliseconds / 1000);
  const parts = [];
  for (const [unit, size] of [['hour', 3600], ['minute', 60]]) {
    if (seconds >= size) {
      parts.push(unitFormat(unit).format(Math.floor(seconds / size)));
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(unitFormat('second').format(seconds));
  return parts.join(' ');
}

function unitFormat(unit) {
  return new Intl.NumberFormat(locale(), { style: 'unit', unit, unitDisplay: 'short' });
}

const byteUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];

// Bytes in powers of 1000, as Intl's unit names (kB, MB) mean, with one decimal: "1.5 MB".
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return t('common.none');
  let value = Number(bytes);
  let index = 0;
  while (value >= 1000 && index < byteUnits.length - 1) {
    value /= 1000;
    index += 1;
  }
  return new Intl.NumberFormat(locale(), {
    style: 'unit',
    unit: byteUnits[index],
    unitDisplay: 'short',
    maximumFractionDigits: index === 0 ? 0 : 1,
  }).format(value);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale()).format(value ?? 0);
}

// Milliseconds between a run's start and end (or now, while it runs), or null before it starts.
export function runDuration(run) {
  const started = parseTime(run.started_at);
  if (!started) return null;
  const ended = parseTime(run.completed_at) ?? new Date();
  return Math.max(0, ended - started);
}
