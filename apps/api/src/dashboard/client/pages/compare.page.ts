/// <reference lib="dom" />
// Compare two or more evaluation runs (#/compare?ids=a,b,…&base=a): per OOD set, every metric of
// every run with its difference to the baseline run, coloured and worded better/worse (lower FPR
// is better, higher AUROC/AUPR is better); ROC curves of the runs overlaid per OOD set; and the
// parameters of the runs with the differing ones highlighted.
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { curveChart } from '../ui/charts';
import { h, link, replaceChildren, section, selectControl } from '../ui/dom';
import { paramValue, pct, shortId, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import COMPARE from './compare.graphql';

interface CompareRun {
  readonly id: string;
  readonly method: string;
  readonly status: string;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly permutations: number;
  readonly codeVersion: string;
  readonly modelHash: string;
  readonly shardSize: number;
  readonly createdAt: string;
  readonly miningRunId: string | null;
  readonly labelSet: { readonly id: string; readonly name: string };
  readonly model: { readonly id: string; readonly name: string };
  readonly idImageSet: { readonly id: string; readonly name: string };
  readonly results: readonly {
    readonly oodImageSetId: string;
    readonly oodImageSet: { readonly name: string };
    readonly rocPoints: readonly { readonly fpr: number; readonly tpr: number }[];
  }[];
}

interface Cell {
  readonly evaluationRunId: string;
  readonly method: string;
  readonly fprAtTprId: number;
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
}

interface Row {
  readonly oodImageSetId: string;
  readonly oodImageSetName: string;
  readonly bestByFprAtTprId: string | null;
  readonly bestByAuroc: string | null;
  readonly cells: readonly Cell[];
}

type MetricKey = 'fprAtTprId' | 'fprAtTprOod' | 'auroc' | 'auprIn' | 'auprOut';

const METRICS: readonly { readonly key: MetricKey; readonly label: string; readonly lowerIsBetter: boolean }[] = [
  { key: 'fprAtTprId', label: 'FPR95 % (fprAtTprId, ID positive)', lowerIsBetter: true },
  { key: 'fprAtTprOod', label: 'FPR95 % (fprAtTprOod, OOD positive)', lowerIsBetter: true },
  { key: 'auroc', label: 'AUROC %', lowerIsBetter: false },
  { key: 'auprIn', label: 'AUPR-In %', lowerIsBetter: false },
  { key: 'auprOut', label: 'AUPR-Out %', lowerIsBetter: false },
];

/** Differences smaller than this (in fraction units) count as equal. */
const EPSILON = 5e-5;

function runLabel(run: CompareRun): string {
  return `${run.method} ${shortId(run.id)}`;
}

function deltaCell(
  value: number,
  base: number | undefined,
  lowerIsBetter: boolean,
  isBase: boolean,
): HTMLTableCellElement {
  if (isBase || base === undefined)
    return h('td', { class: 'num' }, pct(value), isBase ? h('span', { class: 'muted small' }, ' baseline') : null);
  const delta = value - base;
  const better = lowerIsBetter ? delta < -EPSILON : delta > EPSILON;
  const worse = lowerIsBetter ? delta > EPSILON : delta < -EPSILON;
  const verdict = better ? 'better' : worse ? 'worse' : 'same';
  const sign = delta >= 0 ? '+' : '−';
  return h(
    'td',
    { class: `num delta-${verdict}`, 'data-verdict': verdict },
    pct(value),
    h('span', { class: 'delta' }, ` ${sign}${pct(Math.abs(delta))} ${verdict === 'same' ? '(same)' : `(${verdict})`}`),
  );
}

class ComparePage implements Page {
  private runs: readonly CompareRun[] = [];
  private rows: readonly Row[] = [];
  private readonly body = h('div');
  private route: Route;

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    replaceChildren(main, h('h1', {}, 'Compare evaluation runs'), this.body);
    void this.load();
  }

  private ids(): string[] {
    return (this.route.params.get('ids') ?? '').split(',').filter((id) => id !== '');
  }

  update(route: Route): void {
    const reload = route.params.get('ids') !== this.route.params.get('ids');
    this.route = route;
    if (reload) void this.load();
    else this.render();
  }

  private async load(): Promise<void> {
    const ids = this.ids();
    if (ids.length < 2) {
      replaceChildren(
        this.body,
        h('p', {}, 'Select two or more runs on the ', link('evaluation runs', href('runs')), ' page to compare them.'),
      );
      return;
    }
    replaceChildren(this.body, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { compareRuns } = await gql<{ compareRuns: { runs: CompareRun[]; rows: Row[] } }>(COMPARE, 'CompareRuns', {
        ids,
      });
      this.runs = compareRuns.runs;
      this.rows = compareRuns.rows;
      this.render();
    } catch (error) {
      replaceChildren(this.body, errorBox(error, 'compare the runs'));
    }
  }

  private baseId(): string {
    const base = this.route.params.get('base');
    return this.runs.some((run) => run.id === base) ? (base as string) : (this.runs[0]?.id ?? '');
  }

  private render(): void {
    const baseId = this.baseId();
    replaceChildren(
      this.body,
      h(
        'div',
        { class: 'filters' },
        selectControl(
          'Baseline run',
          'base',
          this.runs.map((run) => [run.id, runLabel(run)]),
          baseId,
          (value) => updateParams({ base: value }, { replace: true }),
        ),
        h(
          'span',
          { class: 'muted small' },
          'Differences are to the baseline; lower FPR95 is better, higher AUROC and AUPR are better.',
        ),
      ),
      section(
        'Runs',
        h(
          'ul',
          { class: 'plain' },
          ...this.runs.map((run) =>
            h(
              'li',
              {},
              link(runLabel(run), href('run', run.id)),
              h(
                'span',
                { class: 'muted small' },
                ` ${run.status}, ${run.labelSet.name}, ${run.model.name}, created ${when(run.createdAt)}`,
              ),
            ),
          ),
        ),
      ),
      section('Metrics per OOD set', ...this.rows.map((row) => this.metricsTable(row, baseId))),
      section('ROC curves', h('div', { class: 'charts', id: 'compare-roc' }, ...this.rocCharts())),
      section('Parameters', this.paramsTable(baseId)),
    );
  }

  private metricsTable(row: Row, baseId: string): HTMLElement {
    const cellOf = (runId: string) => row.cells.find((cell) => cell.evaluationRunId === runId);
    const base = cellOf(baseId);
    const title =
      row.oodImageSetId === 'average' || row.oodImageSetName.toLowerCase().includes('average')
        ? `${row.oodImageSetName} (over the OOD sets every run evaluated)`
        : row.oodImageSetName;
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data compare', 'data-ood-set': row.oodImageSetName },
        h('caption', {}, title),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'metric'),
            ...this.runs.map((run) =>
              h(
                'th',
                { scope: 'col', class: 'num' },
                link(runLabel(run), href('run', run.id)),
                run.id === row.bestByAuroc ? h('span', { class: 'small' }, ' (best AUROC)') : null,
              ),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          ...METRICS.map((metric) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, metric.label),
              ...this.runs.map((run) => {
                const cell = cellOf(run.id);
                return cell === undefined
                  ? h('td', { class: 'num muted' }, 'not evaluated')
                  : deltaCell(cell[metric.key], base?.[metric.key], metric.lowerIsBetter, run.id === baseId);
              }),
            ),
          ),
        ),
      ),
    );
  }

  private rocCharts(): HTMLElement[] {
    const sets = new Map<string, string>();
    for (const run of this.runs)
      for (const result of run.results) sets.set(result.oodImageSetId, result.oodImageSet.name);
    return [...sets].map(([setId, name]) =>
      curveChart(
        `ROC on ${name}`,
        'false positive rate',
        'true positive rate',
        this.runs.flatMap((run) => {
          const result = run.results.find((one) => one.oodImageSetId === setId);
          return result === undefined
            ? []
            : [{ label: runLabel(run), points: result.rocPoints.map((point) => ({ x: point.fpr, y: point.tpr })) }];
        }),
      ),
    );
  }

  private paramsTable(baseId: string): HTMLElement {
    const rows = new Map<string, (run: CompareRun) => string>([
      ['method', (run) => run.method],
      ['label set', (run) => run.labelSet.name],
      ['model', (run) => run.model.name],
      ['model hash', (run) => run.modelHash.slice(0, 16)],
      ['mining run', (run) => shortId(run.miningRunId)],
      ['ID image set', (run) => run.idImageSet.name],
      ['seed', (run) => String(run.seed)],
      ['permutations', (run) => String(run.permutations)],
      ['shard size', (run) => String(run.shardSize)],
      ['code version', (run) => run.codeVersion],
    ]);
    const keys = [...new Set(this.runs.flatMap((run) => Object.keys(run.params)))].sort();
    for (const key of keys)
      rows.set(`params.${key}`, (run) => (Object.hasOwn(run.params, key) ? paramValue(run.params[key]) : '(not set)'));
    const onlyDiff = this.route.params.get('diff') === '1';
    const trs = [...rows].flatMap(([name, value]) => {
      const values = this.runs.map(value);
      const differs = new Set(values).size > 1;
      if (onlyDiff && !differs) return [];
      const base = this.runs.find((run) => run.id === baseId);
      const baseValue = base === undefined ? undefined : value(base);
      return [
        h(
          'tr',
          { class: differs ? 'differs' : undefined, 'data-param': name },
          h('th', { scope: 'row' }, name, differs ? h('span', { class: 'small' }, ' (differs)') : null),
          ...values.map((text) => h('td', { class: differs && text !== baseValue ? 'changed' : undefined }, text)),
        ),
      ];
    });
    const toggle = h(
      'label',
      { class: 'control inline' },
      h('input', {
        type: 'checkbox',
        name: 'diff',
        checked: onlyDiff,
        onchange: (event: Event) =>
          updateParams({ diff: (event.target as HTMLInputElement).checked ? '1' : undefined }, { replace: true }),
      }),
      h('span', {}, 'only parameters that differ'),
    );
    return h(
      'div',
      {},
      toggle,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'data params-diff' },
          h('caption', { class: 'visually-hidden' }, 'Parameters of the compared runs'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'parameter'),
              ...this.runs.map((run) => h('th', { scope: 'col' }, runLabel(run))),
            ),
          ),
          h('tbody', {}, ...trs),
        ),
      ),
    );
  }
}

export const comparePage: PageModule = {
  view: 'compare',
  nav: 'runs',
  title: () => 'Compare runs',
  mount: (main, route) => new ComparePage(main, route),
};
