/// <reference lib="dom" />
// Mining runs: filters (label set, model, status), sorting by any column on the server, paging, live progress of unfinished
// runs, links to each run's negatives, and a CSV export of all pages.
import { EXPORT_PAGE_SIZE, fetchAll, gql, type Connection } from '../app/api';
import { isTerminal, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { Latest } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { button, h, link, replaceChildren, selectControl } from '../ui/dom';
import { download, toCsv } from '../ui/download';
import { duration, durationSeconds, int, paramsSummary, shortId, whenShort } from '../ui/format';
import { isAbort, showError } from '../ui/notice';
import { DataTable, type SortDirection } from '../ui/table';
import { allOption, isActive, PAGE_SIZES, Pager, pageSize, statusCell, type FilterOptions } from './filters';
import MINING from './mining.graphql';

interface MiningRow {
  readonly id: string;
  readonly selectionMethod: string;
  readonly selectionParams: unknown;
  status: string;
  progress: number;
  statusReason: string | null;
  readonly errorCode: string | null;
  readonly negativeCount: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly labelSet: { readonly id: string; readonly name: string };
  readonly model: { readonly id: string; readonly name: string };
  readonly corpus: { readonly source: string; readonly entryCount: number };
}

/** The miningRuns orderBy key of each sortable column. */
const ORDER_OF_COLUMN: Record<string, string> = {
  created: 'created',
  method: 'selectionMethod',
  status: 'status',
  labelSet: 'labelSet',
  model: 'model',
  negatives: 'negativeCount',
  duration: 'duration',
};

function sortOf(route: Route): { key: string; direction: SortDirection } {
  const key = route.params.get('sort') ?? 'created';
  const direction: SortDirection = route.params.get('dir') === 'asc' ? 'asc' : 'desc';
  return key in ORDER_OF_COLUMN ? { key, direction } : { key: 'created', direction: 'desc' };
}

/** Every column sorts all pages on the server, so paging and the export follow it. */
function orderOf(route: Route): string {
  const { key, direction } = sortOf(route);
  return `${ORDER_OF_COLUMN[key]}_${direction}`;
}

function variablesOf(route: Route): Record<string, string | undefined> {
  const get = (key: string) => (route.params.get(key) ?? '') || undefined;
  return { labelSetId: get('labelSet'), modelId: get('model'), status: get('status'), orderBy: orderOf(route) };
}

class MiningPage implements Page {
  private readonly filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Filters' });
  private readonly status = h('div', { class: 'slot' });
  private readonly summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  private readonly exportNote = h('span', { class: 'muted small', 'aria-live': 'polite' });
  private readonly pager = new Pager('mining runs');
  private readonly latest = new Latest();
  private readonly table: DataTable<MiningRow>;
  private options: FilterOptions | undefined;
  private rows: MiningRow[] = [];
  private route: Route;
  private readonly watchers = new Map<string, () => void>();

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    this.table = new DataTable<MiningRow>({
      caption: 'Mining runs',
      rowKey: (run) => run.id,
      onSort: (key, direction) => updateParams({ sort: key, dir: direction, after: undefined, page: undefined }),
      firstDirection: (key) => (key === 'created' || key === 'negatives' || key === 'duration' ? 'desc' : 'asc'),
      emptyText: 'No mining run matches these filters.',
      columns: [
        {
          key: 'created',
          label: 'Created (UTC)',
          sortable: true,
          cell: (run) =>
            link(whenShort(run.createdAt), href('negatives', run.id), {
              title: `negatives of mining run ${run.id}`,
              class: 'nowrap',
            }),
        },
        { key: 'method', label: 'Selection method', sortable: true, cell: (run) => run.selectionMethod },
        { key: 'status', label: 'Status', sortable: true, cell: (run) => statusCell(run) },
        { key: 'labelSet', label: 'Label set', sortable: true, cell: (run) => run.labelSet.name },
        { key: 'model', label: 'Model', sortable: true, cell: (run) => run.model.name },
        {
          key: 'params',
          label: 'Key parameters',
          cell: (run) => h('span', { class: 'params small' }, paramsSummary(run.selectionParams)),
        },
        { key: 'corpus', label: 'Corpus', cell: (run) => `${run.corpus.source} (${int(run.corpus.entryCount)})` },
        { key: 'negatives', label: 'Negatives', numeric: true, sortable: true, cell: (run) => int(run.negativeCount) },
        {
          key: 'duration',
          label: 'Duration',
          numeric: true,
          sortable: true,
          cell: (run) => duration(durationSeconds(run), isActive(run.status)),
        },
        {
          key: 'evals',
          label: 'Evaluations',
          cell: (run) =>
            link('runs', href('runs', undefined, { labelSet: run.labelSet.id, model: run.model.id }), {
              'aria-label': `evaluation runs of ${run.labelSet.name} with ${run.model.name}`,
            }),
        },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Mining runs'),
      h('section', { class: 'card', 'aria-label': 'Filters' }, this.filters),
      this.status,
      h(
        'section',
        { class: 'card', 'aria-label': 'Mining run list' },
        h(
          'div',
          { class: 'section-head' },
          this.summary,
          h(
            'div',
            { class: 'actions' },
            button('Export CSV (all pages)', () => void this.exportCsv(), { id: 'export-mining-csv' }),
            this.exportNote,
          ),
        ),
        h('div', { class: 'table-wrap' }, this.table.element),
        h(
          'div',
          { class: 'section-foot' },
          this.pager.element,
          h('span', { class: 'muted small' }, 'Every column sorts all pages (and the export).'),
        ),
      ),
    );
    void this.loadOptions();
    this.update(route, true);
  }

  private async loadOptions(): Promise<void> {
    try {
      this.options = await gql<FilterOptions>(MINING, 'MiningFilterOptions');
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
        'Status',
        'status',
        allOption((o?.runStatuses?.enumValues ?? []).map((one) => [one.name, one.name])),
        p.get('status') ?? '',
        set('status'),
      ),
      selectControl(
        'Rows per page',
        'size',
        PAGE_SIZES.map((size) => [size, size]),
        String(pageSize(this.route)),
        set('size'),
      ),
    );
  }

  update(route: Route, first = false): void {
    const previous = this.route;
    this.route = route;
    this.renderFilters();
    if (
      first ||
      orderOf(previous) !== orderOf(route) ||
      ['labelSet', 'model', 'status', 'size', 'after'].some((key) => previous.params.get(key) !== route.params.get(key))
    )
      void this.load();
    else this.render();
  }

  private async load(): Promise<void> {
    const signal = this.latest.next();
    const size = pageSize(this.route);
    const variables = variablesOf(this.route);
    this.pager.reset(JSON.stringify([variables, size]));
    this.summary.textContent = 'Loading…';
    try {
      const { miningRuns } = await gql<{ miningRuns: Connection<MiningRow> }>(
        MINING,
        'MiningPage',
        { first: size, after: this.route.params.get('after'), ...variables },
        signal,
      );
      showError(this.status, undefined, '');
      this.rows = miningRuns.edges.map((edge) => edge.node);
      this.render();
      this.pager.show(
        this.route,
        this.rows.length,
        miningRuns.totalCount,
        miningRuns.pageInfo.hasNextPage,
        miningRuns.pageInfo.endCursor,
        size,
      );
      this.summary.textContent = `${int(miningRuns.totalCount)} mining runs match`;
      this.follow();
    } catch (error) {
      if (isAbort(error)) return;
      this.summary.textContent = '';
      showError(this.status, error, 'load the mining runs');
    }
  }

  private render(): void {
    this.table.setSort(sortOf(this.route));
    this.table.setRows(this.rows);
  }

  private follow(): void {
    for (const stop of this.watchers.values()) stop();
    this.watchers.clear();
    for (const run of this.rows.filter((row) => isActive(row.status))) {
      this.watchers.set(
        run.id,
        watchRun(run.id, (event) => {
          run.status = event.status;
          run.progress = event.progress;
          run.statusReason = event.statusReason;
          this.table.updateRow(run);
          if (isTerminal(event.status)) void this.refreshRow(run.id);
        }),
      );
    }
  }

  private async refreshRow(id: string): Promise<void> {
    try {
      const { miningRun } = await gql<{ miningRun: MiningRow }>(MINING, 'MiningRow', { id });
      const index = this.rows.findIndex((row) => row.id === id);
      if (index >= 0) {
        this.rows[index] = miningRun;
        this.table.updateRow(miningRun);
      }
    } catch (error) {
      showError(this.status, error, `reload mining run ${shortId(id)}`);
    }
  }

  private async exportCsv(): Promise<void> {
    const variables = variablesOf(this.route);
    this.exportNote.textContent = 'Exporting…';
    try {
      const runs = await fetchAll<MiningRow>(
        async (after) =>
          (
            await gql<{ miningRuns: Connection<MiningRow> }>(MINING, 'MiningPage', {
              first: EXPORT_PAGE_SIZE,
              after,
              ...variables,
            })
          ).miningRuns,
      );
      const header = [
        'id',
        'created_at',
        'selection_method',
        'status',
        'label_set',
        'model',
        'selection_params',
        'corpus',
        'negatives',
        'started_at',
        'finished_at',
        'duration_s',
      ];
      download(
        'mining-runs.csv',
        toCsv(
          header,
          runs.map((run) => [
            run.id,
            run.createdAt,
            run.selectionMethod,
            run.status,
            run.labelSet.name,
            run.model.name,
            run.selectionParams,
            run.corpus.source,
            run.negativeCount,
            run.startedAt,
            run.finishedAt,
            durationSeconds(run)?.toFixed(3),
          ]),
        ),
        'text/csv;charset=utf-8',
      );
      this.exportNote.textContent = `Exported ${int(runs.length)} runs.`;
    } catch (error) {
      this.exportNote.textContent = '';
      showError(this.status, error, 'export the mining runs');
    }
  }

  dispose(): void {
    this.latest.abort();
    for (const stop of this.watchers.values()) stop();
  }
}

export const miningPage: PageModule = {
  view: 'mining',
  nav: 'mining',
  title: () => 'Mining runs',
  mount: (main, route) => new MiningPage(main, route),
};
