// Account security: password change and two-factor authentication (TOTP) with its QR code and
// one-time recovery codes.

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import {
  clearFieldErrors, confirmAction, field, formAlert, input, showFieldErrors, toast, unavailableNotice, withBusy,
} from '../ui.js';
import { passwordErrors } from '../validation.js';

function passwordCard() {
  const current = input({ type: 'password', name: 'current_password', autocomplete: 'current-password' });
  const next = input({ type: 'password', name: 'new_password', autocomplete: 'new-password' });
  const confirm = input({ type: 'password', name: 'confirm_password', autocomplete: 'new-password' });
  const alert = formAlert();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('security.changePassword'));
  const form = h('form', { class: 'form', novalidate: true }, alert,
    field({ label: t('security.currentPassword'), control: current }),
    field({ label: t('security.newPassword'), control: next, hint: t('auth.passwordHint') }),
    field({ label: t('auth.confirmPassword'), control: confirm }),
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const errors = [[current, current.value ? null : t('validation.required')], ...passwordErrors(next, confirm)]
      .filter(([, message]) => message);
    if (showFieldErrors(errors)) return;
    await withBusy(submit, async () => {
      try {
        await api.post('/auth/change-password', { current_password: current.value, new_password: next.value });
        form.reset();
        toast(t('security.passwordChanged'));
      } catch (error) {
        if (error.status === 401 || error.status === 400) showFieldErrors([[current, error.message]]);
        alert.show(error.message);
      }
    });
  });
  return h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('security.password')),
    h('p', { class: 'muted' }, t('security.passwordIntro')), form);
}

function codeForm({ label, submitLabel, onSubmit, danger = false }) {
  const code = input({ name: 'code', autocomplete: 'one-time-code', inputMode: 'numeric', maxLength: 6, class: 'input input-code' });
  const alert = formAlert();
  const submit = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'] }, submitLabel);
  const form = h('form', { class: 'form form-inline', novalidate: true }, alert, field({ label, control: code }), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const value = code.value.replace(/\s+/g, '');
    if (showFieldErrors(/^\d{6}$/.test(value) ? [] : [[code, t('validation.totpCode')]])) return;
    await withBusy(submit, async () => {
      try {
        await onSubmit(value);
      } catch (error) {
        showFieldErrors([[code, error.message]]);
      }
    });
  });
  return form;
}

function recoveryCodes(codes, done) {
  const list = h('ol', { class: 'recovery-codes' }, codes.map((code) => h('li', { class: 'mono' }, code)));
  const copy = h('button', { type: 'button', class: 'btn' }, t('security.copyCodes'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      toast(t('security.codesCopied'));
    } catch {
      toast(t('security.copyFailed'), { kind: 'warning' });
    }
  });
  return h('div', { class: 'recovery' },
    h('p', { class: 'notice notice-warning', role: 'alert' }, t('security.recoveryWarning')),
    list,
    h('div', { class: 'form-actions' }, copy,
      h('button', { type: 'button', class: 'btn btn-primary', onClick: done }, t('security.codesSaved'))));
}

class TwoFactorCard {
  constructor(app) {
    this.app = app;
    this.body = h('div');
    this.element = h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('security.twoFactor')), this.body);
  }

  async refresh() {
    try {
      const status = await api.get('/auth/totp/status');
      if (status.enabled) this.showEnabled();
      else this.showDisabled();
    } catch (error) {
      if (error instanceof ApiError && error.routeMissing) replace(this.body, unavailableNotice(t('security.totpUnavailable')));
      else replace(this.body, h('p', { class: 'notice notice-error' }, error.message));
    }
  }

  showDisabled() {
    const start = h('button', { type: 'button', class: 'btn btn-primary' }, t('security.enable2fa'));
    start.addEventListener('click', () => withBusy(start, () => this.enroll()));
    replace(this.body,
      h('p', {}, h('span', { class: 'badge badge-muted' }, t('security.off')), ' ', t('security.offText')),
      start);
  }

  async enroll() {
    let setup;
    try {
      setup = await api.post('/auth/totp/setup');
    } catch (error) {
      toast(error.message, { kind: 'error' });
      return;
    }
    const cancel = h('button', { type: 'button', class: 'btn', onClick: () => this.showDisabled() }, t('common.cancel'));
    replace(this.body,
      h('ol', { class: 'steps' },
        h('li', {}, t('security.step1')),
        h('li', {}, t('security.step2'),
          h('div', { class: 'totp-setup' },
            h('img', { src: setup.qr_code, alt: t('security.qrAlt'), class: 'qr-code', width: 200, height: 200 }),
            h('div', {},
              h('p', {}, t('security.manualEntry')),
              h('p', { class: 'mono secret', dataset: { secret: 'totp' } }, setup.secret)))),
        h('li', {}, t('security.step3'),
          codeForm({
            label: t('security.code'),
            submitLabel: t('security.confirmEnable'),
            onSubmit: async (code) => {
              const result = await api.post('/auth/totp/enable', { secret: setup.secret, code });
              toast(t('security.enabled'));
              replace(this.body, recoveryCodes(result.recovery_codes ?? [], () => this.refresh()));
            },
          }))),
      cancel);
  }

  showEnabled() {
    const disable = codeForm({
      label: t('security.codeToDisable'),
      submitLabel: t('security.disable2fa'),
      danger: true,
      onSubmit: async (code) => {
        const confirmed = await confirmAction({
          title: t('security.disableTitle'),
          message: t('security.disableMessage'),
          confirmLabel: t('security.disable2fa'),
        });
        if (!confirmed) return;
        await api.post('/auth/totp/disable', { code });
        toast(t('security.disabled'));
        await this.refresh();
      },
    });
    replace(this.body,
      h('p', {}, h('span', { class: 'badge status-completed' }, t('security.on')), ' ', t('security.onText')),
      disable);
  }
}

export default async function securitySection(app) {
  const twoFactor = new TwoFactorCard(app);
  await twoFactor.refresh();
  return [passwordCard(), twoFactor.element];
}
