/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// A data table for every list of the dashboard: sortable column headers (buttons with aria-sort),
// and keyboard navigation of rows with a roving tabindex — Tab enters the table at one row,
// ArrowUp/ArrowDown/Home/End move between rows, Enter opens the row's link, Space toggles its
// selection checkbox. Sorting and selection state live with the page (in the URL).
import { h, type Child } from './dom';

export type SortDirection = 'asc' | 'desc';

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  /** A second, smaller header line (e.g. which FPR95 convention). */
  readonly sub?: string;
  /** Tooltip / longer description of the header. */
  readonly title?: string;
  readonly numeric?: boolean;
  readonly sortable?: boolean;
  readonly cell: (row: T) => Child;
}

export interface TableOptions<T> {
  readonly caption: string;
  readonly columns: readonly Column<T>[];
  readonly rowKey: (row: T) => string;
  readonly sort?: { readonly key: string; readonly direction: SortDirection };
  readonly onSort?: (key: string, direction: SortDirection) => void;
  /** Default direction when a column is first sorted (numbers: asc; created: desc…). */
  readonly firstDirection?: (key: string) => SortDirection;
  readonly emptyText?: string;
  readonly rowClass?: (row: T) => string | undefined;
}

export class DataTable<T> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly head: HTMLTableSectionElement;
  private focusedKey: string | undefined;

  constructor(private readonly options: TableOptions<T>) {
    this.head = h('thead');
    this.body = h('tbody');
    this.element = h(
      'table',
      { class: 'data' },
      h('caption', { class: 'visually-hidden' }, options.caption),
      this.head,
      this.body,
    );
    this.body.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('focusin', (event) => {
      const row = (event.target as HTMLElement).closest('tr');
      if (row !== null && row.parentElement === this.body) this.setActive(row, false);
    });
    this.renderHead();
  }

  setSort(sort: { key: string; direction: SortDirection } | undefined): void {
    (this.options as { sort?: { key: string; direction: SortDirection } }).sort = sort;
    this.renderHead();
  }

  private renderHead(): void {
    const { sort, onSort, firstDirection } = this.options;
    this.head.replaceChildren(
      h(
        'tr',
        {},
        ...this.options.columns.map((column) => {
          const active = sort?.key === column.key;
          const ariaSort = active
            ? sort?.direction === 'asc'
              ? 'ascending'
              : 'descending'
            : column.sortable === true
              ? 'none'
              : undefined;
          const content: Child =
            column.sortable === true && onSort !== undefined
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'sort',
                    title: column.title,
                    onclick: () =>
                      onSort(
                        column.key,
                        active ? (sort?.direction === 'asc' ? 'desc' : 'asc') : (firstDirection?.(column.key) ?? 'asc'),
                      ),
                  },
                  column.label,
                  h(
                    'span',
                    { class: 'sort-mark', 'aria-hidden': 'true' },
                    active ? (sort?.direction === 'asc' ? ' ▲' : ' ▼') : ' ↕',
                  ),
                  column.sub === undefined ? null : h('span', { class: 'sub' }, ` ${column.sub}`),
                )
              : column.title !== undefined
                ? h('abbr', { title: column.title }, column.label)
                : column.label;
          const subLine =
            column.sortable === true && onSort !== undefined
              ? null
              : column.sub === undefined
                ? null
                : h('span', { class: 'sub' }, ` ${column.sub}`);
          return h(
            'th',
            {
              scope: 'col',
              class: column.numeric === true ? 'num' : undefined,
              'aria-sort': ariaSort,
              'data-key': column.key,
            },
            content,
            subLine,
          );
        }),
      ),
    );
  }

  setRows(rows: readonly T[]): void {
    const { columns, rowKey, rowClass } = this.options;
    if (rows.length === 0) {
      this.body.replaceChildren(
        h(
          'tr',
          {},
          h('td', { colspan: columns.length, class: 'muted empty' }, this.options.emptyText ?? 'Nothing to show.'),
        ),
      );
      return;
    }
    // Re-rendering (a selection or sort change) keeps keyboard focus on the same row.
    const hadFocus = this.body.contains(document.activeElement);
    const trs = rows.map((row) =>
      h(
        'tr',
        { tabindex: '-1', 'data-key': rowKey(row), class: rowClass?.(row) },
        ...columns.map((column) =>
          h('td', { class: column.numeric === true ? 'num' : undefined, 'data-col': column.key }, column.cell(row)),
        ),
      ),
    );
    this.body.replaceChildren(...trs);
    const keep = trs.find((tr) => tr.dataset['key'] === this.focusedKey) ?? trs[0];
    if (keep !== undefined) this.setActive(keep, hadFocus);
  }

  /** Re-renders one row in place (live progress) without moving focus. */
  updateRow(row: T): void {
    const key = this.options.rowKey(row);
    const tr = [...this.body.rows].find((candidate) => candidate.dataset['key'] === key);
    if (tr === undefined) return;
    for (const column of this.options.columns) {
      const td = [...tr.cells].find((cell) => cell.dataset['col'] === column.key);
      if (td === undefined || td.contains(document.activeElement)) continue;
      td.replaceChildren();
      const content = column.cell(row);
      const holder = h('span', {}, content);
      td.append(...holder.childNodes);
    }
  }

  private rows(): HTMLTableRowElement[] {
    return [...this.body.rows].filter((row) => row.dataset['key'] !== undefined);
  }

  private setActive(row: HTMLTableRowElement, focus: boolean): void {
    for (const other of this.rows()) other.tabIndex = other === row ? 0 : -1;
    this.focusedKey = row.dataset['key'];
    if (focus) row.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const row = target.closest('tr');
    if (row === null) return;
    const rows = this.rows();
    const index = rows.indexOf(row);
    if (index < 0) return;
    const onRow = target === row;
    let next: HTMLTableRowElement | undefined;
    if (event.key === 'ArrowDown') next = rows[Math.min(rows.length - 1, index + 1)];
    else if (event.key === 'ArrowUp') next = rows[Math.max(0, index - 1)];
    else if (event.key === 'Home' && onRow) next = rows[0];
    else if (event.key === 'End' && onRow) next = rows[rows.length - 1];
    else if (event.key === 'Enter' && onRow) {
      row.querySelector<HTMLAnchorElement>('a[href]')?.click();
      event.preventDefault();
      return;
    } else if (event.key === ' ' && onRow) {
      row.querySelector<HTMLInputElement>('input[type=checkbox]')?.click();
      event.preventDefault();
      return;
    }
    if (next !== undefined) {
      event.preventDefault();
      this.setActive(next, true);
    }
  }
}

/** Sorts rows in memory by a column's value (used where the API has no ordering for that column). */
export function sortRows<T>(
  rows: readonly T[],
  value: (row: T) => string | number | undefined,
  direction: SortDirection,
): T[] {
  const factor = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === undefined && vb === undefined) return 0;
    if (va === undefined) return 1;
    if (vb === undefined) return -1;
    return factor * (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb)));
  });
}
