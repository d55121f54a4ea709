/// <reference lib="dom" />
// Client-side files: CSV (RFC 4180 quoting), JSON and plain text, offered as downloads; and links
// to the API's download routes, which carry the API key when one was given.
import { ApiError, apiKey, authHeaders } from '../app/api';
import { h } from './dom';
import { errorText } from './notice';

export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function download(filename: string, content: string | Blob, type: string): void {
  const url = URL.createObjectURL(content instanceof Blob ? content : new Blob([content], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name of a download: Content-Disposition (filename* first), else the URL's last segment. */
export function downloadName(disposition: string | null, url: string): string {
  const star = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(disposition ?? '')?.[1];
  if (star !== undefined) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // a malformed filename* falls back to filename
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition ?? '');
  if (plain !== null) return (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1');
  const path = new URL(url, window.location.href).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || 'download';
}

/** Fetches an API download route with the API key; the file as a Blob, or throws ApiError. */
async function fetchDownload(url: string): Promise<{ blob: Blob; name: string }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: authHeaders() });
  } catch (error) {
    throw new ApiError(
      `the API could not be reached (${error instanceof Error ? error.message : String(error)})`,
      'NETWORK',
      url,
    );
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
    const first = body?.errors?.[0];
    throw new ApiError(
      typeof first?.message === 'string' ? first.message : `the download answered HTTP ${response.status}`,
      typeof first?.extensions?.code === 'string' ? first.extensions.code : `HTTP_${response.status}`,
      url,
    );
  }
  return { blob: await response.blob(), name: downloadName(response.headers.get('content-disposition'), url) };
}

/**
 * A real `<a href download>` to an API download route. Without an API key it is a plain link; with
 * one, a click (mouse or keyboard) fetches the file with `Authorization: Bearer <key>` and saves
 * it, and an error is shown next to the link in words with its code instead of navigating.
 */
export function apiDownloadLink(
  text: string,
  url: string,
  attrs: Record<string, string | undefined> = {},
): HTMLAnchorElement {
  const anchor = h('a', { href: url, download: '', ...attrs }, text);
  let failure: HTMLElement | undefined;
  anchor.addEventListener('click', (event) => {
    if (apiKey() === null || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    if (anchor.getAttribute('aria-busy') === 'true') return;
    anchor.setAttribute('aria-busy', 'true');
    failure?.remove();
    failure = undefined;
    fetchDownload(anchor.href)
      .then(
        ({ blob, name }) => download(name, blob, blob.type),
        (error: unknown) => {
          const { message, code } = errorText(error);
          failure = h(
            'span',
            { class: 'error-inline', role: 'alert' },
            ` Could not download: ${message} (code ${code})`,
          );
          anchor.after(failure);
        },
      )
      .finally(() => anchor.removeAttribute('aria-busy'));
  });
  return anchor;
}
