/// <reference lib="dom" />
// Sweeps (#/sweeps?size=&after=): validated hyperparameter sweeps, newest first — method, objective,
// grid size, status with live progress, the chosen point's parameters, a link to its evaluation on
// the test sets and to the sweep's page; cursor paging in the URL.
import { gql, type Connection } from '../app/api';
import { isTerminal, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { Latest } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { h, link, replaceChildren, selectControl } from '../ui/dom';
import { duration, durationSeconds, int, paramsSummary, shortId, whenShort } from '../ui/format';
import { isAbort, showError } from '../ui/notice';
import { DataTable } from '../ui/table';
import { isActive, PAGE_SIZES, Pager, pageSize, statusCell } from './filters';
import SWEEPS from './sweeps.graphql';

export interface SweepRow {
  readonly id: string;
  status: string;
  progress: number;
  statusReason: string | null;
  readonly errorCode: string | null;
  readonly method: string;
  readonly objective: string;
  readonly points: number;
  readonly bestIndex: number | null;
  readonly bestParams: unknown;
  readonly testRunId: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** What each objective means, named as in the API (the mean over the validation OOD sets). */
export const OBJECTIVES: Readonly<Record<string, string>> = {
  auroc: 'mean AUROC over the validation OOD sets (higher is better)',
  fprAtTprId: 'mean FPR at 95% TPR, ID positive (the paper), over the validation OOD sets (lower is better)',
  fprAtTprOod: 'mean FPR at 95% TPR, OOD positive (OpenOOD v1.5), over the validation OOD sets (lower is better)',
};

class SweepsPage implements Page {
  private readonly status = h('div', { class: 'slot' });
  private readonly summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  private readonly filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Options' });
  private readonly pager = new Pager('sweeps');
  private readonly latest = new Latest();
  private readonly table: DataTable<SweepRow>;
  private readonly watchers = new Map<string, () => void>();
  private rows: SweepRow[] = [];
  private route: Route;

  constructor(
    private readonly main: HTMLElement,
    route: Route,
  ) {
    this.route = route;
    this.table = new DataTable<SweepRow>({
      caption: 'Sweeps',
      rowKey: (row) => row.id,
      emptyText: 'No sweep yet. Launch one with the launchSweep mutation.',
      columns: [
        {
          key: 'created',
          label: 'Created (UTC)',
          cell: (row) =>
            link(whenShort(row.createdAt), href('sweep', row.id), { title: `sweep ${row.id}`, class: 'nowrap' }),
        },
        { key: 'method', label: 'Method', cell: (row) => row.method },
        {
          key: 'objective',
          label: 'Objective',
          cell: (row) => h('abbr', { title: OBJECTIVES[row.objective] ?? row.objective }, row.objective),
        },
        { key: 'points', label: 'Grid points', numeric: true, cell: (row) => int(row.points) },
        { key: 'status', label: 'Status', cell: (row) => statusCell(row) },
        {
          key: 'best',
          label: 'Chosen parameters',
          cell: (row) =>
            row.bestIndex === null
              ? h('span', { class: 'muted' }, '—')
              : h('span', { class: 'params small' }, `#${row.bestIndex}: ${paramsSummary(row.bestParams)}`),
        },
        {
          key: 'test',
          label: 'Test run',
          cell: (row) =>
            row.testRunId === null
              ? h('span', { class: 'muted' }, '—')
              : link(`run ${shortId(row.testRunId)}`, href('run', row.testRunId), {
                  title: `the chosen point evaluated on the test sets: run ${row.testRunId}`,
                }),
        },
        {
          key: 'duration',
          label: 'Duration',
          numeric: true,
          cell: (row) => duration(durationSeconds(row), isActive(row.status)),
        },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Sweeps'),
      h(
        'p',
        { class: 'muted small' },
        'A sweep evaluates every grid point on validation sets, keeps the best by its objective (the first best in grid order on ties), then evaluates that point once on the test sets.',
      ),
      h('section', { class: 'card', 'aria-label': 'Options' }, this.filters),
      this.status,
      h(
        'section',
        { class: 'card', 'aria-label': 'Sweep list' },
        h('div', { class: 'section-head' }, this.summary),
        h('div', { class: 'table-wrap' }, this.table.element),
        h('div', { class: 'section-foot' }, this.pager.element),
      ),
    );
    this.update(route);
  }

  update(route: Route): void {
    this.route = route;
    replaceChildren(
      this.filters,
      selectControl(
        'Rows per page',
        'size',
        PAGE_SIZES.map((size) => [size, size]),
        String(pageSize(route)),
        (value) => updateParams({ size: value, after: undefined, page: undefined }),
      ),
    );
    void this.load();
  }

  private async load(): Promise<void> {
    const signal = this.latest.next();
    const size = pageSize(this.route);
    this.pager.reset(String(size));
    this.summary.textContent = 'Loading…';
    const started = performance.now();
    try {
      const { sweeps } = await gql<{ sweeps: Connection<SweepRow> }>(
        SWEEPS,
        'SweepsPage',
        { first: size, after: this.route.params.get('after') },
        signal,
      );
      showError(this.status, undefined, '');
      this.rows = sweeps.edges.map((edge) => edge.node);
      this.table.setRows(this.rows);
      this.pager.show(
        this.route,
        this.rows.length,
        sweeps.totalCount,
        sweeps.pageInfo.hasNextPage,
        sweeps.pageInfo.endCursor,
        size,
      );
      this.summary.textContent = `${int(sweeps.totalCount)} sweeps`;
      this.main.dataset['loadedMs'] = String(Math.round(performance.now() - started));
      this.follow();
    } catch (error) {
      if (isAbort(error)) return;
      this.summary.textContent = '';
      showError(this.status, error, 'load the sweeps');
    }
  }

  /** Live progress of the unfinished sweeps on the page (runProgress, run kind sweep). */
  private follow(): void {
    for (const stop of this.watchers.values()) stop();
    this.watchers.clear();
    for (const row of this.rows.filter((one) => isActive(one.status))) {
      this.watchers.set(
        row.id,
        watchRun(row.id, (event) => {
          row.status = event.status;
          row.progress = event.progress;
          row.statusReason = event.statusReason;
          this.table.updateRow(row);
          if (isTerminal(event.status)) void this.refreshRow(row.id);
        }),
      );
    }
  }

  private async refreshRow(id: string): Promise<void> {
    try {
      const { sweep } = await gql<{ sweep: SweepRow }>(SWEEPS, 'SweepRow', { id });
      const index = this.rows.findIndex((row) => row.id === id);
      if (index >= 0) {
        this.rows[index] = sweep;
        this.table.updateRow(sweep);
      }
    } catch (error) {
      showError(this.status, error, `reload sweep ${shortId(id)}`);
    }
  }

  dispose(): void {
    this.latest.abort();
    for (const stop of this.watchers.values()) stop();
    this.watchers.clear();
  }
}

export const sweepsPage: PageModule = {
  view: 'sweeps',
  nav: 'sweeps',
  title: () => 'Sweeps',
  mount: (main, route) => new SweepsPage(main, route),
};
