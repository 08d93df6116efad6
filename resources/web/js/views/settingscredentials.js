// The credentials manager: stored credentials with the jobs that use them. The server never
// returns their secret data.

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { timeElement } from '../format.js';
import { t } from '../i18n.js';
import { openCredentialDialog } from '../components/credentialform.js';
import { confirmAction, errorToast, toast, unavailableNotice } from '../ui.js';

class CredentialsCard {
  constructor() {
    this.list = h('div', { class: 'credential-list' });
    const add = h('button', { type: 'button', class: 'btn btn-primary' }, t('credentials.add'));
    add.addEventListener('click', async () => {
      const created = await openCredentialDialog();
      if (!created) return;
      toast(t('credentials.created', { name: created.name }));
      await this.refresh();
    });
    this.element = h('section', { class: 'card' },
      h('div', { class: 'section-header' }, h('h2', { class: 'section-title' }, t('credentials.title')), add),
      h('p', { class: 'muted' }, t('credentials.intro')),
      this.list);
    this.add = add;
  }

  async refresh() {
    let credentials;
    try {
      credentials = await api.get('/credentials');
    } catch (error) {
      if (error instanceof ApiError && error.routeMissing) {
        this.add.hidden = true;
        replace(this.list, unavailableNotice(t('credentials.unavailable')));
        return;
      }
      throw error;
    }
    const usages = await Promise.all(credentials.map((credential) =>
      api.get(`/credentials/${credential.id}/usage`).then((usage) => usage.jobs ?? [], () => null)));
    if (credentials.length === 0) {
      replace(this.list, h('p', { class: 'muted' }, t('credentials.none')));
      return;
    }
    replace(this.list, h('ul', { class: 'credential-items' },
      credentials.map((credential, index) => this.item(credential, usages[index]))));
  }

  item(credential, jobs) {
    const usage = jobs === null
      ? h('span', { class: 'muted' }, t('credentials.usageUnknown'))
      : jobs.length === 0
        ? h('span', { class: 'muted' }, t('credentials.unused'))
        : h('span', {}, t('credentials.usedBy', { count: jobs.length }), ' ',
          jobs.map((job, index) => [index ? ', ' : '', h('a', { href: `/jobs/${job.id}/edit` }, job.name)]));
    const edit = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('credentials.editLabel', { name: credential.name }) },
      t('common.edit'));
    edit.addEventListener('click', async () => {
      const saved = await openCredentialDialog({ credential });
      if (!saved) return;
      toast(t('credentials.updated', { name: saved.name }));
      await this.refresh();
    });
    const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger-outline',
      'aria-label': t('credentials.deleteLabel', { name: credential.name }) }, t('common.delete'));
    remove.addEventListener('click', () => this.remove(credential));
    return h('li', { class: 'credential-item', dataset: { credentialId: credential.id } },
      h('div', { class: 'credential-main' },
        h('strong', {}, credential.name), ' ',
        h('span', { class: 'chip' }, t(`destination.${credential.provider_type}`))),
      h('div', { class: 'credential-usage' }, usage),
      h('div', { class: 'muted small' }, t('credentials.updatedAt'), ' ', timeElement(credential.updated_at)),
      h('div', { class: 'row-actions' }, edit, remove));
  }

  async remove(credential) {
    const confirmed = await confirmAction({
      title: t('credentials.deleteTitle'),
      message: t('credentials.deleteMessage', { name: credential.name }),
      confirmLabel: t('common.delete'),
    });
    if (!confirmed) return;
    try {
      await api.del(`/credentials/${credential.id}`);
      toast(t('credentials.deleted', { name: credential.name }));
      await this.refresh();
    } catch (error) {
      // 409 names the jobs that still use it.
      const jobs = error.body?.jobs;
      const message = error.status === 409 && Array.isArray(jobs)
        ? t('credentials.inUse', { message: error.body.error ?? error.message, jobs: jobs.join(', ') })
        : error.message;
      errorToast(new Error(message));
    }
  }
}

export default async function credentialsSection() {
  const card = new CredentialsCard();
  await card.refresh();
  return [card.element];
}
