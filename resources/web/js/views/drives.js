// Drives and mounts: the server's removable drives with mount and unmount, and its current
// mount points.

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { pickFolder } from '../components/filebrowser.js';
import {
  clearFieldErrors, confirmAction, errorToast, field, formAlert, input, openDialog, pageHeader, showFieldErrors, toast,
  unavailableNotice, withBusy,
} from '../ui.js';
import { absolutePathError } from '../validation.js';

// The mount points the server never unmounts: the system's own file systems.
function isSystemMountPoint(path) {
  return ['/', '/usr', '/var', '/boot'].includes(path) || path.startsWith('/boot/');
}

function table(caption, columns, rows, emptyText) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))),
    h('tbody', {}, rows.length
      ? rows
      : h('tr', {}, h('td', { colSpan: columns.length, class: 'muted empty-cell' }, emptyText)))));
}

function mountDialog(drive) {
  return openDialog({
    title: t('drives.mountTitle', { name: drive.label || drive.name }),
    build: (close) => {
      const path = input({ name: 'mount_point', value: `/mnt/${drive.label || drive.name}`, spellcheck: false });
      const alert = formAlert();
      const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('drives.mount'));
      const browse = h('button', { type: 'button', class: 'btn btn-small' }, t('common.browse'));
      browse.addEventListener('click', async () => {
        const chosen = await pickFolder({ initialPath: path.value });
        if (chosen) path.value = chosen;
      });
      const wrapper = field({ label: t('drives.mountPoint'), control: path, hint: t('drives.mountPointHint'),
        className: 'field-with-button' });
      path.after(browse);
      const form = h('form', { class: 'form', novalidate: true }, alert, wrapper,
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'btn', onClick: () => close(null) }, t('common.cancel')), submit));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        clearFieldErrors(form);
        const error = absolutePathError(path.value);
        if (showFieldErrors(error ? [[path, error]] : [])) return;
        await withBusy(submit, async () => {
          try {
            close(await api.post('/system/mount', { uuid: drive.uuid, mount_point: path.value.trim() }));
          } catch (failure) {
            alert.show(failure.message);
          }
        });
      });
      return form;
    },
  });
}

async function unmount(mountPoint, reload) {
  const confirmed = await confirmAction({
    title: t('drives.unmountTitle'),
    message: t('drives.unmountMessage', { path: mountPoint }),
    confirmLabel: t('drives.unmount'),
  });
  if (!confirmed) return;
  try {
    await api.post('/system/unmount', { mount_point: mountPoint });
    toast(t('drives.unmounted', { path: mountPoint }));
    await reload();
  } catch (error) {
    errorToast(error);
  }
}

function driveRows(drives, reload) {
  return drives.map((drive) => h('tr', {},
    h('td', {}, drive.label || h('span', { class: 'muted' }, t('common.none'))),
    h('td', {}, drive.name),
    h('td', { class: 'mono' }, drive.uuid ?? ''),
    h('td', {}, drive.fstype ?? ''),
    h('td', { class: 'numeric' }, drive.size ?? ''),
    h('td', {}, drive.mountpoint ?? h('span', { class: 'muted' }, t('drives.notMounted'))),
    h('td', { class: 'row-actions' }, drive.mountpoint
      ? h('button', { type: 'button', class: 'btn btn-small', onClick: () => unmount(drive.mountpoint, reload),
        'aria-label': t('drives.unmountLabel', { name: drive.label || drive.name }) }, t('drives.unmount'))
      : h('button', {
        type: 'button', class: 'btn btn-small btn-primary', disabled: !drive.uuid,
        'aria-label': t('drives.mountLabel', { name: drive.label || drive.name }),
        onClick: async () => {
          const result = await mountDialog(drive);
          if (!result) return;
          toast(t('drives.mounted', { path: result.mount_point }));
          await reload();
        },
      }, t('drives.mount')))));
}

function mountRows(mounts, reload) {
  return mounts.map((mount) => h('tr', {},
    h('td', { class: 'mono' }, mount.device),
    h('td', { class: 'mono' }, mount.mountpoint),
    h('td', {}, mount.fstype),
    h('td', { class: 'mono small' }, mount.options),
    h('td', { class: 'row-actions' }, isSystemMountPoint(mount.mountpoint)
      ? h('span', { class: 'muted small' }, t('drives.systemMount'))
      : h('button', { type: 'button', class: 'btn btn-small', onClick: () => unmount(mount.mountpoint, reload),
        'aria-label': t('drives.unmountLabel', { name: mount.mountpoint }) }, t('drives.unmount')))));
}

async function section(title, load, render) {
  try {
    return h('section', { class: 'card' }, h('h2', { class: 'section-title' }, title), render(await load()));
  } catch (error) {
    const message = error instanceof ApiError && error.routeMissing ? unavailableNotice(t('drives.unavailable'))
      : h('p', { class: 'notice notice-error' }, error.message);
    return h('section', { class: 'card' }, h('h2', { class: 'section-title' }, title), message);
  }
}

export default async function drivesView({ main }) {
  const content = h('div', { class: 'stack' });
  const refresh = h('button', { type: 'button', class: 'btn' }, t('common.refresh'));
  replace(main, pageHeader(t('drives.title'), refresh), h('p', { class: 'muted' }, t('drives.intro')), content);

  const reload = async () => {
    const columns = ['label', 'name', 'uuid', 'fstype', 'size', 'mountpoint', 'actions'].map((key) => t(`drives.column.${key}`));
    const mountColumns = ['device', 'mountpoint', 'fstype', 'options', 'actions'].map((key) => t(`drives.column.${key}`));
    const sections = await Promise.all([
      section(t('drives.drives'), () => api.get('/system/drives'),
        (drives) => table(t('drives.drives'), columns, driveRows(drives, reload), t('drives.noDrives'))),
      section(t('drives.mounts'), () => api.get('/system/mounts'),
        (mounts) => table(t('drives.mounts'), mountColumns, mountRows(mounts, reload), t('drives.noMounts'))),
    ]);
    replace(content, sections);
  };
  refresh.addEventListener('click', () => withBusy(refresh, reload));
  await reload();
}
