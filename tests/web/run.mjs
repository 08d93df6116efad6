#!/usr/bin/env node
// Browser tests of the web UI: headless Debian Chromium driven by playwright-core against the
// real server on an ephemeral 127.0.0.1 port with a temporary data dir.
//
// Usage: node tests/web/run.mjs --binary build/bin/dynamight --out build
//   --binary   the dynamight executable (ctest passes it)
//   --out      the build folder: playwright-core and axe-core are installed into
//              <out>/web-tests and the screenshots are written to <out>/web-screenshots
//   --chromium the browser (default /usr/bin/chromium)
// Exits 0 when every step passed or was skipped, 1 on a failure, 77 (ctest's skip code) when
// Chromium or npm is missing.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { PageMonitor } from './lib/monitor.mjs';
import { prepareFiles, scenarios } from './scenarios.mjs';
import { Server } from './lib/server.mjs';

// Test-only packages, installed into <out>/web-tests. The app itself uses none.
const testPackages = { 'playwright-core': '1.65.2', 'axe-core': '4.14.1' };
const skipExitCode = 77;

function parseArguments(argv) {
  const options = { chromium: '/usr/bin/chromium' };
  for (let index = 0; index < argv.length; index += 2) {
    const name = argv[index].replace(/^--/, '');
    if (!['binary', 'out', 'chromium'].includes(name)) throw new Error(`Unknown option ${argv[index]}`);
    options[name] = argv[index + 1];
  }
  if (!options.binary || !options.out) throw new Error('Usage: run.mjs --binary <dynamight> --out <build dir>');
  options.binary = resolve(options.binary);
  options.out = resolve(options.out);
  return options;
}

// Installs the test packages into <out>/web-tests once, so later runs work offline.
async function loadPackages(out) {
  const prefix = join(out, 'web-tests');
  const installed = (name) => {
    const manifest = join(prefix, 'node_modules', name, 'package.json');
    return existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === testPackages[name];
  };
  const missing = Object.keys(testPackages).filter((name) => !installed(name));
  if (missing.length) {
    const specs = missing.map((name) => `${name}@${testPackages[name]}`);
    console.log(`Installing ${specs.join(', ')} into ${prefix}`);
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', ...specs],
      { stdio: 'inherit' });
  }
  const modules = join(prefix, 'node_modules');
  return {
    playwright: await import(pathToFileURL(join(modules, 'playwright-core', 'index.mjs')).href),
    axeSource: readFileSync(join(modules, 'axe-core', 'axe.min.js'), 'utf8'),
  };
}

function checkTools(options) {
  if (!existsSync(options.chromium)) {
    console.log(`SKIP: ${options.chromium} is missing; install it with scripts/install-dependencies --tests`);
    process.exit(skipExitCode);
  }
  try {
    execFileSync('npm', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('SKIP: npm is missing; install it with scripts/install-dependencies --tests');
    process.exit(skipExitCode);
  }
  if (!existsSync(options.binary)) throw new Error(`The server binary ${options.binary} does not exist`);
}

// Both catalogues must have the same keys and the same {placeholders} per message.
function checkCatalogues() {
  const folder = new URL('../../resources/web/i18n/', import.meta.url);
  const english = JSON.parse(readFileSync(new URL('en.json', folder), 'utf8'));
  const german = JSON.parse(readFileSync(new URL('de.json', folder), 'utf8'));
  const placeholders = (message) => JSON.stringify([...new Set(JSON.stringify(message).match(/\{\w+\}/g) ?? [])].sort());
  const problems = [];
  for (const key of new Set([...Object.keys(english), ...Object.keys(german)])) {
    if (!(key in english) || !(key in german)) problems.push(`${key} is missing in ${key in english ? 'de' : 'en'}.json`);
    else if (placeholders(english[key]) !== placeholders(german[key])) problems.push(`${key} has other placeholders in de.json`);
  }
  if (problems.length) throw new Error(`The message catalogues differ:\n${problems.join('\n')}`);
}

async function launchBrowser(playwright, options, profileDir) {
  return playwright.chromium.launchPersistentContext(profileDir, {
    executablePath: options.chromium,
    headless: true,
    // Keeps Chromium off the network: no updates, no sync, no background requests.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    // Chromium's crash handler and caches write below these, so they stay in the temp folder.
    env: { ...process.env, XDG_CONFIG_HOME: join(profileDir, 'config'), XDG_CACHE_HOME: join(profileDir, 'cache') },
    viewport: { width: 1280, height: 860 },
    locale: 'en-US',
    timezoneId: 'Europe/Berlin',
    colorScheme: 'light',
  });
}

function report(results, monitor, started) {
  console.log('\nResults:');
  for (const result of results) {
    const detail = result.message ? `: ${result.message}` : '';
    console.log(`  ${result.status.toUpperCase().padEnd(4)} ${result.name} (${result.seconds.toFixed(1)} s)${detail}`);
  }
  if (monitor.missingRoutes.size) {
    console.log(`\nRoutes this server does not have yet (the UI showed its notice): ${[...monitor.missingRoutes].sort().join(', ')}`);
  }
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function main() {
  const started = Date.now();
  const options = parseArguments(process.argv.slice(2));
  checkTools(options);
  checkCatalogues();
  const { playwright, axeSource } = await loadPackages(options.out);

  const workDir = mkdtempSync(join(tmpdir(), 'dynamight-web-'));
  const screenshotDir = join(options.out, 'web-screenshots');
  // Files are overwritten rather than the folder emptied, so two runs in one build folder do
  // not delete each other's screenshots.
  mkdirSync(screenshotDir, { recursive: true });
  rmSync(join(screenshotDir, 'failure.png'), { force: true });
  const files = prepareFiles(workDir);
  const server = new Server({
    binary: options.binary,
    dataDir: join(workDir, 'data'),
    args: ['--allowed-browse-paths', files.root, '--rate-limit-max-attempts', '3', '--rate-limit-window', '60',
      '--rate-limit-lockout', '30', '--log-level', 'warning'],
  });

  const results = [];
  let context = null;
  try {
    await server.start();
    console.log(`Server at ${server.url}, data in ${workDir}`);
    context = await launchBrowser(playwright, options, join(workDir, 'profile'));
    const monitor = new PageMonitor();
    await monitor.attach(context);
    const page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(10000);
    const state = { page, context, server, files, monitor, screenshotDir, axeSource };

    for (const [name, step] of scenarios) {
      const stepStarted = Date.now();
      const result = { name, status: 'pass', message: '', seconds: 0 };
      try {
        const outcome = await step(state);
        if (outcome?.skip) Object.assign(result, { status: 'skip', message: outcome.skip });
        const problems = monitor.takeProblems();
        if (problems.length) throw new Error(problems.join('\n'));
      } catch (error) {
        const problems = monitor.takeProblems();
        const seen = problems.length ? `\nAlso seen in the page:\n${problems.join('\n')}` : '';
        Object.assign(result, { status: 'fail', message: `${error.stack ?? String(error)}${seen}` });
        await page.screenshot({ path: join(screenshotDir, 'failure.png'), fullPage: true }).catch(() => {});
      }
      result.seconds = (Date.now() - stepStarted) / 1000;
      results.push(result);
      console.log(`${result.status.toUpperCase()} ${name}${result.status === 'skip' ? `: ${result.message}` : ''}`);
      if (result.status === 'fail') break;
    }
    report(results, monitor, started);
  } catch (error) {
    results.push({ name: 'setup', status: 'fail', message: error.stack ?? String(error), seconds: 0 });
    console.error(error);
  } finally {
    await context?.close().catch(() => {});
    await server.stop();
    if (results.some((result) => result.status === 'fail')) {
      console.log(`\nServer output:\n${server.output.slice(-4000)}`);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`Screenshots in ${screenshotDir}`);
  process.exit(results.some((result) => result.status === 'fail') ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
