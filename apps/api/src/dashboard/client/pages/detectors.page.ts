/// <reference lib="dom" />
// Detectors (an evaluated method frozen with its threshold into an ONNX graph): name, method,
// threshold, target and achieved TPR on the calibration set, calibration provenance, the metrics of
// the source evaluation per OOD set (FPR at 95% TPR in both conventions, AUROC, FPR at the
// detector's own threshold), links to the source runs and to the downloads. Paged, filtered by
// label set, model, method and evaluation run (URL state).
import { gql, type Connection } from '../app/api';
import type { Page, PageModule } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { h, link, replaceChildren, selectControl } from '../ui/dom';
import { apiDownloadLink } from '../ui/download';
import { int, num, pct, shortId, when } from '../ui/format';
import { errorBox, isAbort } from '../ui/notice';
import { DataTable } from '../ui/table';
import { allOption, PAGE_SIZES, Pager, pageSize } from './filters';
import DETECTORS_DOCUMENT from './detectors.graphql';

export interface DetectorRow {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly threshold: number;
  readonly targetTpr: number | null;
  readonly achievedTpr: number | null;
  readonly calibrationImageSetId: string | null;
  readonly calibrationSize: number | null;
  readonly calibrationSha256: string | null;
  readonly embeddingDim: number;
  readonly modelId: string;
  readonly modelHash: string;
  readonly labelSetId: string;
  readonly miningRunId: string | null;
  readonly evaluationRunId: string | null;
  readonly negativeCount: number;
  readonly onnxSha256: string;
  readonly codeVersion: string;
  readonly createdAt: string;
  readonly metrics: readonly {
    readonly oodImageSetId: string;
    readonly oodName: string;
    readonly fprAtTprId: number;
    readonly fprAtTprOod: number;
    readonly auroc: number;
    readonly fprAtThreshold: number;
  }[];
  readonly downloads: {
    readonly detectorOnnx: string;
    readonly detectorJson: string;
    readonly pipelineOnnx: string | null;
  };
}

const METHODS = ['mcm', 'neglabel', 'debiased', 'adaneg'] as const;

class DetectorsPage implements Page {
  private readonly slot = h('div');
  private readonly pager = new Pager('detectors');
  private readonly table: DataTable<DetectorRow>;
  private readonly filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Detector filters' });
  private controller = new AbortController();
  private route: Route;

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    this.table = new DataTable<DetectorRow>({
      caption: 'Detectors',
      rowKey: (row) => row.id,
      emptyText: 'No detector matches. Create one with the createDetector mutation from a succeeded evaluation run.',
      columns: [
        { key: 'name', label: 'Name', cell: (row) => h('span', { title: `detector ${row.id}` }, row.name) },
        { key: 'method', label: 'Method', cell: (row) => row.method },
        {
          key: 'threshold',
          label: 'Threshold',
          title: 'An image is OOD when its score is below this threshold',
          numeric: true,
          cell: (row) => num(row.threshold, 6),
        },
        {
          key: 'tpr',
          label: 'TPR target / achieved %',
          title:
            'ID images accepted at the threshold on the calibration set: asked for, and what it gave (target — when the threshold was given explicitly)',
          numeric: true,
          cell: (row) => `${row.targetTpr === null ? '—' : pct(row.targetTpr)} / ${pct(row.achievedTpr)}`,
        },
        {
          key: 'calibration',
          label: 'Calibration',
          cell: (row) =>
            row.calibrationImageSetId === null
              ? h('span', { class: 'muted' }, 'threshold given explicitly')
              : h(
                  'span',
                  { title: `sha256 ${row.calibrationSha256 ?? '—'}` },
                  `${int(row.calibrationSize)} images of ${shortId(row.calibrationImageSetId)}`,
                  h('span', { class: 'muted small' }, ` ${(row.calibrationSha256 ?? '').slice(0, 12)}…`),
                ),
        },
        {
          key: 'metrics',
          label: 'Per OOD set: FPR95 % (fprAtTprId / fprAtTprOod), AUROC %, FPR at threshold %',
          cell: (row) =>
            row.metrics.length === 0
              ? h('span', { class: 'muted' }, 'no source evaluation')
              : h(
                  'ul',
                  { class: 'plain' },
                  ...row.metrics.map((metric) =>
                    h(
                      'li',
                      {},
                      h('strong', {}, metric.oodName),
                      `: ${pct(metric.fprAtTprId)} / ${pct(metric.fprAtTprOod)}, ${pct(metric.auroc)}, ${pct(metric.fprAtThreshold)}`,
                    ),
                  ),
                ),
        },
        {
          key: 'source',
          label: 'Source',
          cell: (row) =>
            h(
              'span',
              {},
              row.evaluationRunId === null
                ? null
                : [link(`run ${shortId(row.evaluationRunId)}`, href('run', row.evaluationRunId)), ' '],
              row.miningRunId === null
                ? null
                : [link(`${int(row.negativeCount)} negatives`, href('negatives', row.miningRunId)), ' '],
              h('span', { class: 'muted small' }, `model ${row.modelHash.slice(0, 12)}…, ${row.embeddingDim} dims`),
            ),
        },
        {
          key: 'downloads',
          label: 'Downloads',
          cell: (row) =>
            h(
              'span',
              { class: 'downloads' },
              apiDownloadLink('detector.onnx', row.downloads.detectorOnnx, { title: `sha256 ${row.onnxSha256}` }),
              ' ',
              apiDownloadLink('detector.json', row.downloads.detectorJson),
              row.downloads.pipelineOnnx === null
                ? null
                : [' ', apiDownloadLink('pipeline.onnx', row.downloads.pipelineOnnx)],
            ),
        },
        {
          key: 'created',
          label: 'Created (UTC)',
          cell: (row) => h('span', { title: `code ${row.codeVersion}` }, when(row.createdAt)),
        },
      ],
    });
    replaceChildren(
      main,
      h('h1', {}, 'Detectors'),
      h(
        'p',
        { class: 'muted small' },
        'A detector marks an image OOD when its score is below the threshold. fprAtTprId: FPR at 95% TPR with ID positive (the paper, MCM, NegLabel); fprAtTprOod: OOD positive (OpenOOD v1.5); FPR at threshold: OOD images the detector accepts as ID.',
      ),
      this.filters,
      this.slot,
      h(
        'section',
        { class: 'card', 'aria-label': 'Detector list' },
        h('div', { class: 'table-wrap' }, this.table.element),
        h('div', { class: 'section-foot' }, this.pager.element),
      ),
    );
    this.renderFilters();
    void this.load();
  }

  update(route: Route): void {
    this.route = route;
    this.renderFilters();
    void this.load();
  }

  private renderFilters(): void {
    const p = this.route.params;
    const method = p.get('method') ?? '';
    replaceChildren(
      this.filters,
      selectControl('Method', 'method', allOption(METHODS.map((name) => [name, name])), method, (value) =>
        updateParams({ method: value === '' ? undefined : value, after: undefined, page: undefined }),
      ),
      selectControl(
        'Page size',
        'size',
        PAGE_SIZES.map((size) => [size, size]),
        String(pageSize(this.route)),
        (value) => updateParams({ size: value, after: undefined, page: undefined }),
      ),
      ...(['labelSet', 'model', 'evaluationRun'] as const).flatMap((key) => {
        const value = p.get(key);
        return value === null
          ? []
          : [
              h(
                'span',
                { class: 'chip' },
                `${key} ${shortId(value)} `,
                link(
                  '×',
                  href('detectors', undefined, {
                    ...Object.fromEntries(p),
                    [key]: undefined,
                    after: undefined,
                    page: undefined,
                  }),
                  { 'aria-label': `remove the ${key} filter` },
                ),
              ),
            ];
      }),
    );
  }

  private async load(): Promise<void> {
    this.controller.abort();
    this.controller = new AbortController();
    const p = this.route.params;
    const filter = Object.fromEntries(
      [
        ['labelSetId', p.get('labelSet')],
        ['modelId', p.get('model')],
        ['method', p.get('method')],
        ['evaluationRunId', p.get('evaluationRun')],
      ].filter(([, value]) => value !== null && value !== ''),
    );
    const size = pageSize(this.route);
    this.pager.reset(JSON.stringify([filter, size]));
    try {
      const { detectors } = await gql<{ detectors: Connection<DetectorRow> }>(
        DETECTORS_DOCUMENT,
        'DetectorsPage',
        { first: size, after: p.get('after'), filter },
        this.controller.signal,
      );
      replaceChildren(this.slot);
      this.table.setRows(detectors.edges.map((edge) => edge.node));
      this.pager.show(
        this.route,
        detectors.edges.length,
        detectors.totalCount,
        detectors.pageInfo.hasNextPage,
        detectors.pageInfo.endCursor,
        size,
      );
    } catch (error) {
      if (!isAbort(error)) replaceChildren(this.slot, errorBox(error, 'load the detectors'));
    }
  }

  dispose(): void {
    this.controller.abort();
  }
}

export const detectorsPage: PageModule = {
  view: 'detectors',
  nav: 'detectors',
  title: () => 'Detectors',
  mount: (main, route) => new DetectorsPage(main, route),
};
