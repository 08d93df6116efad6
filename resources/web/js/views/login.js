// Login: user name and password, then, when 2FA is on, a TOTP code or a recovery code.
// A 429 from the rate limiter shows the server's message and blocks the form until the
// lockout ends.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { clearFieldErrors, field, formAlert, input, showFieldErrors, toast, withBusy } from '../ui.js';

function lockout(alert, submit, error) {
  let remaining = error.retryAfter ?? 60;
  const base = error.message;
  submit.disabled = true;
  const tick = () => {
    if (!submit.isConnected) return;
    if (remaining <= 0) {
      submit.disabled = false;
      alert.show(null);
      return;
    }
    alert.show(`${base} ${t('login.lockedFor', { count: remaining })}`);
    remaining -= 1;
    setTimeout(tick, 1000);
  };
  tick();
}

function handleFailure(alert, submit, error) {
  if (error.status === 429) lockout(alert, submit, error);
  else alert.show(error.message);
}

function passwordStep(container, app, showSecondFactor) {
  const username = input({ name: 'username', autocomplete: 'username', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const alert = formAlert();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  const form = h('form', { class: 'form', novalidate: true },
    alert,
    field({ label: t('auth.username'), control: username }),
    field({ label: t('auth.password'), control: password }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const errors = [[username, username.value.trim() ? null : t('validation.required')],
      [password, password.value ? null : t('validation.required')]].filter(([, message]) => message);
    if (showFieldErrors(errors)) return;

    // The failure is handled after withBusy, which would otherwise re-enable a locked-out form.
    const failure = await withBusy(submit, async () => {
      try {
        const result = await api.post('/auth/login', { username: username.value.trim(), password: password.value },
          { auth: false });
        if (result.totp_required) showSecondFactor(result.totp_token);
        else app.signedIn(result);
        return null;
      } catch (error) {
        return error;
      }
    });
    if (failure) handleFailure(alert, submit, failure);
  });
  replace(container, form);
  username.focus();
}

function secondFactorStep(container, app, totpToken, useRecovery, restart) {
  const code = input({
    name: useRecovery ? 'recovery_code' : 'code',
    autocomplete: 'one-time-code',
    inputMode: useRecovery ? 'text' : 'numeric',
    required: true,
    spellcheck: false,
  });
  const alert = formAlert();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.verify'));
  const switchLink = h('button', { type: 'button', class: 'btn btn-link' },
    useRecovery ? t('login.useCode') : t('login.useRecovery'));
  switchLink.addEventListener('click', () => secondFactorStep(container, app, totpToken, !useRecovery, restart));
  const back = h('button', { type: 'button', class: 'btn btn-link', onClick: restart }, t('login.back'));

  const form = h('form', { class: 'form', novalidate: true },
    h('p', { class: 'muted' }, useRecovery ? t('login.recoveryIntro') : t('login.totpIntro')),
    alert,
    field({ label: useRecovery ? t('login.recoveryCode') : t('login.totpCode'), control: code }),
    submit,
    h('div', { class: 'form-links' }, switchLink, back));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const value = code.value.replace(/\s+/g, '');
    const invalid = useRecovery ? !value : !/^\d{6}$/.test(value);
    if (showFieldErrors(invalid ? [[code, useRecovery ? t('validation.required') : t('validation.totpCode')]] : [])) {
      return;
    }
    const failure = await withBusy(submit, async () => {
      try {
        const path = useRecovery ? '/auth/totp/recovery' : '/auth/totp/validate';
        const body = useRecovery ? { totp_token: totpToken, recovery_code: value } : { totp_token: totpToken, code: value };
        const user = await api.post(path, body, { auth: false });
        if (useRecovery && user.remaining_codes !== undefined) {
          toast(t('login.recoveryRemaining', { count: user.remaining_codes }), { kind: 'info' });
        }
        app.signedIn(user);
        return null;
      } catch (error) {
        return error;
      }
    });
    if (failure) handleFailure(alert, submit, failure);
  });
  replace(container, form);
  code.focus();
}

export default function loginView({ main, app }) {
  const title = h('h1', { id: 'login-title', class: 'page-title', tabIndex: -1 }, t('login.title'));
  const body = h('div');
  const restart = () => {
    title.textContent = t('login.title');
    passwordStep(body, app, (token) => {
      title.textContent = t('login.secondFactorTitle');
      secondFactorStep(body, app, token, false, restart);
    });
  };
  replace(main, h('section', { class: 'card auth-card', 'aria-labelledby': 'login-title' }, title, body));
  restart();
}
