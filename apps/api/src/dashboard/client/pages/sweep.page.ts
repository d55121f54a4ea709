/// <reference lib="dom" />
// One sweep (#/sweep/<id>): what was swept (method, objective, grid, fixed parameters, validation and
// test sets), its status with live progress, every grid point with its objective value and a link to
// its evaluation run — the chosen point highlighted —, a plot of the objective per grid point, and
// the chosen point's evaluation on the test sets.
import { gql } from '../app/api';
import { isTerminal, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { href, type Route } from '../app/route';
import { pointsChart } from '../ui/charts';
import { facts, h, link, replaceChildren, section, type Child } from '../ui/dom';
import { duration, durationSeconds, int, num, paramsSummary, paramValue, shortId, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import { DataTable } from '../ui/table';
import { isActive, statusCell } from './filters';
import { OBJECTIVES, type SweepRow } from './sweeps.page';
import SWEEPS from './sweeps.graphql';

interface SweepChild {
  readonly index: number;
  readonly params: Record<string, unknown>;
  readonly objectiveValue: number;
  readonly evaluationRunId: string;
}

interface SweepSets {
  readonly idImageSetId: string;
  readonly oodImageSetIds: readonly string[];
}

interface SweepDetail extends SweepRow {
  readonly error: string | null;
  readonly codeVersion: string;
  readonly attempts: number;
  readonly labelSetId: string;
  readonly modelId: string;
  readonly miningRunId: string | null;
  readonly grid: Record<string, readonly unknown[]>;
  readonly baseParams: Record<string, unknown>;
  readonly validation: SweepSets;
  readonly test: SweepSets | null;
  readonly children: readonly SweepChild[];
}

interface Named {
  readonly id: string;
  readonly name: string;
}

interface DetailData {
  readonly sweep: SweepDetail;
  readonly imageSets: readonly Named[];
  readonly labelSets: readonly Named[];
  readonly models: readonly Named[];
}

class SweepPage implements Page {
  private readonly body = h('div');
  private readonly heading = h('h1', {}, 'Sweep');
  private stopWatch: (() => void) | undefined;
  private disposed = false;

  constructor(
    private readonly main: HTMLElement,
    private readonly route: Route,
  ) {
    replaceChildren(main, this.heading, this.body);
    void this.load();
  }

  private async load(): Promise<void> {
    const started = performance.now();
    try {
      const data = await gql<DetailData>(SWEEPS, 'SweepDetail', { id: this.route.id });
      if (this.disposed) return;
      this.render(data);
      this.main.dataset['loadedMs'] = String(Math.round(performance.now() - started));
      this.follow(data.sweep);
    } catch (error) {
      if (!this.disposed) replaceChildren(this.body, errorBox(error, `load sweep ${this.route.id ?? ''}`));
    }
  }

  /** While the sweep works, its status follows runProgress; when it ends, the page loads it again. */
  private follow(sweep: SweepDetail): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
    if (!isActive(sweep.status)) return;
    const statusSlot = this.body.querySelector<HTMLElement>('[data-slot=status]');
    this.stopWatch = watchRun(sweep.id, (event) => {
      const live = { ...sweep, status: event.status, progress: event.progress, statusReason: event.statusReason };
      if (statusSlot !== null) replaceChildren(statusSlot, statusCell(live));
      if (isTerminal(event.status)) {
        this.stopWatch?.();
        this.stopWatch = undefined;
        void this.load();
      }
    });
  }

  private render(data: DetailData): void {
    const { sweep } = data;
    const name = (list: readonly Named[], id: string | null): string =>
      id === null ? '—' : (list.find((one) => one.id === id)?.name ?? shortId(id));
    const sets = (one: SweepSets | null): Child =>
      one === null
        ? h('span', { class: 'muted' }, 'none (no test evaluation)')
        : `ID ${name(data.imageSets, one.idImageSetId)}; OOD ${one.oodImageSetIds.map((id) => name(data.imageSets, id)).join(', ')}`;
    this.heading.replaceChildren(`Sweep ${shortId(sweep.id)}: ${sweep.method}, ${sweep.objective}`);
    const chosen = sweep.bestIndex;
    const statusSlot = h('span', { 'data-slot': 'status' }, statusCell(sweep));
    const overview = facts([
      ['id', sweep.id],
      ['status', statusSlot],
      ['method', sweep.method],
      [
        'objective',
        h('span', {}, sweep.objective, h('span', { class: 'muted small' }, ` — ${OBJECTIVES[sweep.objective] ?? ''}`)),
      ],
      ['grid', `${gridText(sweep.grid)} (${int(sweep.points)} points)`],
      ['fixed parameters', paramsSummary(sweep.baseParams)],
      ['validation sets', sets(sweep.validation)],
      ['test sets', sets(sweep.test)],
      ['label set', link(name(data.labelSets, sweep.labelSetId), href('label-set', sweep.labelSetId))],
      ['model', name(data.models, sweep.modelId)],
      [
        'mining run',
        sweep.miningRunId === null ? '—' : link(shortId(sweep.miningRunId), href('negatives', sweep.miningRunId)),
      ],
      [
        'chosen point',
        chosen === null
          ? h('span', { class: 'muted' }, 'not chosen yet')
          : h('span', { id: 'sweep-chosen' }, `#${chosen}: ${paramsSummary(sweep.bestParams)}`),
      ],
      [
        'test run',
        sweep.testRunId === null
          ? h('span', { class: 'muted' }, '—')
          : link(`run ${shortId(sweep.testRunId)} (the chosen point on the test sets)`, href('run', sweep.testRunId), {
              id: 'sweep-test-run',
            }),
      ],
      ['created', when(sweep.createdAt)],
      ['duration', duration(durationSeconds(sweep), isActive(sweep.status))],
      ['attempts', int(sweep.attempts)],
      ['code version', sweep.codeVersion],
    ]);
    const failure =
      sweep.status === 'failed' && sweep.error !== null
        ? h(
            'div',
            { class: 'error', role: 'alert' },
            h('strong', {}, 'The sweep failed: '),
            sweep.error,
            ' ',
            h('span', { class: 'code' }, `(code ${sweep.errorCode ?? 'unknown'})`),
          )
        : null;
    const swept = Object.keys(sweep.grid);
    const table = new DataTable<SweepChild>({
      caption: 'Grid points',
      rowKey: (child) => String(child.index),
      rowClass: (child) => (child.index === chosen ? 'chosen' : undefined),
      emptyText: isActive(sweep.status)
        ? 'The grid points appear when the sweep succeeds (they are committed together).'
        : 'No grid point was committed.',
      columns: [
        {
          key: 'index',
          label: 'Point',
          numeric: true,
          cell: (child) =>
            child.index === chosen
              ? h(
                  'span',
                  {},
                  h('strong', {}, String(child.index)),
                  ' ',
                  h('span', { class: 'badge chosen-badge' }, 'chosen'),
                )
              : String(child.index),
        },
        ...swept.map((key) => ({
          key: `param-${key}`,
          label: key,
          numeric: true,
          cell: (child: SweepChild) => paramValue(child.params[key]),
        })),
        {
          key: 'objective',
          label: sweep.objective,
          title: OBJECTIVES[sweep.objective],
          numeric: true,
          cell: (child) => num(child.objectiveValue, 6),
        },
        {
          key: 'run',
          label: 'Validation run',
          cell: (child) =>
            link(`run ${shortId(child.evaluationRunId)}`, href('run', child.evaluationRunId), {
              title: `grid point ${child.index} evaluated on the validation sets`,
            }),
        },
      ],
    });
    table.setRows(sweep.children);
    const chart =
      sweep.children.length === 0
        ? null
        : pointsChart(
            `${sweep.objective} per grid point (validation)`,
            { x: 'grid point', y: sweep.objective },
            sweep.children.map((child) => child.objectiveValue),
            chosen === null ? null : { index: chosen, label: `chosen point #${chosen}` },
          );
    replaceChildren(
      this.body,
      failure,
      section('Overview', overview),
      section('Grid points', h('div', { class: 'charts' }, chart), h('div', { class: 'table-wrap' }, table.element)),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatch?.();
  }
}

/** "name: v1, v2; name: …" of a grid. */
function gridText(grid: Record<string, readonly unknown[]>): string {
  const entries = Object.entries(grid);
  return entries.length === 0
    ? '—'
    : entries.map(([key, values]) => `${key}: ${values.map((value) => paramValue(value)).join(', ')}`).join('; ');
}

export const sweepPage: PageModule = {
  view: 'sweep',
  nav: 'sweeps',
  title: (route) => `Sweep ${shortId(route.id)}`,
  mount: (main, route) => new SweepPage(main, route),
};
