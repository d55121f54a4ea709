/// <reference lib="dom" />
// Image sets: name, kind, size, folder or the model space of imported embeddings, content hash.
// (Per-set run counts and decode failures need API fields that do not exist yet: see the
// dashboard API needs.)
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import type { Route } from '../app/route';
import { h, replaceChildren } from '../ui/dom';
import { int, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import { DataTable } from '../ui/table';
import IMAGE_SETS from './image-sets.graphql';

interface ImageSetRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly folder: string | null;
  readonly modelId: string | null;
  readonly imageCount: number;
  readonly contentHash: string;
  readonly createdAt: string;
}

class ImageSetsPage implements Page {
  constructor(main: HTMLElement, _route: Route) {
    const slot = h('div');
    let modelNames = new Map<string, string>();
    const table = new DataTable<ImageSetRow>({
      caption: 'Image sets',
      rowKey: (row) => row.id,
      emptyText: 'No image set is registered.',
      columns: [
        { key: 'name', label: 'Name', cell: (row) => row.name },
        { key: 'kind', label: 'Kind', cell: (row) => row.kind },
        { key: 'images', label: 'Images', numeric: true, cell: (row) => int(row.imageCount) },
        {
          key: 'source',
          label: 'Folder / embedding space',
          cell: (row) =>
            row.folder ?? (row.modelId === null ? '—' : `imported for ${modelNames.get(row.modelId) ?? row.modelId}`),
        },
        {
          key: 'hash',
          label: 'Content hash',
          cell: (row) => h('code', { title: row.contentHash }, `${row.contentHash.slice(0, 16)}…`),
        },
        { key: 'created', label: 'Registered', cell: (row) => when(row.createdAt) },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Image sets'),
      slot,
      h('section', { class: 'card', 'aria-label': 'Image set list' }, h('div', { class: 'table-wrap' }, table.element)),
    );
    gql<{ imageSets: ImageSetRow[]; models: { id: string; name: string }[] }>(IMAGE_SETS, 'ImageSetsList').then(
      ({ imageSets, models }) => {
        modelNames = new Map(models.map((model) => [model.id, model.name]));
        table.setRows(imageSets);
      },
      (error: unknown) => replaceChildren(slot, errorBox(error, 'load the image sets')),
    );
  }
}

export const imageSetsPage: PageModule = {
  view: 'image-sets',
  nav: 'image-sets',
  title: () => 'Image sets',
  mount: (main, route) => new ImageSetsPage(main, route),
};
