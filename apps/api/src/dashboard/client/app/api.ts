/// <reference lib="dom" />
// The one way the dashboard talks to /graphql over HTTP: a named operation of a page's document,
// sent with its variables. Failures become ApiError with the server's code, so a page can say what
// went wrong in words (message + code) where it happened.

export class ApiError extends Error {
  constructor(
    message: string,
    /** extensions.code of the first GraphQL error, or NETWORK / HTTP_<status> for transport failures */
    readonly code: string,
    readonly operation: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const API_KEY_STORAGE = 'negmine.apiKey';

/** The API key the user gave this tab (sessionStorage: gone when the tab closes), or null. */
export function apiKey(): string | null {
  try {
    return window.sessionStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null): void {
  if (key === null || key.trim() === '') window.sessionStorage.removeItem(API_KEY_STORAGE);
  else window.sessionStorage.setItem(API_KEY_STORAGE, key.trim());
}

/** `Authorization: Bearer <key>` when a key was given (for /graphql and the download routes). */
export function authHeaders(): Record<string, string> {
  const key = apiKey();
  return key === null ? {} : { authorization: `Bearer ${key}` };
}

/** An element with attributes and text (never parsed HTML). */
function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Asks once for an API key after the API answered UNAUTHENTICATED; true when one was given. */
let asking: Promise<boolean> | undefined;
function askForApiKey(message: string): Promise<boolean> {
  asking ??= new Promise<boolean>((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'api-key';
    const form = element('form', { method: 'dialog' });
    const reason = element('p', { class: 'reason' }, message);
    const input = element('input', { name: 'key', type: 'password', autocomplete: 'off', required: '' });
    const label = element('label', {}, 'API key ');
    label.append(input);
    const note = element('p', { class: 'small' }, 'Kept for this tab only (sessionStorage) and sent as ');
    note.append(element('code', {}, 'Authorization: Bearer'), '. A viewer key is enough.');
    const menu = element('menu');
    menu.append(element('button', { value: 'cancel', type: 'button', class: 'cancel' }, 'Cancel'), ' ');
    menu.append(element('button', { value: 'ok' }, 'Use key'));
    form.append(element('h2', {}, 'API key needed'), reason, label, note, menu);
    dialog.append(form);
    dialog.querySelector('.cancel')?.addEventListener('click', () => dialog.close('cancel'));
    dialog.addEventListener('close', () => {
      const ok = dialog.returnValue === 'ok' && input.value.trim() !== '';
      if (ok) setApiKey(input.value);
      dialog.remove();
      asking = undefined;
      resolve(ok);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
  return asking;
}

interface GraphQLResponse<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: unknown } }[];
}

/** Sends `operationName` from `document` and returns its data, or throws ApiError. */
export async function gql<T>(
  document: string,
  operationName: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await gqlOnce<T>(document, operationName, variables, signal);
  } catch (error) {
    if (
      error instanceof ApiError &&
      error.code === 'UNAUTHENTICATED' &&
      (await askForApiKey(`${error.message} (code UNAUTHENTICATED)`))
    )
      return gqlOnce<T>(document, operationName, variables, signal);
    throw error;
  }
}

async function gqlOnce<T>(
  document: string,
  operationName: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...authHeaders(),
      },
      body: JSON.stringify({ query: document, operationName, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted === true) throw error;
    throw new ApiError(
      `the API could not be reached (${error instanceof Error ? error.message : String(error)})`,
      'NETWORK',
      operationName,
    );
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(
      `the API answered HTTP ${response.status} without a GraphQL body`,
      `HTTP_${response.status}`,
      operationName,
    );
  }
  const first = body.errors?.[0];
  if (first !== undefined) {
    const code = typeof first.extensions?.code === 'string' ? first.extensions.code : `HTTP_${response.status}`;
    const more = (body.errors?.length ?? 1) > 1 ? ` (and ${(body.errors?.length ?? 1) - 1} more)` : '';
    throw new ApiError(first.message + more, code, operationName);
  }
  if (body.data === undefined || body.data === null)
    throw new ApiError(
      `the API answered HTTP ${response.status} with no data`,
      `HTTP_${response.status}`,
      operationName,
    );
  return body.data;
}

export interface Connection<N> {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly node: N }[];
}

/**
 * Every node of a connection, page after page (for exports of "all pages"); `onProgress` gets the
 * count so far and the total.
 */
export async function fetchAll<N>(
  fetchPage: (after: string | null) => Promise<Connection<N>>,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await fetchPage(after);
    for (const edge of page.edges) nodes.push(edge.node);
    onProgress(nodes.length, page.totalCount);
    if (!page.pageInfo.hasNextPage || page.pageInfo.endCursor === null) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** The API's largest page (NEGMINE_MAX_PAGE_SIZE default); exports page with it. */
export const EXPORT_PAGE_SIZE = 500;
