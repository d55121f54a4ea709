/// <reference lib="dom" />
// URL state: every view and every control that changes what is shown lives in the location hash,
// `#/<view>[/<id>][?key=value&…]`, so any view can be bookmarked or shared and Back/Forward work.

export interface Route {
  readonly view: string;
  readonly id: string | undefined;
  readonly params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const queryAt = text.indexOf('?');
  const pathPart = queryAt < 0 ? text : text.slice(0, queryAt);
  const [view = '', id] = pathPart.split('/').map((part) => decodeURIComponent(part));
  return {
    view: view === '' ? 'runs' : view,
    id: id === '' ? undefined : id,
    params: new URLSearchParams(queryAt < 0 ? '' : text.slice(queryAt + 1)),
  };
}

export function formatHash(
  view: string,
  id: string | undefined,
  params: URLSearchParams | Record<string, string | undefined>,
): string {
  const search = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (!(params instanceof URLSearchParams)) {
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, value);
  }
  const query = search.toString();
  return `#/${encodeURIComponent(view)}${id === undefined ? '' : `/${encodeURIComponent(id)}`}${query === '' ? '' : `?${query}`}`;
}

/** A link target for a view. */
export function href(view: string, id?: string, params: Record<string, string | undefined> = {}): string {
  return formatHash(view, id, params);
}

type Listener = (route: Route) => void;
let listener: Listener | undefined;

export function currentRoute(): Route {
  return parseHash(window.location.hash);
}

export function onRoute(next: Listener): void {
  listener = next;
  window.addEventListener('hashchange', () => listener?.(currentRoute()));
}

/**
 * Changes the current view's parameters: `patch` keys set (empty string or undefined deletes).
 * `replace` for changes that should not fill the history (typing in a search box).
 */
export function updateParams(patch: Record<string, string | undefined>, options: { replace?: boolean } = {}): void {
  const route = currentRoute();
  const params = new URLSearchParams(route.params);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const hash = formatHash(route.view, route.id, params);
  if (hash === window.location.hash) return;
  if (options.replace === true) window.history.replaceState(null, '', hash);
  else window.history.pushState(null, '', hash);
  listener?.(currentRoute());
}
