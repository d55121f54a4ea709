/// <reference lib="dom" />
// A mining run's negative labels (#/negatives/<miningRunId>?q=&pos=&lexname=&flagged=&sort=…):
// word, part of speech, lexicographer file, rank, statistic, false-negative flags, nearest ID label
// and its cosine; search, filters, the API's orderings and paging; a summary (counts per pos and
// lexname, flagged count, histogram of the statistic, all aggregated by the API over every
// negative); exports of the current filter as CSV, JSON
// and the plain word list.
import { EXPORT_PAGE_SIZE, fetchAll, gql, type Connection } from '../app/api';
import { isTerminal, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { Latest } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { barsChart, histogramChart } from '../ui/charts';
import { button, facts, h, inputControl, link, replaceChildren, section, selectControl } from '../ui/dom';
import { apiDownloadLink, download, toCsv } from '../ui/download';
import { duration, durationSeconds, int, num, paramsSummary, shortId, when } from '../ui/format';
import { errorBox, isAbort, showError } from '../ui/notice';
import { DataTable, type SortDirection } from '../ui/table';
import { allOption, isActive, PAGE_SIZES, Pager, statusCell } from './filters';
import NEGATIVES from './negatives.graphql';

/** Bins of the statistic histogram the summary asks for. */
const STATISTIC_BINS = 40;

interface NegativesSummary {
  readonly total: number;
  readonly flagged: number;
  readonly byPos: readonly { readonly value: string | null; readonly count: number }[];
  readonly byLexname: readonly { readonly value: string | null; readonly count: number }[];
  readonly statistic: {
    readonly edges: readonly number[];
    readonly counts: readonly number[];
    readonly nonFinite: number;
  };
}

interface Negative {
  readonly rank: number;
  readonly word: string;
  readonly pos: string;
  readonly lexname: string | null;
  readonly statistic: number;
  readonly falseNegativeFlags: readonly string[];
  readonly flagged: boolean;
  readonly nearestIdLabel: string | null;
  readonly nearestIdCosine: number | null;
  readonly corpusIndex: number;
}

interface MiningRunInfo {
  readonly id: string;
  status: string;
  progress: number;
  statusReason: string | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly selectionMethod: string;
  readonly selectionParams: unknown;
  readonly negativeCount: number;
  readonly modelHash: string;
  readonly codeVersion: string;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly labelSet: { readonly id: string; readonly name: string; readonly labelCount: number };
  readonly model: { readonly id: string; readonly name: string };
  readonly corpus: {
    readonly id: string;
    readonly source: string;
    readonly versionHash: string;
    readonly entryCount: number;
  };
}

/** Column sort → the API's NegativeOrder (only these orderings exist). */
const ORDERS: Record<string, Partial<Record<SortDirection, string>>> = {
  rank: { asc: 'rank_asc' },
  statistic: { asc: 'statistic_asc', desc: 'statistic_desc' },
  word: { asc: 'word_asc' },
};

function orderOf(route: Route): { key: string; direction: SortDirection; orderBy: string } {
  const key = route.params.get('sort') ?? 'rank';
  const direction: SortDirection = route.params.get('dir') === 'desc' ? 'desc' : 'asc';
  const orderBy = ORDERS[key]?.[direction];
  return orderBy === undefined ? { key: 'rank', direction: 'asc', orderBy: 'rank_asc' } : { key, direction, orderBy };
}

function filterOf(route: Route): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const q = route.params.get('q')?.trim() ?? '';
  if (q !== '') filter['search'] = q;
  const pos = route.params.get('pos') ?? '';
  if (pos !== '') filter['pos'] = pos;
  const lexname = route.params.get('lexname') ?? '';
  if (lexname !== '') filter['lexname'] = lexname;
  const flagged = route.params.get('flagged');
  if (flagged === 'yes') filter['flagged'] = true;
  if (flagged === 'no') filter['flagged'] = false;
  return filter;
}

function pageSizeOf(route: Route): number {
  const size = Number(route.params.get('size'));
  return PAGE_SIZES.includes(String(size)) ? size : 100;
}

class NegativesPage implements Page {
  private readonly header = h('div');
  private readonly filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Search and filters' });
  private readonly status = h('div', { class: 'slot' });
  private readonly count = h('p', { class: 'muted', 'aria-live': 'polite' });
  private readonly exportNote = h('span', { class: 'muted small', 'aria-live': 'polite' });
  /** Links to the API's export routes for the current filter (rank order, streamed by the server). */
  private readonly serverLinks = h('p', { class: 'small', id: 'negatives-downloads' });
  private readonly summary = h('div', { class: 'summary' });
  private readonly pager = new Pager('negatives');
  private readonly latest = new Latest();
  private readonly table: DataTable<Negative>;
  private route: Route;
  private lexnames: string[] = [];
  private stopWatch: (() => void) | undefined;
  private searchTimer: number | undefined;
  private disposed = false;

  constructor(
    private readonly main: HTMLElement,
    route: Route,
  ) {
    this.route = route;
    this.table = new DataTable<Negative>({
      caption: 'Negative labels',
      rowKey: (negative) => String(negative.rank),
      onSort: (key, direction) =>
        updateParams({
          sort: key === 'rank' ? undefined : key,
          dir: direction === 'asc' ? undefined : direction,
          after: undefined,
          page: undefined,
        }),
      firstDirection: () => 'asc',
      emptyText: 'No negative matches.',
      rowClass: (negative) => (negative.flagged ? 'flagged' : undefined),
      columns: [
        {
          key: 'rank',
          label: 'Rank',
          title: '0-based position in the selection (kept nouns, then kept adjectives)',
          numeric: true,
          sortable: true,
          cell: (negative) => String(negative.rank),
        },
        { key: 'word', label: 'Word', sortable: true, cell: (negative) => h('span', { class: 'word' }, negative.word) },
        { key: 'pos', label: 'POS', title: 'part of speech', cell: (negative) => negative.pos },
        { key: 'lexname', label: 'Lexicographer file', cell: (negative) => negative.lexname ?? '—' },
        {
          key: 'statistic',
          label: 'Statistic',
          title: 'The selection statistic (kNN density or NegLabel affinity; smaller is selected first)',
          numeric: true,
          sortable: true,
          cell: (negative) => num(negative.statistic, 5),
        },
        {
          key: 'flags',
          label: 'False-negative flags',
          title: 'synonym, hyponym, hypernym (WordNet relations to an ID label), nearIdLabel (cosine above 0.95)',
          cell: (negative) =>
            negative.falseNegativeFlags.length === 0
              ? '—'
              : h('span', { class: 'flag' }, negative.falseNegativeFlags.join(', ')),
        },
        { key: 'nearest', label: 'Nearest ID label', cell: (negative) => negative.nearestIdLabel ?? '—' },
        {
          key: 'cosine',
          label: 'Cosine',
          title: 'cosine to the nearest ID label',
          numeric: true,
          cell: (negative) => num(negative.nearestIdCosine, 4),
        },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, `Negatives of mining run ${shortId(route.id)}`),
      this.header,
      h('section', { class: 'card', 'aria-label': 'Search and filters' }, this.filters),
      this.status,
      h(
        'section',
        { class: 'card', 'aria-label': 'Negative labels' },
        h(
          'div',
          { class: 'section-head' },
          this.count,
          h(
            'div',
            { class: 'actions' },
            button('Export CSV', () => void this.export('csv'), { id: 'export-negatives-csv' }),
            button('Export JSON', () => void this.export('json'), { id: 'export-negatives-json' }),
            button('Export word list', () => void this.export('words'), { id: 'export-negatives-words' }),
            this.exportNote,
          ),
          this.serverLinks,
        ),
        h('div', { class: 'table-wrap' }, this.table.element),
        h(
          'div',
          { class: 'section-foot' },
          this.pager.element,
          h('span', { class: 'muted small' }, 'Sortable by rank, word and statistic (the orderings the API offers).'),
        ),
      ),
      section('Summary', this.summary),
    );
    this.renderFilters();
    void this.loadRun();
    void this.load().then(() => this.loadSummary());
  }

  update(route: Route): void {
    const previous = this.route;
    this.route = route;
    this.renderFilters();
    if (
      ['q', 'pos', 'lexname', 'flagged', 'sort', 'dir', 'size', 'after'].some(
        (key) => previous.params.get(key) !== route.params.get(key),
      )
    )
      void this.load();
  }

  private renderFilters(): void {
    const p = this.route.params;
    const reset = { after: undefined, page: undefined };
    const focusedName = (document.activeElement as HTMLInputElement | null)?.name;
    if (focusedName === 'q' && this.filters.contains(document.activeElement)) return;
    replaceChildren(
      this.filters,
      inputControl(
        'Search words',
        'q',
        'search',
        p.get('q') ?? '',
        (value) => {
          window.clearTimeout(this.searchTimer);
          this.searchTimer = window.setTimeout(() => updateParams({ q: value, ...reset }, { replace: true }), 250);
        },
        { placeholder: 'substring, case-insensitive', autocomplete: 'off' },
      ),
      selectControl(
        'Part of speech',
        'pos',
        allOption([
          ['noun', 'noun'],
          ['adj', 'adjective'],
        ]),
        p.get('pos') ?? '',
        (value) => updateParams({ pos: value, ...reset }),
      ),
      selectControl(
        'Lexicographer file',
        'lexname',
        allOption(this.lexnames.map((name) => [name, name])),
        p.get('lexname') ?? '',
        (value) => updateParams({ lexname: value, ...reset }),
      ),
      selectControl(
        'False-negative flag',
        'flagged',
        allOption([
          ['yes', 'flagged only'],
          ['no', 'unflagged only'],
        ]),
        p.get('flagged') ?? '',
        (value) => updateParams({ flagged: value, ...reset }),
      ),
      selectControl(
        'Rows per page',
        'size',
        PAGE_SIZES.map((size) => [size, size]),
        String(pageSizeOf(this.route)),
        (value) => updateParams({ size: value === '100' ? undefined : value, ...reset }),
      ),
    );
  }

  private async loadRun(): Promise<void> {
    try {
      const { miningRun } = await gql<{ miningRun: MiningRunInfo }>(NEGATIVES, 'NegativesRun', { id: this.route.id });
      if (this.disposed) return;
      this.renderHeader(miningRun);
      if (isActive(miningRun.status) && this.stopWatch === undefined) {
        this.stopWatch = watchRun(miningRun.id, (event) => {
          miningRun.status = event.status;
          miningRun.progress = event.progress;
          miningRun.statusReason = event.statusReason;
          this.renderHeader(miningRun);
          if (isTerminal(event.status)) {
            this.stopWatch?.();
            void this.loadRun();
            void this.load().then(() => this.loadSummary());
          }
        });
      }
    } catch (error) {
      replaceChildren(this.header, errorBox(error, `load mining run ${this.route.id ?? ''}`));
    }
  }

  private renderHeader(run: MiningRunInfo): void {
    replaceChildren(
      this.header,
      h(
        'div',
        { class: 'status-line' },
        statusCell(run),
        ' ',
        h(
          'span',
          { class: 'muted' },
          `${run.selectionMethod} on ${run.labelSet.name} (${run.labelSet.labelCount} labels) with ${run.model.name}; ${int(run.negativeCount)} negatives; created ${when(run.createdAt)}; duration ${duration(durationSeconds(run), isActive(run.status))}`,
        ),
      ),
      run.error === null
        ? null
        : h(
            'div',
            { class: 'error', role: 'alert' },
            h('strong', {}, 'The run failed: '),
            run.error,
            ' ',
            h('span', { class: 'code' }, `(code ${run.errorCode ?? 'none'})`),
          ),
      h(
        'details',
        { class: 'card' },
        h('summary', {}, 'Parameters and provenance'),
        facts([
          ['run id', run.id],
          ['selection parameters', paramsSummary(run.selectionParams)],
          ['label set', link(run.labelSet.name, href('label-set', run.labelSet.id))],
          ['model', `${run.model.name} (${run.modelHash.slice(0, 16)}…)`],
          [
            'corpus',
            `${run.corpus.source}, ${int(run.corpus.entryCount)} entries, ${run.corpus.versionHash.slice(0, 16)}…`,
          ],
          ['code version', run.codeVersion],
          ['attempts', String(run.attempts)],
          ['started', when(run.startedAt)],
          ['finished', when(run.finishedAt)],
          [
            'evaluations',
            link('evaluation runs of this label set', href('runs', undefined, { labelSet: run.labelSet.id })),
          ],
        ]),
      ),
    );
  }

  private async load(): Promise<void> {
    const signal = this.latest.next();
    const size = pageSizeOf(this.route);
    const order = orderOf(this.route);
    const filter = filterOf(this.route);
    this.renderServerLinks(filter);
    this.pager.reset(JSON.stringify([filter, order.orderBy, size]));
    this.count.textContent = 'Loading…';
    const started = performance.now();
    try {
      const { negatives } = await gql<{ negatives: Connection<Negative> }>(
        NEGATIVES,
        'NegativesPage',
        { id: this.route.id, first: size, after: this.route.params.get('after'), filter, orderBy: order.orderBy },
        signal,
      );
      showError(this.status, undefined, '');
      this.table.setSort({ key: order.key, direction: order.direction });
      this.table.setRows(negatives.edges.map((edge) => edge.node));
      this.pager.show(
        this.route,
        negatives.edges.length,
        negatives.totalCount,
        negatives.pageInfo.hasNextPage,
        negatives.pageInfo.endCursor,
        size,
      );
      this.count.textContent = `${negatives.totalCount.toLocaleString('en-US')} negatives match`;
      this.main.dataset['loadedMs'] = String(Math.round(performance.now() - started));
    } catch (error) {
      if (isAbort(error)) return;
      this.count.textContent = '';
      showError(this.status, error, 'load the negatives');
    }
  }

  /** The summary of all the run's negatives, aggregated by the API (MiningRun.negativesSummary). */
  private async loadSummary(): Promise<void> {
    const id = this.route.id;
    try {
      const { miningRun } = await gql<{ miningRun: { negativesSummary: NegativesSummary } }>(
        NEGATIVES,
        'NegativesSummary',
        { id, bins: STATISTIC_BINS },
      );
      if (this.disposed) return;
      const summary = miningRun.negativesSummary;
      const posCount = (pos: string) => summary.byPos.find((one) => one.value === pos)?.count ?? 0;
      const countsBox = facts([
        ['negatives', int(summary.total)],
        ['nouns', int(posCount('noun'))],
        ['adjectives', int(posCount('adj'))],
        ['flagged as possible false negatives', link(int(summary.flagged), href('negatives', id, { flagged: 'yes' }))],
      ]);
      countsBox.id = 'negatives-counts';
      const lexnames: [string, number][] = summary.byLexname.map((one) => [one.value ?? '(none)', one.count]);
      this.lexnames = lexnames
        .map(([name]) => name)
        .filter((name) => name !== '(none)')
        .sort();
      this.renderFilters();
      const table = h(
        'table',
        { class: 'data compact', id: 'lexname-counts' },
        h('caption', {}, 'Negatives per lexicographer file'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'lexicographer file'),
            h('th', { scope: 'col', class: 'num' }, 'negatives'),
          ),
        ),
        h(
          'tbody',
          {},
          ...lexnames.map(([name, count]) =>
            h(
              'tr',
              {},
              h('td', {}, name === '(none)' ? name : link(name, href('negatives', id, { lexname: name }))),
              h('td', { class: 'num' }, int(count)),
            ),
          ),
        ),
      );
      const histogram = summary.statistic;
      const chart =
        histogram.counts.length === 0
          ? null
          : histogramChart(
              'Selection statistic of the negatives',
              histogram.edges,
              [{ label: `negatives (${int(summary.total - histogram.nonFinite)})`, counts: histogram.counts }],
              { logCounts: false, xLabel: 'selection statistic (smaller is selected first)', countLabel: 'negatives' },
            );
      const top = lexnames.slice(0, 12);
      replaceChildren(
        this.summary,
        countsBox,
        h(
          'div',
          { class: 'charts' },
          chart,
          top.length === 0
            ? null
            : barsChart(
                'Most frequent lexicographer files',
                top.map(([name]) => name.replace(/^noun\./, '')),
                top.map(([, count]) => count),
                'lexicographer file',
              ),
        ),
        h('div', { class: 'table-wrap' }, table),
      );
    } catch (error) {
      if (!this.disposed) replaceChildren(this.summary, errorBox(error, 'summarise the negatives'));
    }
  }

  private renderServerLinks(filter: Record<string, unknown>): void {
    const query = new URLSearchParams(Object.entries(filter).map(([key, value]) => [key, String(value)])).toString();
    const url = (format: string) =>
      `/mining-runs/${this.route.id ?? ''}/negatives.${format}${query === '' ? '' : `?${query}`}`;
    replaceChildren(
      this.serverLinks,
      'Or download this filter in rank order straight from the API: ',
      apiDownloadLink('CSV', url('csv'), { 'data-format': 'csv' }),
      ' · ',
      apiDownloadLink('JSON', url('json'), { 'data-format': 'json' }),
      ' · ',
      apiDownloadLink('word list', url('txt'), { 'data-format': 'txt' }),
    );
  }

  private async export(format: 'csv' | 'json' | 'words'): Promise<void> {
    const filter = filterOf(this.route);
    const orderBy = orderOf(this.route).orderBy;
    this.exportNote.textContent = 'Exporting…';
    try {
      const nodes = await fetchAll<Negative>(
        async (after) =>
          (
            await gql<{ negatives: Connection<Negative> }>(NEGATIVES, 'NegativesPage', {
              id: this.route.id,
              first: EXPORT_PAGE_SIZE,
              after,
              filter,
              orderBy,
            })
          ).negatives,
        (done, total) => {
          this.exportNote.textContent = `Exporting ${int(done)} of ${int(total)}…`;
        },
      );
      const base = `negatives-${shortId(this.route.id)}`;
      if (format === 'csv') {
        const header = [
          'rank',
          'word',
          'pos',
          'lexname',
          'statistic',
          'false_negative_flags',
          'flagged',
          'nearest_id_label',
          'nearest_id_cosine',
          'corpus_index',
        ];
        download(
          `${base}.csv`,
          toCsv(
            header,
            nodes.map((n) => [
              n.rank,
              n.word,
              n.pos,
              n.lexname,
              n.statistic,
              n.falseNegativeFlags.join(';'),
              n.flagged,
              n.nearestIdLabel,
              n.nearestIdCosine,
              n.corpusIndex,
            ]),
          ),
          'text/csv;charset=utf-8',
        );
      } else if (format === 'json') {
        download(
          `${base}.json`,
          `${JSON.stringify({ miningRunId: this.route.id, filter, orderBy, negatives: nodes }, null, 2)}\n`,
          'application/json',
        );
      } else {
        download(`${base}.txt`, nodes.map((n) => `${n.word}\n`).join(''), 'text/plain;charset=utf-8');
      }
      this.exportNote.textContent = `Exported ${int(nodes.length)} negatives.`;
    } catch (error) {
      this.exportNote.textContent = '';
      showError(this.status, error, 'export the negatives');
    }
  }

  dispose(): void {
    this.disposed = true;
    this.latest.abort();
    this.stopWatch?.();
    window.clearTimeout(this.searchTimer);
  }
}

export const negativesPage: PageModule = {
  view: 'negatives',
  nav: 'mining',
  title: (route) => `Negatives of mining run ${shortId(route.id)}`,
  mount: (main, route) => new NegativesPage(main, route),
};
