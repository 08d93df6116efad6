// The browser test steps, in order. Each builds on the state that the steps before it left.
// A step returns {skip: reason} when the server lacks the routes it needs.

import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { totpCode } from './lib/totp.mjs';

const password = 'correct horse battery';
const jobName = 'Documents';
const sftpJobName = 'Offsite SFTP';
const credentialName = 'Backup server';

// The folders the tests browse and back up, inside the server's only allowed browse root.
export function prepareFiles(workDir) {
  const root = join(workDir, 'files');
  const docs = join(root, 'source', 'docs');
  const photos = join(root, 'source', 'photos');
  const backup = join(root, 'backup');
  for (const folder of [docs, photos, backup]) mkdirSync(folder, { recursive: true });
  writeFileSync(join(docs, 'letter.txt'), 'Dear reader,\n');
  writeFileSync(join(docs, 'notes.tmp'), 'excluded\n');
  // 600 KB at the 200 KiB/s limit the job sets: about 3 s, long enough to watch it run.
  writeFileSync(join(photos, 'holiday.jpg'), randomBytes(600 * 1024));
  return { root, docs, photos, backup };
}

function url(state, path) {
  return `${state.server.url}${path}`;
}

// Whether the server has a route, because its 404 for unknown paths contains "No resource at".
async function hasRoute(state, path) {
  const response = await state.context.request.get(url(state, path));
  if (response.status() !== 404) return true;
  return !(await response.text()).includes('No resource at');
}

async function shot(state, name) {
  const { page } = state;
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
  await page.evaluate(() => {
    document.querySelectorAll('.toast').forEach((toast) => toast.remove());
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: join(state.screenshotDir, `${name}.png`), fullPage: true });
}

async function open(state, path, heading) {
  await state.page.goto(url(state, path));
  if (heading) await state.page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

function jobCard(page, name) {
  return page.locator('li.job-card', { has: page.getByRole('heading', { level: 2, name, exact: true }) });
}

async function expectText(locator, text, timeout = 10000) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

async function waitForValue(locator, expected, timeout = 5000) {
  const deadline = Date.now() + timeout;
  let value = await locator.inputValue();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await locator.inputValue();
  }
  if (value !== expected) throw new Error(`The field holds '${value}', expected '${expected}'`);
}

async function login(state, { username = 'admin', secret = password } = {}) {
  const { page } = state;
  await page.getByLabel('User name', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function logout(state) {
  await state.page.getByRole('button', { name: 'Log out' }).click();
  await state.page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
}

async function firstRunSetup(state) {
  const { page } = state;
  await open(state, '/', 'Welcome to Dynamight');
  await shot(state, 'setup-light');
  await checkAccessibility(state, 'setup (light)');
  await page.getByLabel('Theme', { exact: true }).selectOption('dark');
  await shot(state, 'setup-dark');
  await checkAccessibility(state, 'setup (dark)');
  await page.getByLabel('Theme', { exact: true }).selectOption('light');

  // The form checks before sending.
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Repeat the password', { exact: true }).fill('other');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Use at least 8 characters.').waitFor();
  await page.getByText('The passwords do not match.').waitFor();

  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByRole('heading', { name: 'No backup jobs yet' }).waitFor();
}

async function loginWithoutTwoFactor(state) {
  await logout(state);
  await shot(state, 'login-light');
  await checkAccessibility(state, 'login');
  await login(state);
  await state.page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
}

async function createCredential(state) {
  if (!(await hasRoute(state, '/api/credentials'))) return { skip: 'GET /api/credentials is not on this server yet' };
  const { page } = state;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: 'Credentials' }).click();
  await page.getByRole('heading', { level: 2, name: 'Credentials' }).waitFor();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'New credential' });
  await dialog.getByLabel('Name', { exact: true }).fill(credentialName);
  await dialog.getByLabel('Provider', { exact: true }).selectOption('sftp');
  await dialog.getByLabel('Password', { exact: true }).fill('remote secret');
  await checkAccessibility(state, 'credential dialog');
  await dialog.getByRole('button', { name: 'Create credential' }).click();
  await dialog.waitFor({ state: 'detached' });
  const item = page.locator('.credential-item', { hasText: credentialName });
  await expectText(item, 'Not used by any job');
  return undefined;
}

async function useCredentialInJob(state) {
  if (!(await hasRoute(state, '/api/credentials'))) return { skip: 'the credential routes are not on this server yet' };
  const { page, files } = state;
  await open(state, '/jobs/new', 'New job');
  await page.getByLabel('Name', { exact: true }).fill(sftpJobName);
  await page.getByRole('textbox', { name: 'Source folder 1', exact: true }).fill(files.docs);
  await page.getByLabel('Destination type', { exact: true }).selectOption('sftp');
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('User name', { exact: true }).fill('backup');
  await page.getByLabel('Remote folder', { exact: true }).fill('/backups');
  await page.getByLabel('Credential', { exact: true }).selectOption({ label: credentialName });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await jobCard(page, sftpJobName).waitFor();

  await open(state, '/settings/credentials', 'Settings');
  const item = page.locator('.credential-item', { hasText: credentialName });
  await expectText(item, 'Used by 1 job:');
  await item.getByRole('link', { name: sftpJobName }).waitFor();

  // Deleting a credential in use is rejected with the names of the jobs that use it.
  await state.monitor.expectApi([{ method: 'DELETE', path: /^\/api\/credentials\/\d+$/, status: 409 }], async () => {
    await item.getByRole('button', { name: `Delete credential ${credentialName}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expectText(page.locator('.toast-error'), sftpJobName);
  });
  await item.waitFor();
  await shot(state, 'settings-credentials-light');
  return undefined;
}

async function createLocalJob(state) {
  const { page, files } = state;
  const schedulesExist = await hasRoute(state, '/api/jobs/1/schedules');
  await open(state, '/', 'Dashboard');
  await page.getByRole('link', { name: 'New job' }).click();
  await page.getByRole('heading', { level: 1, name: 'New job' }).waitFor();

  // Nothing filled in: the form marks the required fields and sends nothing.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText(/Fix the \d+ marked fields/).waitFor();

  await page.getByLabel('Name', { exact: true }).fill(jobName);
  await page.getByLabel('Description (optional)', { exact: true }).fill('Letters and photos');
  await pickSourceWithBrowser(state);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await page.getByRole('textbox', { name: 'Source folder 2', exact: true }).fill(files.photos);
  await page.getByLabel('Mount point', { exact: true }).fill(files.backup);
  await page.getByLabel('Folder below the mount point (optional)', { exact: true }).fill('daily');
  await page.getByLabel('Exclude patterns (optional)', { exact: true }).fill('*.tmp');
  await page.getByLabel('Bandwidth limit in KiB/s (optional)', { exact: true }).fill('200');

  let skip;
  if (schedulesExist) await addDailySchedule(state);
  else skip = 'the job was saved without a schedule: /api/jobs/:id/schedules is not on this server yet';
  await shot(state, 'job-editor-light');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  const card = jobCard(page, jobName);
  await card.waitFor();
  state.jobId = Number(await card.getAttribute('data-job-id'));
  if (schedulesExist) await card.locator('.fact', { hasText: 'Next run' }).locator('time').waitFor();
  return skip ? { skip } : undefined;
}

async function pickSourceWithBrowser(state) {
  const { page, files } = state;
  if (!(await hasRoute(state, '/api/system/browse'))) {
    await page.getByRole('textbox', { name: 'Source folder 1', exact: true }).fill(files.docs);
    return;
  }
  await page.getByRole('button', { name: 'Browse for source folder 1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose a folder' });
  await dialog.getByRole('button', { name: 'source' }).click();
  await dialog.getByRole('button', { name: 'docs' }).click();
  await dialog.getByText(`Current folder: ${files.docs}`).waitFor();
  await checkAccessibility(state, 'folder browser');
  await dialog.getByRole('button', { name: 'Choose this folder' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitForValue(page.getByRole('textbox', { name: 'Source folder 1', exact: true }), files.docs);
}

async function addDailySchedule(state) {
  const { page } = state;
  await page.getByRole('button', { name: 'Add schedule' }).click();
  const schedule = page.getByRole('group', { name: 'Schedule 1' });
  await schedule.getByLabel('Repeat', { exact: true }).selectOption('daily');
  await schedule.getByLabel('Time', { exact: true }).fill('02:30');
  const zone = await schedule.getByLabel('Time zone', { exact: true }).inputValue();
  if (zone !== 'Europe/Berlin') throw new Error(`The schedule's zone defaulted to ${zone}, expected the browser's`);
  // A new schedule is previewed from its form values, in its own zone, before it is saved.
  await expectText(schedule.locator('.schedule-preview'), 'Next runs (');
}

async function previewRun(state) {
  const { page } = state;
  if (!(await hasRoute(state, '/api/jobs/1/preview'))) return { skip: 'POST /api/jobs/:id/preview is not on this server yet' };
  await jobCard(page, jobName).getByRole('button', { name: 'Preview' }).click();
  const dialog = page.getByRole('dialog', { name: `What a run of “${jobName}” would do` });
  await expectText(dialog.locator('.fact'), 'Files to copy');
  await dialog.getByText('Files to copy', { exact: true }).last().click();
  await dialog.getByText('holiday.jpg').waitFor();
  await shot(state, 'job-preview-light');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await dialog.waitFor({ state: 'detached' });
  return undefined;
}

async function runAndFollowLog(state) {
  const { page } = state;
  const card = jobCard(page, jobName);
  await card.getByRole('button', { name: 'Run now' }).click();
  // The status WebSocket turns the card into a live progress bar.
  await card.locator('progress').waitFor();
  await card.getByRole('link', { name: 'Live log' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`^Run \\d+: ${jobName}$`) }).waitFor();
  state.runId = Number(new URL(page.url()).pathname.split('/').pop());
  const status = page.locator('.run-status .badge');
  await expectText(status, 'Running', 5000).catch(() => {});
  await shot(state, 'run-log-live-light');
  await expectText(status, 'Completed', 30000);
  await page.locator('.log-line', { hasText: 'holiday.jpg' }).waitFor();
  await page.locator('.log-line', { hasText: 'letter.txt' }).waitFor();
  const excluded = await page.locator('.log-line', { hasText: 'notes.tmp' }).count();
  if (excluded) throw new Error('notes.tmp was copied although *.tmp is excluded');
  await page.locator('.live-state', { hasText: 'Finished' }).waitFor();
}

async function runInHistory(state) {
  const { page } = state;
  await page.getByRole('link', { name: 'History', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Run history' }).waitFor();
  const row = page.locator('tbody tr', { hasText: jobName });
  await expectText(row, 'Completed');
  await expectText(row, 'Manual');
  await page.getByLabel('Status', { exact: true }).selectOption('failed');
  await page.getByText('No runs match these filters.').waitFor();
  await page.getByLabel('Status', { exact: true }).selectOption('');
  await row.waitFor();
  await shot(state, 'history-light');
}

async function editJob(state) {
  const { page } = state;
  await open(state, '/', 'Dashboard');
  await jobCard(page, jobName).getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: `Edit “${jobName}”` }).waitFor();
  const schedule = page.getByRole('group', { name: 'Schedule 1' });
  if (await schedule.count()) {
    // A saved schedule previews its next five runs in its own zone.
    await expectText(schedule.locator('.schedule-preview'), 'Next runs (Europe/Berlin)');
    const runs = await schedule.locator('.preview-list li').allTextContents();
    if (runs.length !== 5 || !runs.every((run) => /02:30/.test(run))) {
      throw new Error(`The preview lists ${JSON.stringify(runs)}, expected five runs at 02:30`);
    }
  }
  await page.getByLabel('Description (optional)', { exact: true }).fill('Letters and holiday photos');
  await page.getByLabel('Dry run', { exact: true }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await expectText(jobCard(page, jobName), 'Letters and holiday photos');
}

async function cloneAndDeleteJob(state) {
  const { page } = state;
  await jobCard(page, jobName).getByRole('button', { name: 'Clone' }).click();
  const copy = jobCard(page, `${jobName} (Copy)`);
  await copy.waitFor();
  await copy.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete this job?' });
  await dialog.getByRole('button', { name: 'Delete job' }).click();
  await copy.waitFor({ state: 'detached' });
  await jobCard(page, jobName).waitFor();
}

async function keyboardNavigation(state) {
  const { page } = state;
  await open(state, '/', 'Dashboard');
  // The first Tab reaches the skip link, which moves the focus to the main content.
  await page.keyboard.press('Tab');
  const skip = await page.evaluate(() => document.activeElement?.textContent);
  if (skip !== 'Skip to content') throw new Error(`The first Tab focused '${skip}', expected the skip link`);
  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => document.activeElement?.id);
  if (focused !== 'main') throw new Error(`The skip link focused '${focused}', expected #main`);

  // A job's Delete opens the confirmation with the focus inside it, and Escape cancels.
  const remove = jobCard(page, jobName).getByRole('button', { name: 'Delete' });
  await remove.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Delete this job?' });
  await dialog.waitFor();
  const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')));
  if (!inside) throw new Error('The confirmation dialog opened without the focus inside it');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  const back = await page.evaluate(() => document.activeElement?.textContent);
  if (back !== 'Delete') throw new Error(`After Escape the focus is on '${back}', expected the Delete button`);
  await jobCard(page, jobName).waitFor();
}

async function sessionExpiry(state) {
  const { page, context } = state;
  await open(state, '/history', 'Run history');
  await context.clearCookies();
  await state.monitor.expectApi([{ path: /^\/api\//, status: 401 }], async () => {
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
  });
  await page.getByText('Your session has ended.').waitFor();
  await login(state);
  await page.getByRole('heading', { level: 1, name: 'Statistics' }).waitFor();
  if (!page.url().endsWith('/stats')) throw new Error(`After the login the app opened ${page.url()}, expected /stats`);
}

async function twoFactor(state) {
  if (!(await hasRoute(state, '/api/auth/totp/status'))) return { skip: 'the TOTP routes are not on this server yet' };
  const { page } = state;
  await open(state, '/settings/security', 'Settings');
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  await page.getByRole('img', { name: 'QR code for the authenticator app' }).waitFor();
  const secret = (await page.locator('[data-secret="totp"]').textContent()).trim();
  await page.getByLabel('Code from the app', { exact: true }).fill(totpCode(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.locator('.recovery-codes li');
  await codes.first().waitFor();
  const recovery = (await codes.allTextContents()).map((code) => code.trim());
  await shot(state, 'settings-2fa-light');
  await page.getByRole('button', { name: 'I have saved the codes' }).click();
  await page.getByText('Logging in needs the password and a code').waitFor();

  // The next step's code: the one just used is accepted only once, and ±1 step is valid.
  await logout(state);
  await login(state);
  await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
  await page.getByLabel('Authentication code', { exact: true }).fill(totpCode(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

  await logout(state);
  await login(state);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code', { exact: true }).fill(recovery[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  return undefined;
}

// The main screens, for the screenshots in each theme.
function screens(state) {
  return [
    ['dashboard', '/', 'Dashboard'],
    ['job-editor', `/jobs/${state.jobId}/edit`, `Edit “${jobName}”`],
    ['run-log', `/runs/${state.runId}`, `Run ${state.runId}: ${jobName}`],
    ['history', '/history', 'Run history'],
    ['statistics', '/stats', 'Statistics'],
    ['drives', '/drives', 'Drives and mounts'],
    ['settings-general', '/settings/general', 'Settings'],
    ['settings-credentials', '/settings/credentials', 'Settings'],
    ['settings-security', '/settings/security', 'Settings'],
  ];
}

// Runs axe-core's WCAG 2.1 A and AA rules on the page and fails on serious or critical findings.
// page.evaluate runs through DevTools, so the page's CSP does not block the injected script.
async function checkAccessibility(state, screen) {
  const { page } = state;
  await page.evaluate(state.axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.length}× e.g. `
        + `${violation.nodes[0]?.target.join(' ')}: ${violation.nodes[0]?.failureSummary?.replace(/\s+/g, ' ')})`);
  });
  if (violations.length) throw new Error(`Accessibility problems on ${screen}:\n${violations.join('\n')}`);
}

async function shootScreens(state, theme) {
  for (const [name, path, heading] of screens(state)) {
    await open(state, path, heading);
    if (name === 'statistics') await state.page.locator('svg.chart').first().waitFor();
    if (name === 'run-log') await state.page.locator('.log-line').first().waitFor();
    await shot(state, `${name}-${theme}`);
    await checkAccessibility(state, `${name} (${theme})`);
  }
}

async function lightScreens(state) {
  await shootScreens(state, 'light');
}

async function darkTheme(state) {
  const { page } = state;
  await open(state, '/settings/general', 'Settings');
  await page.getByLabel('Theme', { exact: true }).selectOption('dark');
  await page.getByText('Theme saved.').waitFor();
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  if (theme !== 'dark') throw new Error(`data-theme is '${theme}' after choosing Dark`);
  await shootScreens(state, 'dark');
}

async function german(state) {
  const { page } = state;
  await open(state, '/settings/general', 'Settings');
  await page.getByLabel('Language', { exact: true }).selectOption('de');
  await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
  await page.getByRole('link', { name: 'Übersicht' }).click();
  await page.getByRole('heading', { level: 1, name: 'Übersicht' }).waitFor();
  await jobCard(page, jobName).getByRole('button', { name: 'Jetzt ausführen' }).waitFor();
  await shot(state, 'dashboard-german-dark');
  await open(state, '/settings/general', 'Einstellungen');
  await page.getByLabel('Sprache', { exact: true }).selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
}

async function pollingFallback(state) {
  const { context, server } = state;
  const page = await context.newPage();
  try {
    // Every WebSocket is accepted and closed at once, as a proxy that blocks them would.
    await page.routeWebSocket(/\/api\/ws\//, (socket) => socket.close());
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.getByText('Live updates are unavailable (WebSocket blocked)').waitFor({ timeout: 20000 });
    await page.screenshot({ path: join(state.screenshotDir, 'dashboard-polling-dark.png'), fullPage: true });
    await page.goto(`${server.url}/runs/${state.runId}`);
    await page.locator('.log-line').first().waitFor();
  } finally {
    await page.close();
  }
}

async function reconnectAfterRestart(state) {
  const { page, server, monitor } = state;
  await open(state, '/', 'Dashboard');
  // Live (healthy) after the socket stayed open for 3 s.
  await page.waitForTimeout(3500);
  const port = server.port;
  monitor.allowNetworkFailures = true;
  try {
    await server.stop();
    await page.getByText('Live updates interrupted: reconnecting').waitFor({ timeout: 10000 });
    await server.start(port);
    await page.locator('#live-notice').waitFor({ state: 'hidden', timeout: 20000 });
  } finally {
    monitor.allowNetworkFailures = false;
  }
  // The console's connection-refused messages while the server was down are expected.
  monitor.problems = monitor.problems.filter((problem) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(problem));
  await jobCard(page, jobName).getByRole('button', { name: 'Run now' }).waitFor();
}

async function wrongPasswordAndLockout(state) {
  const { page, monitor } = state;
  await logout(state);
  const alert = page.locator('.form-alert');
  let lockedOut = false;
  await monitor.expectApi([
    { method: 'POST', path: /^\/api\/auth\/login$/, status: 401 },
    { method: 'POST', path: /^\/api\/auth\/login$/, status: 429 },
  ], async () => {
    for (let attempt = 0; attempt < 7 && !lockedOut; attempt += 1) {
      const response = page.waitForResponse((item) => item.url().endsWith('/api/auth/login'));
      await login(state, { secret: 'wrong password' });
      lockedOut = (await response).status() === 429;
      await alert.waitFor();
    }
  });
  if (!lockedOut) return { skip: 'no 429 after 7 wrong passwords: rate limiting is not on this server' };
  await expectText(alert, 'Too many');
  await expectText(alert, 'Time left:');
  if (!(await page.getByRole('button', { name: 'Log in' }).isDisabled())) {
    throw new Error('The login button stays enabled during the lockout');
  }
  await shot(state, 'login-lockout-dark');
  return undefined;
}

export const scenarios = [
  ['first-run setup', firstRunSetup],
  ['login without 2FA', loginWithoutTwoFactor],
  ['credential created', createCredential],
  ['credential shown as in use', useCredentialInJob],
  ['local job with a schedule through the forms', createLocalJob],
  ['preview of what a run would do', previewRun],
  ['run with the live log reaching completed', runAndFollowLog],
  ['run in history', runInHistory],
  ['edit job', editJob],
  ['clone and delete job', cloneAndDeleteJob],
  ['keyboard navigation', keyboardNavigation],
  ['expired session returns to the same page', sessionExpiry],
  ['login with 2FA and with a recovery code', twoFactor],
  ['screenshots in the light theme', lightScreens],
  ['screenshots in the dark theme', darkTheme],
  ['German translation', german],
  ['polling notice when WebSockets are blocked', pollingFallback],
  ['live view reconnects after a server restart', reconnectAfterRestart],
  ['wrong password and lockout message', wrongPasswordAndLockout],
];
