/// <reference lib="dom" />
// Image sets: name, kind, size, the files that failed to decode (a count per set; `?failures=<id>`
// lists one set's files with code, reason and model), folder or the model space of imported
// embeddings, content hash. (Per-set run counts need an API field that does not exist yet: see the
// dashboard API needs.)
import { gql } from '../app/api';
import type { Page, PageModule } from '../app/page';
import type { Route } from '../app/route';
import { href } from '../app/route';
import { h, link, replaceChildren, section } from '../ui/dom';
import { int, when } from '../ui/format';
import { errorBox } from '../ui/notice';
import { DataTable } from '../ui/table';
import { decodeFailureList, type DecodeFailurePage } from './decode-failures';
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
  readonly decodeFailureCount: number;
}

interface ImageSetFailures {
  readonly imageSet: { readonly id: string; readonly name: string; readonly decodeFailures: DecodeFailurePage };
}

/** The files of one set that failed to decode, for every model, a page at a time. */
function showFailures(slot: HTMLElement, imageSetId: string, modelNames: ReadonlyMap<string, string>): void {
  const fetchPage = async (after?: string) =>
    (await gql<ImageSetFailures>(IMAGE_SETS, 'ImageSetDecodeFailures', { id: imageSetId, after })).imageSet;
  fetchPage().then(
    (imageSet) =>
      replaceChildren(
        slot,
        section(
          `Files of ${imageSet.name} that failed to decode`,
          decodeFailureList({
            id: 'decode-failures',
            caption: `Files of ${imageSet.name} that failed to decode`,
            page: imageSet.decodeFailures,
            more: async (after) => (await fetchPage(after)).decodeFailures,
            leftOut: 'evaluations with the model named beside each file left it out',
            emptyText: `No file of ${imageSet.name} has failed to decode for any model.`,
            columns: [{ key: 'model', label: 'Model', cell: (node) => modelNames.get(node.modelId) ?? node.modelId }],
          }),
        ),
      ),
    (error: unknown) => replaceChildren(slot, errorBox(error, 'load the files that failed to decode')),
  );
}

class ImageSetsPage implements Page {
  constructor(main: HTMLElement, route: Route) {
    const slot = h('div');
    const failuresSlot = h('div');
    const failuresOf = route.params.get('failures') ?? undefined;
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
          key: 'failures',
          label: 'Decode failures',
          title: 'Files that could not be decoded for some model (evaluations with that model left them out)',
          numeric: true,
          cell: (row) =>
            row.decodeFailureCount === 0
              ? '0'
              : link(
                  row.decodeFailureCount === 1 ? '1 file' : `${int(row.decodeFailureCount)} files`,
                  href('image-sets', undefined, { failures: row.id }),
                  { 'aria-label': `${int(row.decodeFailureCount)} files of ${row.name} failed to decode: list them` },
                ),
        },
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
      failuresSlot,
    );
    gql<{ imageSets: ImageSetRow[]; models: { id: string; name: string }[] }>(IMAGE_SETS, 'ImageSetsList').then(
      ({ imageSets, models }) => {
        modelNames = new Map(models.map((model) => [model.id, model.name]));
        table.setRows(imageSets);
        if (failuresOf !== undefined) showFailures(failuresSlot, failuresOf, modelNames);
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
