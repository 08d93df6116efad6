// First run: create the admin account. The server allows this only while no user exists.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { t } from '../i18n.js';
import { clearFieldErrors, field, formAlert, input, showFieldErrors, withBusy } from '../ui.js';
import { passwordErrors, usernameError } from '../validation.js';

export default function setupView({ main, app }) {
  const username = input({ name: 'username', autocomplete: 'username', required: true, value: 'admin' });
  const password = input({ type: 'password', name: 'password', autocomplete: 'new-password', required: true });
  const confirm = input({ type: 'password', name: 'confirm', autocomplete: 'new-password', required: true });
  const alert = formAlert();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('setup.submit'));

  const form = h('form', { class: 'form', novalidate: true },
    alert,
    field({ label: t('auth.username'), control: username, hint: t('auth.usernameHint') }),
    field({ label: t('auth.password'), control: password, hint: t('auth.passwordHint') }),
    field({ label: t('auth.confirmPassword'), control: confirm }),
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const errors = [
      [username, usernameError(username.value)],
      ...passwordErrors(password, confirm),
    ].filter(([, message]) => message);
    if (showFieldErrors(errors)) return;

    await withBusy(submit, async () => {
      try {
        const user = await api.post('/auth/setup', { username: username.value.trim(), password: password.value },
          { auth: false });
        app.signedIn(user);
      } catch (error) {
        alert.show(error.message);
      }
    });
  });

  replace(main, h('section', { class: 'card auth-card', 'aria-labelledby': 'setup-title' },
    h('h1', { id: 'setup-title', class: 'page-title', tabIndex: -1 }, t('setup.title')),
    h('p', { class: 'muted' }, t('setup.intro')),
    form));
}
