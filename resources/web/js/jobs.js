// Job actions shared by the dashboard and the editor: run, cancel, clone, delete, and the
// next-run lookup that needs the schedule routes.

import { ApiError, api, optional, MISSING } from './api.js';
import { h } from './dom.js';
import { has, t } from './i18n.js';
import { formatBytes, formatNumber } from './format.js';
import { confirmAction, errorToast, openDialog, toast } from './ui.js';

export const destinationTypes = ['local', 's3', 'google_drive', 'onedrive', 'sftp', 'webdav'];

// The providers the server offers, or the six of the reference when GET /providers is not built.
export async function loadProviders() {
  const providers = await optional(() => api.get('/providers'));
  if (providers !== MISSING && Array.isArray(providers)) return providers;
  return destinationTypes.map((type) => ({ type, name: null, requires_credentials: type !== 'local' }));
}

// The translated name of a destination type, else the server's name for a type it added.
export function providerName(type, providers = []) {
  if (has(`destination.${type}`)) return t(`destination.${type}`);
  return providers.find((provider) => provider.type === type)?.name || type;
}

export async function runJob(job) {
  try {
    const result = await api.post(`/jobs/${job.id}/run`);
    toast(t('jobs.started', { name: job.name }), {
      kind: 'info',
      action: h('a', { href: `/runs/${result.run_id}`, class: 'toast-link' }, t('toast.viewLog')),
    });
    return result;
  } catch (error) {
    errorToast(error);
    return null;
  }
}

export async function cancelJob(job) {
  const confirmed = await confirmAction({
    title: t('jobs.cancelTitle'),
    message: t('jobs.cancelMessage', { name: job.name }),
    confirmLabel: t('jobs.cancelConfirm'),
  });
  if (!confirmed) return false;
  try {
    await api.post(`/jobs/${job.id}/cancel`);
    toast(t('jobs.cancelled', { name: job.name }), { kind: 'info' });
    return true;
  } catch (error) {
    errorToast(error);
    return false;
  }
}

export async function cloneJob(job) {
  try {
    const copy = await api.post(`/jobs/${job.id}/clone`);
    toast(t('jobs.cloned', { name: copy.name }));
    return copy;
  } catch (error) {
    errorToast(error);
    return null;
  }
}

export async function deleteJob(job) {
  const confirmed = await confirmAction({
    title: t('jobs.deleteTitle'),
    message: t('jobs.deleteMessage', { name: job.name }),
    confirmLabel: t('jobs.deleteConfirm'),
  });
  if (!confirmed) return false;
  try {
    await api.del(`/jobs/${job.id}`);
    toast(t('jobs.deleted', { name: job.name }));
    return true;
  } catch (error) {
    errorToast(error);
    return false;
  }
}

// The job's schedules with next_run, or MISSING when the schedule routes are not built yet.
export async function loadSchedules(job) {
  try {
    return await api.get(`/jobs/${job.id}/schedules`);
  } catch (error) {
    if (error instanceof ApiError && error.routeMissing) return MISSING;
    throw error;
  }
}

// The earliest next_run of the enabled schedules, or null.
export function nextRunOf(schedules) {
  const times = (schedules ?? [])
    .filter((schedule) => schedule.enabled !== false && schedule.next_run)
    .map((schedule) => schedule.next_run)
    .sort();
  return times[0] ?? null;
}

const previewPathLimit = 50;

function pathList(title, paths) {
  if (!paths?.length) return null;
  const visiblePaths = paths.slice(0, previewPathLimit);
  return h('details', { class: 'preview-paths' },
    h('summary', {}, title),
    h('ul', { class: 'mono small' }, visiblePaths.map((path) => h('li', {}, path))),
    paths.length > visiblePaths.length ? h('p', { class: 'muted' }, t('preview.more', { count: paths.length - shown.length })) : null);
}

function previewBody(preview) {
  const fact = (label, value) => h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
  const fits = preview.fits === null || preview.fits === undefined ? null
    : h('p', { class: ['notice', preview.fits ? 'notice-success' : 'notice-error'] },
      preview.fits ? t('preview.fits') : t('preview.doesNotFit'));
  return [
    h('dl', { class: 'job-facts' },
      fact(t('preview.destination'), preview.destination ?? ''),
      fact(t('preview.filesToCopy'), formatNumber(preview.files_to_copy)),
      fact(t('preview.bytesToCopy'), formatBytes(preview.bytes_to_copy)),
      fact(t('preview.filesToDelete'), formatNumber(preview.files_to_delete)),
      fact(t('preview.freeSpace'), preview.free_bytes === null ? t('common.none') : formatBytes(preview.free_bytes))),
    fits,
    pathList(t('preview.pathsToCopy'), preview.paths_to_copy),
    pathList(t('preview.pathsToDelete'), preview.paths_to_delete),
  ];
}

// Shows what a run would copy and delete (POST /jobs/:id/preview, an rsync dry run).
export async function previewJob(job) {
  let preview;
  try {
    preview = await api.post(`/jobs/${job.id}/preview`);
  } catch (error) {
    errorToast(error);
    return;
  }
  await openDialog({
    title: t('preview.title', { name: job.name }),
    className: 'dialog-wide',
    build: (close) => h('div', {}, previewBody(preview),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', onClick: () => close(null) }, t('common.close')))),
  });
}
