// Collects everything that must fail the browser tests: CSP violations, page errors, console
// errors, failed requests, assets that are not 200, and API refusals that the step did not expect.
//
// Chromium logs "Failed to load resource: the server responded with a status of 401" as a
// console error for every 4xx response, including the ones the app handles on purpose (a wrong
// password, a route this server does not have yet). Such a message is accepted only when the
// response it names was expected: by the current step (expectApi), by the always-allowed list
// below, or because the body says the route does not exist ("No resource at ...").

const alwaysExpected = [
  // At start the app requests /auth/me, and a 401 means that no user is signed in.
  { method: 'GET', path: /^\/api\/auth\/me$/, status: 401 },
];

export class PageMonitor {
  constructor() {
    this.problems = [];
    this.expected = [];
    this.apiRefusals = [];
    this.missingRoutes = new Set();
    this.acceptedUrls = new Map();
    // Set while the test stops the server on purpose.
    this.allowNetworkFailures = false;
  }

  // Allows API error responses during `work`: entries of {method, path (RegExp), status}.
  async expectApi(entries, work) {
    this.expected.push(...entries);
    try {
      return await work();
    } finally {
      this.expected = this.expected.filter((entry) => !entries.includes(entry));
    }
  }

  isExpected(method, path, status) {
    return [...alwaysExpected, ...this.expected].some((entry) =>
      (!entry.method || entry.method === method) && entry.path.test(path) && entry.status === status);
  }

  async onResponse(response) {
    const url = new URL(response.url());
    const status = response.status();
    if (!url.pathname.startsWith('/api/')) {
      if (status !== 200 && status !== 304 && status !== 101) this.problems.push(`${url.pathname} returned HTTP ${status}`);
      return;
    }
    if (status < 400) return;
    const method = response.request().method();
    let body = '';
    try {
      body = await response.text();
    } catch {
      // The page navigated away, so the status alone decides.
    }
    const routeMissing = status === 404 && body.includes('"No resource at ');
    if (routeMissing) this.missingRoutes.add(`${method} ${url.pathname}`);
    if (status >= 500) this.problems.push(`${method} ${url.pathname} returned HTTP ${status}: ${body}`);
    else if (routeMissing || this.isExpected(method, url.pathname, status)) this.acceptedUrls.set(response.url(), status);
    else this.problems.push(`unexpected ${method} ${url.pathname} → HTTP ${status}: ${body}`);
    this.apiRefusals.push({ method, path: url.pathname, status });
  }

  onConsole(message) {
    if (message.type() !== 'error') return;
    const text = message.text();
    const resourceUrl = message.location()?.url ?? '';
    if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) {
      // The response listener judges API responses, just before or after this message.
      const path = resourceUrl ? new URL(resourceUrl).pathname : '';
      if (path.startsWith('/api/')) return;
    }
    this.problems.push(`console error: ${text}${resourceUrl ? ` (${resourceUrl})` : ''}`);
  }

  async attach(context) {
    await context.exposeBinding('__reportCspViolation', (source, violation) => {
      this.problems.push(`CSP violation: ${violation.directive} blocked ${violation.blocked || 'inline'} `
        + `in ${violation.source}:${violation.line} ${violation.sample}`);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__reportCspViolation({
          directive: event.violatedDirective,
          blocked: event.blockedURI,
          source: event.sourceFile,
          line: event.lineNumber,
          sample: event.sample,
        });
      });
    });
    context.on('page', (page) => this.watch(page));
    for (const page of context.pages()) this.watch(page);
  }

  watch(page) {
    page.on('console', (message) => this.onConsole(message));
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.message}\n${error.stack ?? ''}`));
    page.on('response', (response) => this.onResponse(response));
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? '';
      // Navigation cancels requests still in flight, which is not an app failure.
      if (failure === 'net::ERR_ABORTED') return;
      const path = new URL(request.url()).pathname;
      if (this.allowNetworkFailures) return;
      this.problems.push(`request failed: ${request.method()} ${path}: ${failure}`);
    });
  }

  // Returns and clears the problems seen so far.
  takeProblems() {
    const problems = this.problems;
    this.problems = [];
    return problems;
  }
}
