// A dialog that browses the server's folders (GET /system/browse, inside the allowed roots) and
// returns the chosen folder's path. It can also create a folder (POST /system/mkdir).

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { formatBytes } from '../format.js';
import { t } from '../i18n.js';
import { field, formAlert, input, openDialog, select, unavailableNotice, withBusy } from '../ui.js';

class FolderBrowser {
  constructor(close, initialPath) {
    this.close = close;
    this.path = initialPath || null;
    this.parent = null;
    this.roots = [];
    this.alert = formAlert();
    this.current = h('p', { class: 'browser-path', 'aria-live': 'polite' });
    this.list = h('ul', { class: 'browser-list', 'aria-label': t('browser.entries') });
    this.rootSelect = select([], { 'aria-label': t('browser.roots'), class: 'input input-small' });
    this.rootSelect.addEventListener('change', () => this.open(this.rootSelect.value));
    this.up = h('button', { type: 'button', class: 'btn btn-small', onClick: () => this.open(this.parent) },
      t('browser.up'));
    this.choose = h('button', { type: 'button', class: 'btn btn-primary', onClick: () => close(this.path) },
      t('browser.choose'));
    this.body = h('div', { class: 'browser' });
  }

  build() {
    replace(this.body,
      h('div', { class: 'browser-toolbar' }, this.rootSelect, this.up, this.newFolderForm()),
      this.current,
      this.alert,
      this.list,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onClick: () => this.close(null) }, t('common.cancel')),
        this.choose));
    this.start();
    return this.body;
  }

  async start() {
    try {
      const allowed = await api.get('/system/allowed-paths');
      this.roots = allowed.paths ?? [];
      replace(this.rootSelect, this.roots.map((root) => h('option', { value: root }, root)));
    } catch (error) {
      if (this.showUnavailable(error)) return;
    }
    await this.open(this.path);
  }

  showUnavailable(error) {
    if (!(error instanceof ApiError && error.routeMissing)) return false;
    replace(this.body, unavailableNotice(t('browser.unavailable')),
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onClick: () => this.close(null) }, t('common.close'))));
    return true;
  }

  async open(path) {
    this.alert.show(null);
    let listing;
    try {
      listing = await api.get('/system/browse', { query: { path: path || undefined } });
    } catch (error) {
      if (this.showUnavailable(error)) return;
      this.alert.show(error.message);
      // A path outside the roots (or gone) falls back to the first root once.
      if (path && this.roots.length && path !== this.roots[0]) await this.open(this.roots[0]);
      return;
    }
    this.path = listing.path;
    this.parent = listing.parent;
    this.current.textContent = t('browser.current', { path: listing.path });
    this.up.disabled = !listing.parent;
    const root = this.roots.find((item) => listing.path === item || listing.path.startsWith(`${item}/`));
    if (root) this.rootSelect.value = root;
    this.renderEntries(listing.entries ?? []);
  }

  renderEntries(entries) {
    const sorted = [...entries].sort((a, b) => (b.is_dir - a.is_dir) || a.name.localeCompare(b.name));
    if (sorted.length === 0) {
      replace(this.list, h('li', { class: 'muted browser-empty' }, t('browser.empty')));
      return;
    }
    replace(this.list, sorted.map((entry) => h('li', {},
      entry.is_dir
        ? h('button', { type: 'button', class: 'browser-entry is-dir', onClick: () => this.open(entry.path) },
          entry.name)
        : h('span', { class: 'browser-entry is-file' },
          entry.name,
          entry.size !== null && entry.size !== undefined
            ? h('span', { class: 'muted entry-size' }, formatBytes(entry.size)) : null))));
  }

  newFolderForm() {
    const name = input({ name: 'folder', autocomplete: 'off', class: 'input input-small' });
    const create = h('button', { type: 'submit', class: 'btn btn-small' }, t('browser.create'));
    const form = h('form', { class: 'browser-mkdir', novalidate: true },
      field({ label: t('browser.newFolder'), control: name, className: 'field-inline' }), create);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const folder = name.value.trim();
      if (!folder || folder.includes('/') || folder === '.' || folder === '..') {
        this.alert.show(t('browser.invalidName'));
        return;
      }
      await withBusy(create, async () => {
        try {
          const created = await api.post('/system/mkdir', { path: `${this.path.replace(/\/$/, '')}/${folder}` });
          name.value = '';
          await this.open(created.path);
        } catch (error) {
          this.alert.show(error.message);
        }
      });
    });
    return form;
  }
}

// Resolves with the chosen folder's path, or null when cancelled.
export function pickFolder({ title, initialPath } = {}) {
  return openDialog({
    title: title ?? t('browser.title'),
    className: 'dialog-wide',
    build: (close) => new FolderBrowser(close, initialPath).build(),
  });
}
