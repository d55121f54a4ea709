/// <reference lib="dom" />
// Errors where they happen: an alert box inside the section whose request failed, saying in words
// what went wrong and the API's code.
import { ApiError } from '../app/api';
import { h } from './dom';

export function errorText(error: unknown): { message: string; code: string } {
  if (error instanceof ApiError) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error), code: 'CLIENT' };
}

export function errorBox(error: unknown, what: string): HTMLElement {
  const { message, code } = errorText(error);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', {}, `Could not ${what}: `),
    message,
    ' ',
    h('span', { class: 'code' }, `(code ${code})`),
  );
}

/** Shows (or clears, with undefined) an error in a slot element. */
export function showError(slot: HTMLElement, error: unknown, what: string): void {
  slot.replaceChildren();
  if (error !== undefined) slot.append(errorBox(error, what));
}

/** Whether an error is the AbortError of a superseded request (ignored: a newer one is on its way). */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
