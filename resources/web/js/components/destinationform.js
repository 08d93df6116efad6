// The destination part of the job editor: the type, its config fields (the six forms of the
// API's destination table), the credential picker and "Test connection".

import { api, ApiError, MISSING, optional } from '../api.js';
import { h, replace, uniqueId } from '../dom.js';
import { has, t } from '../i18n.js';
import { destinationTypes, providerName } from '../jobs.js';
import { checkbox, field, input, select, setFieldError, unavailableNotice, withBusy } from '../ui.js';
import { absolutePathError, integerError } from '../validation.js';
import { openCredentialDialog } from './credentialform.js';
import { pickFolder } from './filebrowser.js';

const storageClasses = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING',
  'GLACIER', 'GLACIER_IR', 'DEEP_ARCHIVE'];
const webDavVendors = ['other', 'nextcloud', 'owncloud', 'sharepoint', 'sharepoint-ntlm', 'rclone'];

// The config fields per destination type, in form order. Optional text fields left empty are
// not sent, so the server applies its default.
const destinationFields = {
  local: [
    { key: 'mount_point', kind: 'path', required: true },
    { key: 'backup_subdir', kind: 'text' },
    { key: 'usb_uuid', kind: 'drive' },
    { key: 'auto_mount', kind: 'bool' },
    { key: 'auto_unmount', kind: 'bool' },
  ],
  s3: [
    { key: 'bucket', kind: 'text', required: true },
    { key: 'prefix', kind: 'text' },
    { key: 'region', kind: 'text', placeholder: 'us-east-1' },
    { key: 'endpoint', kind: 'url' },
    { key: 'storage_class', kind: 'select', options: storageClasses, empty: true },
  ],
  google_drive: [
    { key: 'folder_id', kind: 'text', required: true },
    { key: 'shared_drive_id', kind: 'text' },
  ],
  onedrive: [
    { key: 'folder_path', kind: 'text', required: true },
    { key: 'drive_id', kind: 'text' },
  ],
  sftp: [
    { key: 'host', kind: 'text', required: true },
    { key: 'port', kind: 'number', min: 1, max: 65535, placeholder: '22' },
    { key: 'username', kind: 'text', required: true },
    { key: 'remote_path', kind: 'text', required: true },
    { key: 'key_based_auth', kind: 'bool' },
    { key: 'host_key_fingerprint', kind: 'text', placeholder: 'SHA256:…' },
  ],
  webdav: [
    { key: 'url', kind: 'url', required: true, placeholder: 'https://' },
    { key: 'remote_path', kind: 'text' },
    { key: 'vendor', kind: 'select', options: webDavVendors },
  ],
};

function labelFor(spec) {
  const label = t(`destination.field.${spec.key}`);
  return spec.required || spec.kind === 'bool' ? label : t('common.optionalLabel', { label });
}

export class DestinationForm {
  constructor({ job, providers, credentials, drivesPromise }) {
    this.providers = providers;
    this.credentials = credentials;
    this.drivesPromise = drivesPromise;
    this.type = select(destinationTypes.map((type) => [type, providerName(type, providers)]),
      { name: 'destination_type' });
    this.type.value = job?.destination_type ?? 'local';
    // Values typed for each type, so switching back and forth keeps them.
    this.values = { [this.type.value]: { ...(job?.destination_config ?? {}) } };
    this.credentialId = job?.credential_id ?? null;
    this.controls = new Map();
    this.fieldsBox = h('div', { class: 'destination-fields' });
    this.credentialBox = h('div', { class: 'credential-picker' });
    this.testResult = h('div', { class: 'test-result', 'aria-live': 'polite' });
    this.testButton = h('button', { type: 'button', class: 'btn', onClick: () => this.testConnection() },
      t('destination.test'));
    this.listeners = new Set();
  }

  onTypeChange(listener) {
    this.listeners.add(listener);
  }

  build() {
    this.type.addEventListener('change', () => {
      this.values[this.previousType] = this.readValues();
      this.credentialId = null;
      this.render();
      for (const listener of this.listeners) listener(this.type.value);
    });
    this.element = h('div', {},
      field({ label: t('destination.type'), control: this.type, fieldName: 'destination_type' }),
      this.fieldsBox,
      this.credentialBox,
      h('div', { class: 'test-connection' }, this.testButton, this.testResult));
    this.render();
    return this.element;
  }

  render() {
    this.previousType = this.type.value;
    this.controls.clear();
    const values = this.values[this.type.value] ?? {};
    replace(this.fieldsBox, destinationFields[this.type.value].map((spec) => this.buildField(spec, values[spec.key])));
    replace(this.testResult);
    this.renderCredentials();
  }

  buildField(spec, value) {
    const control = this.buildControl(spec, value);
    this.controls.set(spec.key, { control, spec });
    const hintKey = `destination.hint.${spec.key}`;
    const wrapper = field({ label: labelFor(spec), control, fieldName: `destination_config.${spec.key}`,
      hint: has(hintKey) ? t(hintKey) : null });
    if (control.datalist) wrapper.append(control.datalist);
    if (spec.kind === 'path') {
      const browse = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('destination.browseMount') },
        t('common.browse'));
      browse.addEventListener('click', async () => {
        const path = await pickFolder({ initialPath: control.value.trim() || null });
        if (path) control.value = path;
      });
      wrapper.querySelector('.input').after(browse);
      wrapper.classList.add('field-with-button');
    }
    return wrapper;
  }

  buildControl(spec, value) {
    const props = { name: spec.key, placeholder: spec.placeholder, spellcheck: false, autocomplete: 'off' };
    if (spec.kind === 'bool') return checkbox({ name: spec.key, checked: Boolean(value) });
    if (spec.kind === 'select') {
      const options = spec.options.map((option) => [option, t(`destination.option.${option}`)]);
      const control = select(spec.empty ? [['', t('destination.option.default')], ...options] : options, props);
      control.value = value ?? (spec.empty ? '' : spec.options[0]);
      return control;
    }
    if (spec.kind === 'number') return input({ ...props, type: 'number', min: spec.min, max: spec.max, value: value ?? '' });
    if (spec.kind === 'drive') return this.driveControl(props, value);
    return input({ ...props, type: spec.kind === 'url' ? 'url' : 'text', value: value ?? '' });
  }

  // A text field for the filesystem UUID with the server's drives as suggestions.
  driveControl(props, value) {
    const listId = uniqueId('drives');
    const list = h('datalist', { id: listId });
    const control = input({ ...props, value: value ?? '', list: listId });
    this.drivesPromise.then((drives) => {
      if (!Array.isArray(drives)) return;
      replace(list, drives.filter((drive) => drive.uuid).map((drive) => h('option', {
        value: drive.uuid,
        label: [drive.label, drive.name, drive.size].filter(Boolean).join(' · '),
      })));
    });
    control.datalist = list;
    return control;
  }

  renderCredentials() {
    const type = this.type.value;
    const provider = this.providers.find((item) => item.type === type);
    const needsCredential = provider ? provider.requires_credentials : type !== 'local';
    if (!needsCredential) {
      replace(this.credentialBox);
      this.credentialSelect = null;
      return;
    }
    if (this.credentials === MISSING) {
      replace(this.credentialBox, unavailableNotice(t('credentials.unavailable')));
      this.credentialSelect = null;
      return;
    }
    const matching = this.credentials.filter((credential) => credential.provider_type === type);
    this.credentialSelect = select([['', t('destination.noCredential')],
      ...matching.map((credential) => [String(credential.id), credential.name])], { name: 'credential_id' });
    this.credentialSelect.value = this.credentialId ? String(this.credentialId) : '';
    this.credentialSelect.addEventListener('change', () => {
      this.credentialId = this.credentialSelect.value ? Number(this.credentialSelect.value) : null;
    });
    const create = h('button', { type: 'button', class: 'btn btn-small' }, t('destination.newCredential'));
    create.addEventListener('click', async () => {
      const credential = await openCredentialDialog({ providerType: type });
      if (!credential) return;
      this.credentials.push(credential);
      this.credentialId = credential.id;
      this.renderCredentials();
    });
    const wrapper = field({ label: t('destination.credential'), control: this.credentialSelect, fieldName: 'credential_id' });
    wrapper.querySelector('select').after(create);
    wrapper.classList.add('field-with-button');
    replace(this.credentialBox, wrapper);
  }

  readValues() {
    const values = {};
    for (const [key, { control, spec }] of this.controls) {
      values[key] = spec.kind === 'bool' ? control.checked : control.value;
    }
    return values;
  }

  // The destination_config object: booleans always, numbers as numbers, empty optionals left out.
  config() {
    const config = {};
    for (const [key, { control, spec }] of this.controls) {
      if (spec.kind === 'bool') {
        config[key] = control.checked;
        continue;
      }
      const value = control.value.trim();
      if (value === '') continue;
      config[key] = spec.kind === 'number' ? Number(value) : value;
    }
    return config;
  }

  // Returns [control, message] pairs for the config fields.
  validate() {
    const errors = [];
    for (const [, { control, spec }] of this.controls) {
      if (spec.kind === 'bool') continue;
      const value = control.value.trim();
      let message = null;
      if (spec.required && !value) message = t('validation.required');
      else if (spec.kind === 'path') message = absolutePathError(value);
      else if (spec.kind === 'number') message = integerError(value, { min: spec.min, max: spec.max });
      else if (spec.kind === 'url' && value && !/^https?:\/\/\S+$/i.test(value)) message = t('validation.url');
      if (message) errors.push([control, message]);
    }
    return errors;
  }

  controlFor(fieldName) {
    if (fieldName === 'destination_type') return this.type;
    if (fieldName === 'credential_id') return this.credentialSelect;
    const key = fieldName?.replace(/^destination_config\./, '');
    return this.controls.get(key)?.control ?? null;
  }

  body() {
    return {
      destination_type: this.type.value,
      destination_config: this.config(),
      credential_id: this.credentialSelect && this.credentialId ? this.credentialId : null,
    };
  }

  async testConnection() {
    const errors = this.validate();
    for (const [control, message] of errors) setFieldError(control, message);
    if (errors.length) {
      errors[0][0].focus();
      return;
    }
    await withBusy(this.testButton, async () => {
      replace(this.testResult, h('span', { class: 'muted' }, t('destination.testing')));
      const body = this.body();
      if (body.credential_id === null) delete body.credential_id;
      try {
        const result = await api.post('/providers/test', body);
        replace(this.testResult, h('p', { class: ['notice', result.success ? 'notice-success' : 'notice-error'] },
          result.success ? t('destination.testOk') : t('destination.testFailed'), ' ', result.message ?? ''));
      } catch (error) {
        const text = error instanceof ApiError && error.routeMissing ? t('destination.testUnavailable') : error.message;
        replace(this.testResult, h('p', { class: 'notice notice-error' }, text));
      }
    });
  }
}

// The server's drives for the UUID suggestions, or MISSING.
export function loadDrives() {
  return optional(() => api.get('/system/drives')).catch(() => MISSING);
}
