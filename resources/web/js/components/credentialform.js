// The dialog that creates or edits a stored credential. The server never returns secret data,
// so editing only replaces it when the user asks to.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { checkbox, clearFieldErrors, field, formAlert, input, openDialog, select, showFieldErrors, withBusy } from '../ui.js';

export const credentialTypes = ['s3', 'sftp', 'webdav', 'google_drive', 'onedrive'];

// The secret fields per provider type, where `multiline` ones are text areas. SFTP has two methods.
const dataFields = {
  s3: [
    { key: 'access_key_id', required: true },
    { key: 'secret_access_key', required: true, secret: true },
    { key: 'session_token', secret: true },
  ],
  sftp_password: [{ key: 'password', required: true, secret: true }],
  sftp_key: [
    { key: 'private_key', required: true, secret: true, multiline: true },
    { key: 'passphrase', secret: true },
  ],
  webdav: [
    { key: 'username', required: true },
    { key: 'password', required: true, secret: true },
  ],
  oauth: [
    { key: 'access_token', required: true, secret: true },
    { key: 'refresh_token', required: true, secret: true },
    { key: 'expires_at', required: true, datetime: true },
    { key: 'token_type' },
  ],
};

function fieldSetFor(type, sftpMethod) {
  if (type === 'sftp') return dataFields[sftpMethod === 'key' ? 'sftp_key' : 'sftp_password'];
  if (type === 'google_drive' || type === 'onedrive') return dataFields.oauth;
  return dataFields[type] ?? [];
}

function buildControl(spec) {
  const props = { name: spec.key, autocomplete: 'off', spellcheck: false };
  if (spec.multiline) return h('textarea', { class: 'input input-code', rows: 6, ...props });
  if (spec.datetime) return input({ ...props, type: 'datetime-local', step: 1 });
  return input({ ...props, type: spec.secret ? 'password' : 'text' });
}

class CredentialForm {
  constructor(close, credential, providerType) {
    this.close = close;
    this.credential = credential;
    this.editing = Boolean(credential);
    this.alert = formAlert();
    this.name = input({ name: 'name', autocomplete: 'off', value: credential?.name ?? '', maxLength: 100 });
    this.type = select(credentialTypes.map((type) => [type, t(`destination.${type}`)]), { name: 'provider_type' });
    this.type.value = credential?.provider_type ?? providerType ?? 's3';
    this.type.disabled = this.editing || Boolean(providerType);
    this.sftpMethod = select([['password', t('credentials.sftpPassword')], ['key', t('credentials.sftpKey')]],
      { name: 'sftp_method' });
    this.replaceData = checkbox({ name: 'replace_data' });
    this.dataBox = h('div', { class: 'credential-data' });
    this.controls = new Map();
    this.submit = h('button', { type: 'submit', class: 'btn btn-primary' },
      this.editing ? t('common.save') : t('credentials.create'));
  }

  build() {
    this.type.addEventListener('change', () => this.renderData());
    this.sftpMethod.addEventListener('change', () => this.renderData());
    this.replaceData.addEventListener('change', () => this.renderData());
    const form = h('form', { class: 'form', novalidate: true },
      this.alert,
      field({ label: t('credentials.name'), control: this.name, fieldName: 'name' }),
      field({ label: t('credentials.type'), control: this.type, fieldName: 'provider_type' }),
      this.editing ? field({ label: t('credentials.replaceData'), control: this.replaceData,
        hint: t('credentials.replaceHint') }) : null,
      this.dataBox,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', onClick: () => this.close(null) }, t('common.cancel')),
        this.submit));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save(form);
    });
    this.renderData();
    return form;
  }

  renderData() {
    this.controls.clear();
    if (this.editing && !this.replaceData.checked) {
      replace(this.dataBox, h('p', { class: 'muted' }, t('credentials.dataKept')));
      return;
    }
    const type = this.type.value;
    const specs = fieldSetFor(type, this.sftpMethod.value);
    const rows = specs.map((spec) => {
      const control = buildControl(spec);
      this.controls.set(spec.key, { control, spec });
      const label = spec.required ? t(`credentials.field.${spec.key}`) : t('common.optionalLabel', {
        label: t(`credentials.field.${spec.key}`),
      });
      return field({ label, control, fieldName: `data.${spec.key}` });
    });
    replace(this.dataBox,
      type === 'sftp' ? field({ label: t('credentials.sftpMethod'), control: this.sftpMethod }) : null,
      type === 'google_drive' || type === 'onedrive' ? h('p', { class: 'field-hint' }, t('credentials.oauthHint')) : null,
      rows);
  }

  // Returns [data, errors]. The data leaves out empty optional fields, as the server expects.
  collectData() {
    const data = {};
    const errors = [];
    for (const [key, { control, spec }] of this.controls) {
      const value = spec.multiline ? control.value : control.value.trim();
      if (!value) {
        if (spec.required) errors.push([control, t('validation.required')]);
        continue;
      }
      if (spec.datetime) data[key] = Math.floor(new Date(value).getTime() / 1000);
      // Passwords and passphrases reach rclone obscured, so the server accepts any character in them.
      else if (!spec.multiline && !['password', 'passphrase'].includes(key) && /\p{Cc}/u.test(value)) {
        errors.push([control, t('validation.controlCharacters')]);
      }
      else data[key] = value;
    }
    return [data, errors];
  }

  async save(form) {
    clearFieldErrors(form);
    this.alert.show(null);
    const name = this.name.value.trim();
    const errors = name ? [] : [[this.name, t('validation.required')]];
    const [data, dataErrors] = this.controls.size ? this.collectData() : [null, []];
    if (showFieldErrors([...errors, ...dataErrors])) return;

    const body = { name };
    if (!this.editing) body.provider_type = this.type.value;
    if (data) body.data = data;
    await withBusy(this.submit, async () => {
      try {
        const saved = this.editing
          ? await api.put(`/credentials/${this.credential.id}`, body)
          : await api.post('/credentials', body);
        this.close(saved);
      } catch (error) {
        const control = error.field === 'name' ? this.name : this.controls.get(error.field?.replace(/^data\./, ''))?.control;
        if (control) showFieldErrors([[control, error.message]]);
        else this.alert.show(error.message);
      }
    });
  }
}

// Resolves with the saved credential, or null when cancelled. `providerType` fixes the type.
export function openCredentialDialog({ credential = null, providerType = null } = {}) {
  return openDialog({
    title: credential ? t('credentials.editTitle') : t('credentials.newTitle'),
    build: (close) => new CredentialForm(close, credential, providerType).build(),
  });
}
