// Settings: appearance and run retention, account security (password, 2FA), credentials and
// the server's version. Each section has its own path, /settings/<section>.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatNumber } from '../format.js';
import { currentLanguage, languages, setLanguage, t } from '../i18n.js';
import { applyTheme, storedTheme, themes } from '../theme.js';
import {
  checkbox, clearFieldErrors, errorToast, field, formAlert, input, pageHeader, select, showFieldErrors, toast, withBusy,
} from '../ui.js';
import { integerError } from '../validation.js';
import credentialsSection from './settingscredentials.js';
import securitySection from './settingssecurity.js';

const sections = ['general', 'security', 'credentials', 'about'];

// The server's numeric settings with their limits, as the server checks them.
const numericSettings = [
  { key: 'max_runs_per_job', min: 1, max: 100000 },
  { key: 'max_log_lines_per_run', min: 100, max: 10000000 },
];

function appearanceCard(app) {
  const theme = select(themes.map((name) => [name, t(`theme.${name}`)]), { name: 'theme' });
  theme.value = storedTheme();
  theme.addEventListener('change', async () => {
    applyTheme(theme.value);
    try {
      app.applySettings(await api.put('/settings', { theme: theme.value }));
      toast(t('settings.themeSaved'));
    } catch (error) {
      errorToast(error);
    }
  });
  const language = select(languages.map((code) => [code, t(`language.${code}`)]), { name: 'language' });
  language.value = currentLanguage();
  language.addEventListener('change', () => setLanguage(language.value, { remember: true }));
  return h('section', { class: 'card' },
    h('h2', { class: 'section-title' }, t('settings.appearance')),
    field({ label: t('settings.theme'), control: theme }),
    field({ label: t('settings.language'), control: language, hint: t('settings.languageHint') }));
}

async function runsCard(app) {
  const settings = await api.get('/settings');
  app.applySettings(settings);
  const alert = formAlert();
  const controls = new Map();
  const fields = numericSettings.filter(({ key }) => key in settings).map((spec) => {
    const control = input({ type: 'number', name: spec.key, min: spec.min, max: spec.max, value: settings[spec.key] });
    controls.set(spec.key, { control, spec });
    const limits = { min: formatNumber(spec.min), max: formatNumber(spec.max) };
    return field({ label: t(`settings.${spec.key}`), control, hint: t(`settings.${spec.key}Hint`, limits) });
  });
  const missed = 'run_missed_schedules' in settings
    ? checkbox({ name: 'run_missed_schedules', checked: settings.run_missed_schedules }) : null;
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
  const form = h('form', { class: 'form', novalidate: true }, alert, fields,
    missed ? field({ label: t('settings.run_missed_schedules'), control: missed, hint: t('settings.run_missed_schedulesHint') }) : null,
    h('div', { class: 'form-actions' }, submit));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    alert.show(null);
    const errors = [...controls.values()]
      .map(({ control, spec }) => [control, integerError(control.value, { ...spec, required: true })])
      .filter(([, message]) => message);
    if (showFieldErrors(errors)) return;
    const body = Object.fromEntries([...controls].map(([key, { control }]) => [key, Number(control.value)]));
    if (missed) body.run_missed_schedules = missed.checked;
    await withBusy(submit, async () => {
      try {
        app.applySettings(await api.put('/settings', body));
        toast(t('settings.saved'));
      } catch (error) {
        const control = controls.get(error.field)?.control;
        if (control) showFieldErrors([[control, error.message]]);
        alert.show(error.message);
      }
    });
  });
  return h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('settings.runs')), form);
}

async function aboutCard() {
  const health = await api.get('/system/health', { auth: false }).catch(() => null);
  return h('section', { class: 'card' },
    h('h2', { class: 'section-title' }, t('settings.about')),
    h('dl', { class: 'job-facts' },
      h('div', { class: 'fact' }, h('dt', {}, t('settings.version')), h('dd', {}, health?.version ?? t('common.none'))),
      h('div', { class: 'fact' }, h('dt', {}, t('settings.serverStatus')),
        h('dd', {}, health?.status === 'ok' ? t('settings.serverOk') : t('settings.serverUnknown')))));
}

async function sectionContent(name, app) {
  if (name === 'general') return [appearanceCard(app), await runsCard(app)];
  if (name === 'security') return securitySection(app);
  if (name === 'credentials') return credentialsSection(app);
  return aboutCard();
}

export default async function settingsView({ main, params, app }) {
  const active = sections.includes(params.section) ? params.section : 'general';
  const nav = h('nav', { class: 'subnav', 'aria-label': t('settings.sections') },
    h('ul', {}, sections.map((name) => h('li', {},
      h('a', { href: `/settings/${name}`, class: 'subnav-link', 'aria-current': name === active ? 'page' : false },
        t(`settings.section.${name}`))))));
  const content = h('div', { class: 'stack' });
  replace(main, pageHeader(t('settings.title')), h('div', { class: 'settings-layout' }, nav, content));
  try {
    replace(content, await sectionContent(active, app));
  } catch (error) {
    replace(content, h('p', { class: 'notice notice-error', role: 'alert' }, error.message));
  }
}
