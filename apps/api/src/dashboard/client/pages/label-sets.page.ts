/// <reference lib="dom" />
// Label sets: name, number of labels, prompt templates, archived flag, dates, and how many
// evaluation and mining runs use each (links to those lists, filtered).
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { h, inputControl, link, replaceChildren } from '../ui/dom';
import { int, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import { DataTable, sortRows } from '../ui/table';
import { countCell, memoCounts } from './run-counts';
import LABEL_SETS from './label-sets.graphql';

interface LabelSetRow {
  readonly id: string;
  readonly name: string;
  readonly labelCount: number;
  readonly archived: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly promptTemplates: readonly string[];
}

class LabelSetsPage implements Page {
  private rows: LabelSetRow[] = [];
  private readonly slot = h('div');
  private readonly search = h('div', { class: 'filters' });
  private readonly table: DataTable<LabelSetRow>;
  private counts = new Map<string, ReturnType<typeof memoCounts>>();
  private route: Route;

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    this.table = new DataTable<LabelSetRow>({
      caption: 'Label sets',
      rowKey: (row) => row.id,
      onSort: (key, direction) => updateParams({ sort: key, dir: direction }, { replace: true }),
      columns: [
        { key: 'name', label: 'Name', sortable: true, cell: (row) => link(row.name, href('label-set', row.id)) },
        { key: 'labels', label: 'Labels', numeric: true, sortable: true, cell: (row) => int(row.labelCount) },
        { key: 'templates', label: 'Prompt templates', cell: (row) => row.promptTemplates.join(' | ') },
        { key: 'archived', label: 'Archived', cell: (row) => (row.archived ? 'archived' : 'no') },
        {
          key: 'evals',
          label: 'Evaluation runs',
          cell: (row) =>
            countCell(
              async () => ({
                count: (await this.countsOf(row.id)()).evaluationRuns.totalCount,
                target: href('runs', undefined, { labelSet: row.id }),
              }),
              'runs',
            ),
        },
        {
          key: 'mining',
          label: 'Mining runs',
          cell: (row) =>
            countCell(
              async () => ({
                count: (await this.countsOf(row.id)()).miningRuns.totalCount,
                target: href('mining', undefined, { labelSet: row.id }),
              }),
              'runs',
            ),
        },
        { key: 'created', label: 'Created', sortable: true, cell: (row) => when(row.createdAt) },
        { key: 'updated', label: 'Updated', sortable: true, cell: (row) => when(row.updatedAt) },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Label sets'),
      h('section', { class: 'card', 'aria-label': 'Search' }, this.search),
      this.slot,
      h(
        'section',
        { class: 'card', 'aria-label': 'Label set list' },
        h('div', { class: 'table-wrap' }, this.table.element),
      ),
    );
    this.renderSearch();
    void this.load();
  }

  private countsOf(id: string): ReturnType<typeof memoCounts> {
    let counts = this.counts.get(id);
    if (counts === undefined) {
      counts = memoCounts(LABEL_SETS, 'LabelSetRunCounts', { labelSetId: id });
      this.counts.set(id, counts);
    }
    return counts;
  }

  private renderSearch(): void {
    if (this.search.contains(document.activeElement)) return;
    replaceChildren(
      this.search,
      inputControl('Search names', 'q', 'search', this.route.params.get('q') ?? '', (value) =>
        updateParams({ q: value }, { replace: true }),
      ),
    );
  }

  private async load(): Promise<void> {
    try {
      const { labelSets } = await gql<{ labelSets: LabelSetRow[] }>(LABEL_SETS, 'LabelSetsList');
      this.rows = labelSets;
      this.render();
    } catch (error) {
      replaceChildren(this.slot, errorBox(error, 'load the label sets'));
    }
  }

  update(route: Route): void {
    this.route = route;
    this.renderSearch();
    this.render();
  }

  private render(): void {
    const q = (this.route.params.get('q') ?? '').toLowerCase();
    const key = this.route.params.get('sort') ?? 'created';
    const direction = this.route.params.get('dir') === 'desc' ? 'desc' : 'asc';
    const value = (row: LabelSetRow): string | number =>
      key === 'name' ? row.name : key === 'labels' ? row.labelCount : key === 'updated' ? row.updatedAt : row.createdAt;
    this.table.setSort({ key, direction });
    this.table.setRows(
      sortRows(
        this.rows.filter((row) => row.name.toLowerCase().includes(q)),
        value,
        direction,
      ),
    );
  }
}

export const labelSetsPage: PageModule = {
  view: 'label-sets',
  nav: 'label-sets',
  title: () => 'Label sets',
  mount: (main, route) => new LabelSetsPage(main, route),
};
