// The REST client. Every call goes to /api with the session cookie. Errors become ApiError with
// the server's own message, which the views show unchanged.

import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, body, path, retryAfter = null) {
    super(body?.message || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
    this.path = path;
    this.retryAfter = retryAfter;
    // The server names the offending field as "Field 'destination_config.bucket' ...".
    this.field = /Field '([^']+)'/.exec(this.message)?.[1] ?? null;
  }

  // True when the server has no such route at all (not yet built), as opposed to a route that
  // exists but did not find the requested item ("Job not found").
  get routeMissing() {
    return this.status === 404 && /^No resource at /.test(this.body.message ?? '');
  }
}

let unauthorizedHandler = null;

// Sets what happens when an authenticated call gets 401: the session ended or expired.
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

function buildUrl(path, query) {
  const url = new URL(`/api${path}`, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
  }
  return url.pathname + url.search;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

// Sends a request and returns the parsed JSON body. `auth: false` marks the sign-in routes,
// whose 401 means wrong credentials rather than an expired session.
export async function request(method, path, { body, query, auth = true } = {}) {
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(buildUrl(path, query), init);
  } catch {
    throw new ApiError(0, { message: t('error.network') }, path);
  }

  const data = await readBody(response);
  if (response.ok) return data;
  const retryAfter = Number(response.headers.get('Retry-After') ?? data?.retry_after) || null;
  const error = new ApiError(response.status, data, path, retryAfter);
  if (response.status === 401 && auth && unauthorizedHandler) unauthorizedHandler(error);
  throw error;
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body: body ?? {} }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
};

// The value optional() returns for a route that this server does not have.
export const MISSING = Symbol('route missing');

// Returns the result of `call`, or `fallback` when the route is not on this server yet.
export async function optional(call, fallback = MISSING) {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.routeMissing) return fallback;
    throw error;
  }
}
