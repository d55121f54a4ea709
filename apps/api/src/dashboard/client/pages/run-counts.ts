/// <reference lib="dom" />
// Fills "N runs" cells of a catalogue table asynchronously (one small count query per row), so the
// list paints first and the counts follow.
import { gql } from '../app/api';
import { h, link, replaceChildren } from '../ui/dom';
import { int } from '../ui/format';
import { errorText } from '../ui/notice';

export function countCell(load: () => Promise<{ count: number; target: string }>, noun: string): HTMLElement {
  const cell = h('span', { class: 'muted' }, '…');
  load().then(
    ({ count, target }) => replaceChildren(cell, link(`${int(count)} ${noun}`, target)),
    (error: unknown) => {
      const { code } = errorText(error);
      replaceChildren(cell, h('span', { class: 'error-inline', title: errorText(error).message }, `error (${code})`));
    },
  );
  return cell;
}

export interface RunCounts {
  readonly evaluationRuns: { readonly totalCount: number };
  readonly miningRuns: { readonly totalCount: number };
}

/** One promise per row shared by its two count cells. */
export function memoCounts(
  document: string,
  operation: string,
  variables: Record<string, unknown>,
): () => Promise<RunCounts> {
  let promise: Promise<RunCounts> | undefined;
  return () => (promise ??= gql<RunCounts>(document, operation, variables));
}
