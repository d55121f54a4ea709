/// <reference lib="dom" />
// Shared pieces of the run lists: the filter options query result, the date-range filter as the
// API takes it, cursor paging with a Previous stack, and the status cell with live progress.
import { h, button, type Child } from '../ui/dom';
import type { Route } from '../app/route';
import { updateParams } from '../app/route';

export interface FilterOptions {
  readonly labelSets: readonly { readonly id: string; readonly name: string }[];
  readonly models: readonly { readonly id: string; readonly name: string }[];
  readonly scoringMethods?: { readonly enumValues: readonly { readonly name: string }[] } | null;
  readonly runStatuses?: { readonly enumValues: readonly { readonly name: string }[] } | null;
}

export function allOption(options: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  return [['', 'all'], ...options];
}

/** `from`/`to` (YYYY-MM-DD, both inclusive, UTC) → createdAfter / createdBefore. */
export function dateRange(route: Route): { createdAfter?: string; createdBefore?: string } {
  const from = route.params.get('from') ?? '';
  const to = route.params.get('to') ?? '';
  const range: { createdAfter?: string; createdBefore?: string } = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) range.createdAfter = `${from}T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(to))
    range.createdBefore = new Date(Date.parse(`${to}T00:00:00.000Z`) + 86_400_000).toISOString();
  return range;
}

export const PAGE_SIZES = ['25', '50', '100', '200'];

export function pageSize(route: Route, fallback = 50): number {
  const size = Number(route.params.get('size'));
  return PAGE_SIZES.includes(String(size)) ? size : fallback;
}

/**
 * Cursor paging: `after` and `page` are in the URL; the cursors of earlier pages are remembered in
 * memory (per filter), so Previous works after Next; from a shared deep link Previous goes to page 1.
 */
export class Pager {
  readonly element: HTMLElement;
  private readonly label: HTMLElement;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly first: HTMLButtonElement;
  private stack: (string | null)[] = [];
  private signature = '';
  private endCursor: string | null = null;

  constructor(private readonly noun: string) {
    this.label = h('span', { class: 'muted', 'aria-live': 'polite' });
    this.first = button('« First', () => this.go(null, 1), { 'data-page': 'first' });
    this.prev = button('‹ Previous', () => this.back(), { 'data-page': 'prev' });
    this.next = button('Next ›', () => this.forward(), { 'data-page': 'next' });
    this.element = h(
      'nav',
      { class: 'pager', 'aria-label': `${noun} pages` },
      this.first,
      this.prev,
      this.label,
      this.next,
    );
  }

  /** Called before each load with a string identifying the filters (paging restarts when it changes). */
  reset(signature: string): void {
    if (signature !== this.signature) {
      this.signature = signature;
      this.stack = [];
    }
  }

  show(route: Route, shown: number, total: number, hasNextPage: boolean, endCursor: string | null, size: number): void {
    this.endCursor = endCursor;
    const page = Math.max(1, Number(route.params.get('page') ?? '1') || 1);
    const start = total === 0 ? 0 : (page - 1) * size + 1;
    this.label.textContent = `${start.toLocaleString('en-US')}–${((page - 1) * size + shown).toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${this.noun} (page ${page} of ${Math.max(1, Math.ceil(total / size))})`;
    this.first.disabled = page <= 1;
    this.prev.disabled = page <= 1;
    this.next.disabled = !hasNextPage;
  }

  private page(): number {
    return Math.max(1, Number(new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('page') ?? '1') || 1);
  }

  private go(after: string | null, page: number): void {
    updateParams({ after: after ?? undefined, page: page <= 1 ? undefined : String(page) });
  }

  private forward(): void {
    if (this.endCursor === null) return;
    const current = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('after');
    this.stack.push(current);
    this.go(this.endCursor, this.page() + 1);
  }

  private back(): void {
    const page = this.page();
    if (this.stack.length === 0) this.go(null, 1);
    else this.go(this.stack.pop() ?? null, page - 1);
  }
}

const ACTIVE = new Set(['queued', 'running']);

export function isActive(status: string): boolean {
  return ACTIVE.has(status);
}

export function statusCell(run: {
  status: string;
  progress: number;
  statusReason: string | null;
  errorCode?: string | null;
}): Child {
  const badge = h('span', { class: `badge status-${run.status}`, title: run.statusReason ?? undefined }, run.status);
  if (isActive(run.status)) {
    const percent = Math.round(100 * (run.progress || 0));
    return h(
      'span',
      { class: 'nowrap' },
      badge,
      ' ',
      h('progress', { max: '1', value: String(run.progress || 0), 'aria-label': `progress ${percent}%` }),
      ' ',
      h('span', { class: 'small' }, `${percent}%`),
    );
  }
  if (run.status === 'failed' && run.errorCode !== null && run.errorCode !== undefined)
    return h('span', { class: 'nowrap' }, badge, ' ', h('span', { class: 'small code' }, run.errorCode));
  return badge;
}
