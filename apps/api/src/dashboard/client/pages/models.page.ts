/// <reference lib="dom" />
// Encoder models: name, kind (ONNX folder or imported space), backbone, embedding width, content
// hash, status, and links to their evaluation and mining runs.
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import { href, type Route } from '../app/route';
import { h, replaceChildren } from '../ui/dom';
import { when } from '../ui/format';
import { errorBox, isAbort } from '../ui/notice';
import { DataTable } from '../ui/table';
import { countCell, memoCounts } from './run-counts';
import MODELS from './models.graphql';

interface ModelRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly folder: string | null;
  readonly backbone: string | null;
  readonly embeddingDim: number;
  readonly contentHash: string;
  readonly status: string;
  readonly createdAt: string;
}

class ModelsPage implements Page {
  private readonly slot = h('div');
  private readonly controller = new AbortController();

  constructor(main: HTMLElement, _route: Route) {
    const table = new DataTable<ModelRow>({
      caption: 'Encoder models',
      rowKey: (row) => row.id,
      emptyText: 'No model is registered.',
      columns: [
        { key: 'name', label: 'Name', cell: (row) => row.name },
        { key: 'kind', label: 'Kind', cell: (row) => row.kind },
        { key: 'backbone', label: 'Backbone', cell: (row) => row.backbone ?? '—' },
        { key: 'dim', label: 'Dims', title: 'embedding width', numeric: true, cell: (row) => String(row.embeddingDim) },
        {
          key: 'hash',
          label: 'Content hash',
          cell: (row) => h('code', { title: row.contentHash }, `${row.contentHash.slice(0, 16)}…`),
        },
        { key: 'folder', label: 'Folder', cell: (row) => row.folder ?? '—' },
        {
          key: 'status',
          label: 'Status',
          cell: (row) =>
            h('span', { class: `badge status-${row.status === 'ready' ? 'succeeded' : 'failed'}` }, row.status),
        },
        {
          key: 'evals',
          label: 'Evaluation runs',
          cell: (row) =>
            countCell(
              async () => ({
                count: (await this.counts(row.id)()).evaluationRuns.totalCount,
                target: href('runs', undefined, { model: row.id }),
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
                count: (await this.counts(row.id)()).miningRuns.totalCount,
                target: href('mining', undefined, { model: row.id }),
              }),
              'runs',
            ),
        },
        { key: 'created', label: 'Registered', cell: (row) => when(row.createdAt) },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Models'),
      this.slot,
      h('section', { class: 'card', 'aria-label': 'Model list' }, h('div', { class: 'table-wrap' }, table.element)),
    );
    gql<{ models: ModelRow[] }>(MODELS, 'ModelsList', {}, this.controller.signal).then(
      ({ models }) => table.setRows(models),
      (error: unknown) => {
        if (!isAbort(error)) replaceChildren(this.slot, errorBox(error, 'load the models'));
      },
    );
  }

  private readonly memo = new Map<string, ReturnType<typeof memoCounts>>();

  private counts(id: string): ReturnType<typeof memoCounts> {
    let counts = this.memo.get(id);
    if (counts === undefined) {
      counts = memoCounts(MODELS, 'ModelRunCounts', { modelId: id });
      this.memo.set(id, counts);
    }
    return counts;
  }

  dispose(): void {
    this.controller.abort();
  }
}

export const modelsPage: PageModule = {
  view: 'models',
  nav: 'models',
  title: () => 'Models',
  mount: (main, route) => new ModelsPage(main, route),
};
