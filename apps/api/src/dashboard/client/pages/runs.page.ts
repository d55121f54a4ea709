/// <reference lib="dom" />
// Evaluation runs: filters (label set, model, method, status, created date range), the FPR95
// convention the means use (fprAtTprId or fprAtTprOod, named as in the API), sorting by any
// column on the server (so paging and the export follow it), cursor paging, selection for Compare, live progress of unfinished runs, and the CSV export of every
// page of the current filter. All of it is URL state.
import { EXPORT_PAGE_SIZE, fetchAll, gql, type Connection } from '../app/api';
import { isTerminal, onTransportChange, currentTransport, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { Latest } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { button, h, inputControl, link, replaceChildren, selectControl } from '../ui/dom';
import { toCsv, download } from '../ui/download';
import { duration, durationSeconds, paramsSummary, pct, shortId, when, whenShort } from '../ui/format';
import { isAbort, showError } from '../ui/notice';
import { DataTable, type Column, type SortDirection } from '../ui/table';
import { allOption, dateRange, isActive, PAGE_SIZES, Pager, pageSize, statusCell, type FilterOptions } from './filters';
import { convention, conventionTitle, FPR_CONVENTIONS, meanMetric, type FprConvention, type RunRow } from './run-row';
import RUNS from './runs.graphql';

type RunsConnection = Connection<RunRow>;

/** The API ordering of each sortable column (the FPR95 column follows the convention shown). */
const ORDER_OF_COLUMN: Record<string, (fpr: FprConvention) => string> = {
  created: () => 'created',
  method: () => 'method',
  status: () => 'status',
  labelSet: () => 'labelSet',
  model: () => 'model',
  fpr: (fpr) => (fpr === 'fprAtTprOod' ? 'meanFprAtTprOod' : 'meanFprAtTprId'),
  auroc: () => 'meanAuroc',
  duration: () => 'duration',
  oodSets: () => 'oodSets',
};

function filterOf(route: Route): Record<string, string> {
  const filter: Record<string, string> = {};
  for (const [param, field] of [
    ['labelSet', 'labelSetId'],
    ['model', 'modelId'],
    ['method', 'method'],
    ['status', 'status'],
  ] as const) {
    const value = route.params.get(param);
    if (value !== null && value !== '') filter[field] = value;
  }
  return { ...filter, ...dateRange(route) };
}

/** The column and direction shown as sorted (unknown columns fall back to newest first). */
function sortOf(route: Route): { key: string; direction: SortDirection } {
  const key = route.params.get('sort') ?? 'created';
  const direction: SortDirection = route.params.get('dir') === 'asc' ? 'asc' : 'desc';
  return key in ORDER_OF_COLUMN ? { key, direction } : { key: 'created', direction: 'desc' };
}

/** The evaluationRuns orderBy of the route: every column sorts all pages on the server (and so the export). */
function orderOf(route: Route): string {
  const { key, direction } = sortOf(route);
  return `${ORDER_OF_COLUMN[key]!(convention(route.params.get('fpr')))}_${direction}`;
}

function selected(route: Route): string[] {
  return (route.params.get('sel') ?? '').split(',').filter((id) => id !== '');
}

class RunsPage implements Page {
  private readonly filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' });
  private readonly status = h('div', { class: 'slot' });
  private readonly summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  private readonly liveNote = h('span', { class: 'muted small', id: 'live-note' });
  private readonly exportNote = h('span', { class: 'muted small', 'aria-live': 'polite' });
  private readonly compareButton: HTMLButtonElement;
  private readonly pager = new Pager('runs');
  private readonly latest = new Latest();
  private readonly table: DataTable<RunRow>;
  private options: FilterOptions | undefined;
  private rows: RunRow[] = [];
  private route: Route;
  private watchers = new Map<string, () => void>();
  private readonly stopTransport: () => void;

  constructor(
    private readonly main: HTMLElement,
    route: Route,
  ) {
    this.route = route;
    this.compareButton = button(
      'Compare selected',
      () => {
        const ids = selected(this.route);
        if (ids.length >= 2) window.location.hash = href('compare', undefined, { ids: ids.join(',') });
      },
      { id: 'compare-selected' },
    );
    this.table = new DataTable<RunRow>({
      caption: 'Evaluation runs',
      columns: this.columns(),
      rowKey: (run) => run.id,
      onSort: (key, direction) => updateParams({ sort: key, dir: direction, after: undefined, page: undefined }),
      firstDirection: (key) => (key === 'created' || key === 'auroc' || key === 'duration' ? 'desc' : 'asc'),
      emptyText: 'No evaluation run matches these filters.',
    });
    this.stopTransport = onTransportChange(() => this.showTransport());
    replaceChildren(
      main,
      h('h1', {}, 'Evaluation runs'),
      h('section', { class: 'card', 'aria-label': 'Filters and options' }, this.filters),
      this.status,
      h(
        'section',
        { class: 'card', 'aria-label': 'Run list' },
        h(
          'div',
          { class: 'section-head' },
          this.summary,
          h(
            'div',
            { class: 'actions' },
            this.compareButton,
            button('Export CSV (all pages)', () => void this.exportCsv(), { id: 'export-csv' }),
            this.exportNote,
          ),
        ),
        h('div', { class: 'table-wrap' }, this.table.element),
        h('div', { class: 'section-foot' }, this.pager.element, this.liveNote),
      ),
    );
    void this.loadOptions();
    this.update(route);
  }

  private columns(): Column<RunRow>[] {
    const fpr = (): FprConvention => convention(this.route.params.get('fpr'));
    const fprInfo = (): (typeof FPR_CONVENTIONS)[number] =>
      FPR_CONVENTIONS.find((one) => one.id === fpr()) ?? FPR_CONVENTIONS[0]!;
    return [
      {
        key: 'select',
        label: 'Compare',
        cell: (run) => {
          const box = h('input', {
            type: 'checkbox',
            'aria-label': `select run ${shortId(run.id)} for comparison`,
            checked: selected(this.route).includes(run.id),
            tabindex: '-1',
          });
          box.addEventListener('change', () => this.toggle(run.id, box.checked));
          return box;
        },
      },
      {
        key: 'created',
        label: 'Created (UTC)',
        title: 'Creation time (UTC)',
        sortable: true,
        cell: (run) =>
          link(whenShort(run.createdAt), href('run', run.id), {
            title: `run ${run.id}, created ${when(run.createdAt)}`,
            class: 'nowrap',
          }),
      },
      { key: 'method', label: 'Method', sortable: true, cell: (run) => run.method },
      { key: 'status', label: 'Status', sortable: true, cell: (run) => statusCell(run) },
      { key: 'labelSet', label: 'Label set', sortable: true, cell: (run) => run.labelSet.name },
      { key: 'model', label: 'Model', sortable: true, cell: (run) => run.model.name },
      {
        key: 'params',
        label: 'Key parameters',
        cell: (run) =>
          h(
            'span',
            {
              class: 'params small',
              title: `${JSON.stringify(run.params)}; seed=${run.seed}, permutations=${run.permutations}`,
            },
            run.seed === 0 && run.permutations === 1
              ? paramsSummary(run.params)
              : `${paramsSummary(run.params)}; seed=${run.seed}, permutations=${run.permutations}`,
          ),
      },
      {
        key: 'oodSets',
        label: 'OOD sets',
        numeric: true,
        sortable: true,
        title: 'OOD image sets the run evaluates',
        cell: (run) => String(run.oodImageSetIds.length),
      },
      {
        key: 'fpr',
        label: 'mean FPR95 %',
        get sub() {
          return `(${fpr()})`;
        },
        get title() {
          return `Mean over OOD sets of ${fpr()}: ${conventionTitle(fprInfo())}`;
        },
        numeric: true,
        sortable: true,
        cell: (run) => pct(meanMetric(run, fpr())),
      },
      {
        key: 'auroc',
        label: 'mean AUROC %',
        title: 'Mean AUROC over the OOD sets',
        numeric: true,
        sortable: true,
        cell: (run) => pct(meanMetric(run, 'auroc')),
      },
      {
        key: 'duration',
        label: 'Duration',
        numeric: true,
        sortable: true,
        cell: (run) => duration(durationSeconds(run), isActive(run.status)),
      },
      {
        key: 'mining',
        label: 'Mining run',
        cell: (run) =>
          run.miningRunId === null
            ? '—'
            : link(shortId(run.miningRunId), href('negatives', run.miningRunId), {
                title: `negatives of mining run ${run.miningRunId}`,
              }),
      },
    ];
  }

  private toggle(id: string, on: boolean): void {
    const ids = new Set(selected(this.route));
    if (on) ids.add(id);
    else ids.delete(id);
    updateParams({ sel: [...ids].join(',') }, { replace: true });
  }

  private async loadOptions(): Promise<void> {
    try {
      this.options = await gql<FilterOptions>(RUNS, 'RunsFilterOptions');
    } catch (error) {
      showError(this.status, error, 'load the filter options');
    }
    this.renderFilters();
  }

  private renderFilters(): void {
    const p = this.route.params;
    const o = this.options;
    const set = (key: string) => (value: string) => updateParams({ [key]: value, after: undefined, page: undefined });
    replaceChildren(
      this.filters,
      selectControl(
        'Label set',
        'labelSet',
        allOption((o?.labelSets ?? []).map((one) => [one.id, one.name])),
        p.get('labelSet') ?? '',
        set('labelSet'),
      ),
      selectControl(
        'Model',
        'model',
        allOption((o?.models ?? []).map((one) => [one.id, one.name])),
        p.get('model') ?? '',
        set('model'),
      ),
      selectControl(
        'Method',
        'method',
        allOption((o?.scoringMethods?.enumValues ?? []).map((one) => [one.name, one.name])),
        p.get('method') ?? '',
        set('method'),
      ),
      selectControl(
        'Status',
        'status',
        allOption((o?.runStatuses?.enumValues ?? []).map((one) => [one.name, one.name])),
        p.get('status') ?? '',
        set('status'),
      ),
      inputControl('Created from', 'from', 'date', p.get('from') ?? '', set('from')),
      inputControl('Created to', 'to', 'date', p.get('to') ?? '', set('to')),
      selectControl(
        'Rows per page',
        'size',
        PAGE_SIZES.map((size) => [size, size]),
        String(pageSize(this.route)),
        set('size'),
      ),
      selectControl(
        'FPR95 convention',
        'fpr',
        FPR_CONVENTIONS.map((one) => [one.id, `${one.short} — ${one.long}`]),
        convention(p.get('fpr')),
        (value) => updateParams({ fpr: value === 'fprAtTprId' ? undefined : value }),
      ),
    );
  }

  update(route: Route): void {
    const previous = this.route;
    this.route = route;
    this.renderFilters();
    const ids = selected(route);
    this.compareButton.disabled = ids.length < 2;
    this.compareButton.textContent = `Compare selected (${ids.length})`;
    const dataKeys = ['labelSet', 'model', 'method', 'status', 'from', 'to', 'size', 'after'];
    const orderChanged = orderOf(previous) !== orderOf(route);
    if (
      this.rows.length === 0 ||
      orderChanged ||
      dataKeys.some((key) => previous.params.get(key) !== route.params.get(key)) ||
      previous === route
    ) {
      void this.load();
    } else {
      this.render();
    }
  }

  private async load(): Promise<void> {
    const signal = this.latest.next();
    const size = pageSize(this.route);
    const filter = filterOf(this.route);
    this.pager.reset(JSON.stringify([filter, orderOf(this.route), size]));
    this.summary.textContent = 'Loading…';
    const started = performance.now();
    try {
      const { evaluationRuns } = await gql<{ evaluationRuns: RunsConnection }>(
        RUNS,
        'RunsPage',
        { first: size, after: this.route.params.get('after'), filter, orderBy: orderOf(this.route) },
        signal,
      );
      showError(this.status, undefined, '');
      this.rows = evaluationRuns.edges.map((edge) => edge.node);
      this.render();
      this.pager.show(
        this.route,
        this.rows.length,
        evaluationRuns.totalCount,
        evaluationRuns.pageInfo.hasNextPage,
        evaluationRuns.pageInfo.endCursor,
        size,
      );
      this.summary.textContent = `${evaluationRuns.totalCount.toLocaleString('en-US')} evaluation runs match`;
      this.main.dataset['loadedMs'] = String(Math.round(performance.now() - started));
      this.follow();
    } catch (error) {
      if (isAbort(error)) return;
      this.summary.textContent = '';
      showError(this.status, error, 'load the evaluation runs');
    }
  }

  private render(): void {
    this.table.setSort(sortOf(this.route));
    this.table.setRows(this.rows);
    this.showTransport();
  }

  /** Subscribes to runProgress for every unfinished run on the page; stops following the others. */
  private follow(): void {
    const active = new Set(this.rows.filter((run) => isActive(run.status)).map((run) => run.id));
    for (const [id, stop] of this.watchers) {
      if (!active.has(id)) {
        stop();
        this.watchers.delete(id);
      }
    }
    for (const id of active) {
      if (this.watchers.has(id)) continue;
      this.watchers.set(
        id,
        watchRun(id, (event) => {
          const run = this.rows.find((row) => row.id === id);
          if (run === undefined) return;
          run.status = event.status;
          run.progress = event.progress;
          run.statusReason = event.statusReason;
          this.table.updateRow(run);
          if (isTerminal(event.status)) {
            this.watchers.get(id)?.();
            this.watchers.delete(id);
            void this.refreshRow(id);
          }
        }),
      );
    }
    this.showTransport();
  }

  private async refreshRow(id: string): Promise<void> {
    try {
      const { evaluationRun } = await gql<{ evaluationRun: RunRow }>(RUNS, 'RunsRow', { id });
      const index = this.rows.findIndex((row) => row.id === id);
      if (index >= 0) {
        this.rows[index] = evaluationRun;
        this.table.updateRow(evaluationRun);
      }
    } catch (error) {
      showError(this.status, error, `reload run ${shortId(id)}`);
    }
  }

  private showTransport(): void {
    const live =
      this.watchers.size === 0
        ? ''
        : currentTransport() === 'subscription'
          ? `live progress of ${this.watchers.size} unfinished run(s) via the runProgress subscription`
          : `live progress of ${this.watchers.size} unfinished run(s) by polling every 2 s (WebSocket unavailable)`;
    this.liveNote.textContent = live;
  }

  private async exportCsv(): Promise<void> {
    const filter = filterOf(this.route);
    const orderBy = orderOf(this.route);
    this.exportNote.textContent = 'Exporting…';
    try {
      const runs = await fetchAll<RunRow>(
        async (after) =>
          (
            await gql<{ evaluationRuns: RunsConnection }>(RUNS, 'RunsPage', {
              first: EXPORT_PAGE_SIZE,
              after,
              filter,
              orderBy,
            })
          ).evaluationRuns,
        (done, total) => {
          this.exportNote.textContent = `Exporting ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}…`;
        },
      );
      const header = [
        'id',
        'created_at',
        'method',
        'status',
        'label_set',
        'model',
        'mining_run_id',
        'params',
        'seed',
        'permutations',
        'started_at',
        'finished_at',
        'duration_s',
        'ood_sets',
        'mean_fprAtTprId',
        'mean_fprAtTprOod',
        'mean_auroc',
        'mean_auprIn',
        'mean_auprOut',
      ];
      const rows = runs.map((run) => [
        run.id,
        run.createdAt,
        run.method,
        run.status,
        run.labelSet.name,
        run.model.name,
        run.miningRunId,
        run.params,
        run.seed,
        run.permutations,
        run.startedAt,
        run.finishedAt,
        durationSeconds(run)?.toFixed(3),
        run.results.map((result) => result.oodImageSet.name).join(';'),
        meanMetric(run, 'fprAtTprId'),
        meanMetric(run, 'fprAtTprOod'),
        meanMetric(run, 'auroc'),
        meanMetric(run, 'auprIn'),
        meanMetric(run, 'auprOut'),
      ]);
      download('evaluation-runs.csv', toCsv(header, rows), 'text/csv;charset=utf-8');
      this.exportNote.textContent = `Exported ${runs.length.toLocaleString('en-US')} runs.`;
    } catch (error) {
      this.exportNote.textContent = '';
      showError(this.status, error, 'export the runs');
    }
  }

  dispose(): void {
    this.latest.abort();
    for (const stop of this.watchers.values()) stop();
    this.watchers.clear();
    this.stopTransport();
  }
}

export const runsPage: PageModule = {
  view: 'runs',
  nav: 'runs',
  title: () => 'Evaluation runs',
  mount: (main, route) => new RunsPage(main, route),
};
