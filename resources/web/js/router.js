// History-API routing: paths such as /jobs/3/edit map to views loaded on demand. The server
// returns index.html for every non-API path, so these URLs can be bookmarked and reloaded.

const routes = [];
let changeHandler = () => {};

// `pattern` uses ":name" segments; `load` returns the view module.
export function addRoute(pattern, options) {
  routes.push({ pattern, segments: pattern.split('/').filter(Boolean), ...options });
}

export function match(pathname) {
  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  for (const route of routes) {
    if (route.segments.length !== segments.length) continue;
    const params = {};
    const matched = route.segments.every((segment, index) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = segments[index];
        return true;
      }
      return segment === segments[index];
    });
    if (matched) return { route, params };
  }
  return null;
}

export function currentPath() {
  return window.location.pathname + window.location.search;
}

export function navigate(path, { replace = false } = {}) {
  if (path !== currentPath()) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
  }
  changeHandler();
}

// Handles clicks on same-origin links without a target, and the back and forward buttons.
export function startRouter(onChange) {
  changeHandler = onChange;
  window.addEventListener('popstate', onChange);
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.target || link.hasAttribute('download')) return;
    // In-page anchors such as the skip link keep their default behaviour.
    if (link.getAttribute('href').startsWith('#')) return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  onChange();
}
