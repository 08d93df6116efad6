// Starts the app: loads the messages and theme, finds out whether the server needs its first
// account or a login, and renders the view for the current path inside the matching shell.

import { api, onUnauthorized } from './api.js';
import { h, replace } from './dom.js';
import { currentLanguage, languages, onLanguageChange, preferredLanguage, setLanguage, t } from './i18n.js';
import { StatusFeed } from './live.js';
import { addRoute, currentPath, match, navigate, startRouter } from './router.js';
import { applyTheme, storedTheme, themes } from './theme.js';
import { loading, select, toast } from './ui.js';

const returnKey = 'dynamight.returnTo';

const navItems = [
  ['dashboard', '/'],
  ['history', '/history'],
  ['stats', '/stats'],
  ['drives', '/drives'],
  ['settings', '/settings'],
];

addRoute('/', { load: () => import('./views/dashboard.js'), title: 'nav.dashboard', nav: 'dashboard' });
addRoute('/setup', { load: () => import('./views/setup.js'), title: 'setup.title', public: true });
addRoute('/login', { load: () => import('./views/login.js'), title: 'login.title', public: true });
addRoute('/jobs/new', { load: () => import('./views/jobeditor.js'), title: 'editor.newTitle', nav: 'dashboard' });
addRoute('/jobs/:id/edit', { load: () => import('./views/jobeditor.js'), title: 'editor.editTitle', nav: 'dashboard' });
addRoute('/history', { load: () => import('./views/history.js'), title: 'nav.history', nav: 'history' });
addRoute('/runs/:id', { load: () => import('./views/runlog.js'), title: 'log.title', nav: 'history' });
addRoute('/stats', { load: () => import('./views/stats.js'), title: 'nav.stats', nav: 'stats' });
addRoute('/drives', { load: () => import('./views/drives.js'), title: 'nav.drives', nav: 'drives' });
addRoute('/settings', { load: () => import('./views/settings.js'), title: 'nav.settings', nav: 'settings' });
addRoute('/settings/:section', { load: () => import('./views/settings.js'), title: 'nav.settings', nav: 'settings' });

// State that the views share: the signed-in user, the status feed and the session actions.
const app = {
  // undefined until the server was asked, null when no user is signed in.
  user: undefined,
  setupRequired: false,
  settings: null,
  statusFeed: null,
  navigate,

  signedIn(user) {
    this.user = user;
    this.setupRequired = false;
    startSession();
    const target = sessionStorage.getItem(returnKey) || '/';
    sessionStorage.removeItem(returnKey);
    navigate(target.startsWith('/login') || target.startsWith('/setup') ? '/' : target, { replace: true });
  },

  async signOut() {
    try {
      await api.post('/auth/logout');
    } catch {
      // The session is gone either way, so the login page comes next.
    }
    endSession();
    navigate('/login', { replace: true });
  },

  // Applies a server settings object returned by GET or PUT /settings.
  applySettings(settings) {
    this.settings = settings;
    if (settings?.theme && settings.theme !== storedTheme()) applyTheme(settings.theme);
  },
};

const shell = { kind: null, main: null, nav: null, notice: null, user: null };

function startSession() {
  app.statusFeed?.stop();
  app.statusFeed = new StatusFeed().start();
  app.statusFeed.subscribe(announceRunEnd);
  app.statusFeed.onMode(showLiveNotice);
  api.get('/settings').then((settings) => app.applySettings(settings), () => {});
}

function endSession() {
  app.statusFeed?.stop();
  app.statusFeed = null;
  app.user = null;
  app.settings = null;
}

function announceRunEnd(message) {
  if (message.type !== 'job_completed') return;
  const kinds = { completed: 'success', partial: 'warning', failed: 'warning', cancelled: 'info' };
  toast(t(`toast.runEnded.${message.status}`, { name: message.job_name }), {
    kind: kinds[message.status] ?? 'info',
    action: h('a', { href: `/runs/${message.run_id}`, class: 'toast-link' }, t('toast.viewLog')),
  });
}

function showLiveNotice(mode) {
  if (!shell.notice) return;
  const texts = { reconnecting: t('live.reconnecting'), polling: t('live.polling', { seconds: 5 }) };
  shell.notice.textContent = texts[mode] ?? '';
  shell.notice.hidden = !texts[mode];
}

onUnauthorized(() => {
  if (!app.user) return;
  sessionStorage.setItem(returnKey, currentPath());
  endSession();
  toast(t('session.expired'), { kind: 'info' });
  navigate('/login', { replace: true });
});

function languageAndThemeControls() {
  const language = select(languages.map((code) => [code, t(`language.${code}`)]), {
    'aria-label': t('settings.language'),
    class: 'input input-small',
    onChange: (event) => setLanguage(event.target.value, { remember: true }),
  });
  language.value = currentLanguage();
  const theme = select(themes.map((name) => [name, t(`theme.${name}`)]), {
    'aria-label': t('settings.theme'),
    class: 'input input-small',
    onChange: (event) => applyTheme(event.target.value),
  });
  theme.value = storedTheme();
  return h('div', { class: 'public-controls' }, language, theme);
}

function buildPublicShell() {
  shell.main = h('main', { id: 'main', class: 'public-main', tabIndex: -1 });
  shell.nav = null;
  shell.notice = null;
  replace(document.getElementById('app'),
    h('div', { class: 'public-shell' },
      h('div', { class: 'brand brand-large' }, brandMark(), h('span', {}, t('app.name'))),
      shell.main,
      languageAndThemeControls()));
}

function brandMark() {
  return h('img', { src: new URL('../favicon.svg', import.meta.url).href, alt: '', class: 'brand-mark' });
}

function buildPrivateShell() {
  shell.main = h('main', { id: 'main', class: 'content', tabIndex: -1 });
  shell.notice = h('div', { id: 'live-notice', class: 'notice notice-warning live-notice', role: 'status', hidden: true });
  shell.nav = h('ul', { class: 'nav-list' },
    navItems.map(([key, href]) => h('li', {},
      h('a', { href, class: 'nav-link', dataset: { nav: key } }, t(`nav.${key}`)))));
  shell.user = h('span', { class: 'user-name' });
  replace(document.getElementById('app'),
    h('a', { href: '#main', class: 'skip-link' }, t('nav.skip')),
    h('header', { class: 'topbar' },
      h('a', { href: '/', class: 'brand' }, brandMark(), h('span', {}, t('app.name'))),
      h('nav', { class: 'nav', 'aria-label': t('nav.label') }, shell.nav),
      h('div', { class: 'user-area' },
        shell.user,
        h('button', { type: 'button', class: 'btn btn-ghost', onClick: () => app.signOut() }, t('nav.logout')))),
    shell.notice,
    shell.main);
  app.statusFeed?.onMode(showLiveNotice);
}

function useShell(kind, activeNav) {
  if (shell.kind !== kind) {
    shell.kind = kind;
    if (kind === 'public') buildPublicShell();
    else buildPrivateShell();
  }
  if (shell.user) shell.user.textContent = app.user?.username ?? '';
  for (const link of shell.nav?.querySelectorAll('a') ?? []) {
    if (link.dataset.nav === activeNav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  return shell.main;
}

async function loadAuthState() {
  if (app.user !== undefined) return;
  const { setup_required: setupRequired } = await api.get('/auth/setup-required', { auth: false });
  app.setupRequired = setupRequired;
  if (setupRequired) {
    app.user = null;
    return;
  }
  try {
    app.user = await api.get('/auth/me', { auth: false });
    startSession();
  } catch (error) {
    if (error.status !== 401) throw error;
    app.user = null;
  }
}

// Returns the path to go to instead of `pathname`, or null when it may be shown.
function redirectFor(pathname, route) {
  if (app.setupRequired) return pathname === '/setup' ? null : '/setup';
  if (pathname === '/setup') return app.user ? '/' : '/login';
  if (route?.public) return app.user ? '/' : null;
  if (!app.user) {
    sessionStorage.setItem(returnKey, currentPath());
    return '/login';
  }
  return null;
}

function renderStartupError(error) {
  const retry = h('button', { type: 'button', class: 'btn btn-primary', onClick: () => render() }, t('common.retry'));
  const main = useShell('public');
  replace(main, h('section', { class: 'card auth-card' },
    h('h1', { class: 'page-title', tabIndex: -1 }, t('startup.title')),
    h('p', { role: 'alert' }, error.message || String(error)),
    retry));
}

let renderCount = 0;
let cleanup = null;
let navigated = false;

async function render() {
  const token = ++renderCount;
  cleanup?.();
  cleanup = null;
  try {
    await loadAuthState();
  } catch (error) {
    if (token === renderCount) renderStartupError(error);
    return;
  }
  if (token !== renderCount) return;

  const pathname = window.location.pathname;
  const found = match(pathname);
  const redirect = redirectFor(pathname, found?.route);
  if (redirect) {
    navigate(redirect, { replace: true });
    return;
  }

  const route = found?.route;
  const main = useShell(route?.public ? 'public' : 'private', route?.nav);
  document.title = `${t(route?.title ?? 'notFound.title')} – ${t('app.name')}`;
  replace(main, loading());
  let result;
  try {
    const module = await (route ? route.load() : import('./views/notfound.js'));
    if (token !== renderCount) return;
    const query = new URLSearchParams(window.location.search);
    result = await module.default({ main, params: found?.params ?? {}, query, app });
  } catch (error) {
    // A view that fails to load or render shows the error instead of "Loading…".
    replace(main, h('p', { class: 'notice notice-error', role: 'alert' }, error.message || String(error)));
    throw error;
  }
  if (token !== renderCount) {
    if (typeof result === 'function') result();
    return;
  }
  cleanup = typeof result === 'function' ? result : null;
  // After an in-app navigation, screen readers start at the new page's heading. The first page
  // of a visit keeps the browser's own start, so the first Tab reaches the skip link.
  if (navigated) main.querySelector('h1')?.focus({ preventScroll: true });
  navigated = true;
}

async function start() {
  applyTheme(storedTheme());
  document.body.append(h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' }));
  await setLanguage(preferredLanguage());
  onLanguageChange(() => {
    shell.kind = null;
    render();
  });
  startRouter(render);
}

start();
