/// <reference lib="dom" />
// The files that failed to decode, as the API lists them (ImageSet.decodeFailures,
// EvaluationRun.decodeFailures): a count in words, a table (path, code, reason, and the set or the
// model where the page needs them) and a button that loads the next page. Shared by the Run and
// Image sets pages.
import { button, h, replaceChildren, type Child } from '../ui/dom';
import { int } from '../ui/format';
import { errorBox } from '../ui/notice';
import { DataTable, type Column } from '../ui/table';

export interface DecodeFailureNode {
  readonly imageSetId: string;
  readonly position: number;
  readonly path: string | null;
  readonly code: string;
  readonly message: string;
  readonly modelId: string;
  readonly imageSet: { readonly name: string };
}

export interface DecodeFailurePage {
  readonly totalCount: number;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly edges: readonly { readonly node: DecodeFailureNode }[];
}

export interface DecodeFailureListOptions {
  /** The element id of the list (tests and deep links find it by it). */
  readonly id: string;
  readonly caption: string;
  readonly page: DecodeFailurePage;
  /** The next page after a cursor. */
  readonly more: (after: string) => Promise<DecodeFailurePage>;
  /** What the list says when it is empty. */
  readonly emptyText: string;
  /** Sentence before the count, e.g. "left out of this run". */
  readonly leftOut: string;
  /** Leading columns (the set, the model) the page needs. */
  readonly columns?: readonly Column<DecodeFailureNode>[];
}

function filesText(count: number): string {
  return count === 1 ? '1 file' : `${int(count)} files`;
}

export function decodeFailureList(options: DecodeFailureListOptions): HTMLElement {
  const rows: DecodeFailureNode[] = [];
  const table = new DataTable<DecodeFailureNode>({
    caption: options.caption,
    rowKey: (node) => `${node.imageSetId}/${node.position}/${node.modelId}`,
    columns: [
      ...(options.columns ?? []),
      { key: 'path', label: 'File', cell: (node) => h('code', {}, node.path ?? `#${node.position}`) },
      { key: 'code', label: 'Code', cell: (node) => node.code },
      { key: 'message', label: 'Reason', cell: (node) => node.message },
    ],
  });
  const summary = h('p', { class: 'decode-failure-count' });
  const footer = h('div');
  const element = h('div', { id: options.id }, summary, h('div', { class: 'table-wrap' }, table.element), footer);
  const show = (page: DecodeFailurePage): void => {
    rows.push(...page.edges.map((edge) => edge.node));
    table.setRows(rows);
    replaceChildren(
      summary,
      page.totalCount === 0
        ? options.emptyText
        : `${filesText(page.totalCount)} could not be decoded (${options.leftOut}).`,
    );
    const cursor = page.pageInfo.endCursor;
    const next: Child =
      page.pageInfo.hasNextPage && cursor !== null
        ? button(`Show more (${int(rows.length)} of ${int(page.totalCount)} shown)`, () => {
            replaceChildren(footer, h('p', { class: 'muted' }, 'Loading…'));
            options
              .more(cursor)
              .then(show, (error: unknown) =>
                replaceChildren(footer, errorBox(error, 'load more of the files that failed to decode')),
              );
          })
        : null;
    replaceChildren(footer, next);
  };
  show(options.page);
  if (options.page.totalCount === 0) table.element.hidden = true;
  return element;
}
