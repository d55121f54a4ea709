/// <reference lib="dom" />
// One evaluation run: status (live while unfinished) and the error of a failed run; per-OOD-set
// metrics with both FPR95 conventions named; the ROC curves of every OOD set on one plot; ID vs
// OOD score histograms per set with a log count axis and a trimmed score range to switch on
// (skewed scores otherwise put nearly all images in one bin); the files of its sets that failed to
// decode (from the API); parameters and provenance.
import { ApiError, authHeaders, gql } from '../app/api';
import { isTerminal, watchRun } from '../app/live';
import type { Page, PageModule } from '../app/page';
import { href, updateParams, type Route } from '../app/route';
import { curveChart, histogramChart } from '../ui/charts';
import { facts, h, link, replaceChildren, section, selectControl, type Child } from '../ui/dom';
import { duration, durationSeconds, int, num, paramValue, pct, shortId, when } from '../ui/format';
import { apiDownloadLink } from '../ui/download';
import { errorBox } from '../ui/notice';
import { DataTable } from '../ui/table';
import { decodeFailureList, type DecodeFailurePage } from './decode-failures';
import { isActive, statusCell } from './filters';
import RUN from './run.graphql';

interface ImageSetInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly imageCount: number;
  readonly contentHash: string;
}

export interface RunResultDetail {
  readonly oodImageSetId: string;
  readonly oodImageSet: { readonly name: string };
  readonly fprAtTprId: number;
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
  readonly nId: number;
  readonly nOod: number;
  readonly thresholdAtTprId: number;
  readonly guardHits: number;
  readonly rocPoints: readonly { readonly fpr: number; readonly tpr: number }[];
  readonly histograms: {
    readonly edges: readonly number[];
    readonly idCounts: readonly number[];
    readonly oodCounts: readonly number[];
  };
}

interface RunDetail {
  readonly id: string;
  readonly idempotencyKey: string | null;
  readonly method: string;
  status: string;
  progress: number;
  statusReason: string | null;
  readonly error: string | null;
  readonly errorCode: string | null;
  readonly params: Record<string, unknown>;
  readonly seed: number;
  readonly permutations: number;
  readonly groupPermutation: readonly number[] | null;
  readonly modelHash: string;
  readonly shardSize: number;
  readonly codeVersion: string;
  readonly attempts: number;
  readonly heartbeatAt: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly labelSet: { readonly id: string; readonly name: string; readonly labelCount: number };
  readonly model: {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly backbone: string | null;
    readonly embeddingDim: number;
    readonly contentHash: string;
  };
  readonly miningRun: {
    readonly id: string;
    readonly selectionMethod: string;
    readonly selectionParams: unknown;
    readonly negativeCount: number;
    readonly codeVersion: string;
    readonly corpus: {
      readonly id: string;
      readonly source: string;
      readonly versionHash: string;
      readonly entryCount: number;
    };
  } | null;
  readonly idImageSet: ImageSetInfo;
  readonly oodImageSets: readonly ImageSetInfo[];
  readonly results: readonly RunResultDetail[];
  readonly decodeFailures: DecodeFailurePage;
  readonly warnings: readonly {
    readonly imageSetId: string | null;
    readonly code: string;
    readonly message: string;
    readonly details: unknown;
  }[];
}

/** What each ScoringWarningCode of @negmine/mining means for the numbers on this page. */
const WARNING_MEANINGS: Readonly<Record<string, string>> = {
  TAU_ALLOWS_NONPOSITIVE_PARTITION:
    'The debiased score divides by a partition Z_j that tau is meant to keep positive; with this tau (below Q/(K + Q)) Z_j can be zero or negative, so some images got sign-flipped or infinite scores and were clamped (counted as guard hits). Metrics of the affected sets are less trustworthy: raise tau to at least the bound or use fewer negatives per group.',
};

/** The float32 vector of a .npy file (format 1.0/2.0, '<f4'), as /runs/:id/scores.npy?imageSet= serves it. */
export function parseFloat32Npy(buffer: ArrayBuffer): Float32Array {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw new Error('not a .npy file');
  const view = new DataView(buffer);
  const v1 = bytes[6] === 1;
  const headerLength = v1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = (v1 ? 10 : 12) + headerLength;
  const header = String.fromCharCode(...bytes.subarray(v1 ? 10 : 12, start));
  if (!header.includes("'<f4'")) throw new Error(`expected float32 scores, got ${header.trim()}`);
  return new Float32Array(buffer.slice(start));
}

/** `bins` edges at the quantiles of `pooled` (duplicates merged, so skewed scores still get distinct bins). */
export function quantileEdges(pooled: Float32Array, bins: number): number[] {
  const sorted = Float64Array.from(pooled)
    .filter((value) => Number.isFinite(value))
    .sort();
  if (sorted.length === 0) return [0, 1];
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    const value = sorted[Math.min(sorted.length - 1, Math.round((i / bins) * (sorted.length - 1)))] ?? 0;
    if (edges.length === 0 || value > (edges[edges.length - 1] ?? -Infinity)) edges.push(value);
  }
  if (edges.length === 1) edges.push((edges[0] ?? 0) + 1);
  return edges;
}

/** Counts of `scores` per bin [edges[i], edges[i+1]) (the last bin closed). */
export function binCounts(scores: Float32Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const score of scores) {
    if (!Number.isFinite(score)) continue;
    let lo = 0;
    let hi = edges.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (score >= (edges[mid] ?? Infinity)) lo = mid;
      else hi = mid - 1;
    }
    counts[lo] = (counts[lo] ?? 0) + 1;
  }
  return counts;
}

/** Score range holding all but the outer `tail` fraction of the pooled images, from the histogram counts. */
export function centralRange(edges: readonly number[], counts: readonly number[], tail = 0.01): [number, number] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let lo = 0;
  let seen = 0;
  while (lo < counts.length - 1 && seen + (counts[lo] ?? 0) <= tail * total) seen += counts[lo++] ?? 0;
  let hi = counts.length - 1;
  seen = 0;
  while (hi > lo && seen + (counts[hi] ?? 0) <= tail * total) seen += counts[hi--] ?? 0;
  return [edges[lo] ?? 0, edges[hi + 1] ?? 1];
}

function warningsView(run: RunDetail): Child {
  const names = new Map([run.idImageSet, ...run.oodImageSets].map((set) => [set.id, set.name]));
  const guardHits = run.results.filter((result) => result.guardHits > 0);
  const hits =
    guardHits.length === 0
      ? h(
          'p',
          { class: 'muted' },
          run.results.length === 0
            ? 'Guard hits are counted when the run is scored.'
            : 'No image hit a numerical guard of the scoring method.',
        )
      : h(
          'p',
          {},
          'Guard hits (images whose score a numerical guard of the method clamped, e.g. a non-positive normaliser): ',
          ...guardHits.map((result, i) => [
            i === 0 ? null : '; ',
            `${result.oodImageSet.name}: ${int(result.guardHits)} of ${int(result.nId + result.nOod)} images`,
          ]),
          ". Their scores are finite but no longer the formula's value.",
        );
  if (run.warnings.length === 0)
    return h('div', { id: 'warnings' }, h('p', { class: 'muted' }, 'The scoring raised no warnings.'), hits);
  return h(
    'div',
    { id: 'warnings' },
    h(
      'ul',
      { class: 'warnings' },
      ...run.warnings.map((warning) =>
        h(
          'li',
          { 'data-code': warning.code },
          h('strong', {}, warning.code),
          ` on ${warning.imageSetId === null ? 'the whole run' : (names.get(warning.imageSetId) ?? warning.imageSetId)}: ${warning.message}`,
          h('br'),
          h(
            'span',
            { class: 'small' },
            `What it means: ${WARNING_MEANINGS[warning.code] ?? 'a problem the scoring method reported that did not stop the run; see the details.'}`,
          ),
          h('br'),
          h('code', { class: 'small' }, JSON.stringify(warning.details)),
        ),
      ),
    ),
    hits,
  );
}

/** The files of the run's sets that failed to decode for its model (left out of the scores), a page at a time. */
function decodeFailuresView(run: RunDetail): Child {
  const role = (imageSetId: string) => (imageSetId === run.idImageSet.id ? 'ID' : 'OOD');
  return decodeFailureList({
    id: 'decode-failures',
    caption: 'Files that failed to decode',
    page: run.decodeFailures,
    more: async (after) =>
      (
        await gql<{ evaluationRun: { decodeFailures: DecodeFailurePage } }>(RUN, 'RunDecodeFailures', {
          id: run.id,
          after,
        })
      ).evaluationRun.decodeFailures,
    leftOut: `left out of this run's scores and metrics for ${run.model.name}`,
    emptyText:
      isActive(run.status) && run.results.length === 0
        ? 'No file has failed to decode so far (files are listed here as the images are encoded).'
        : `Every file of the run's image sets was decoded for ${run.model.name}.`,
    columns: [
      {
        key: 'set',
        label: 'Image set',
        cell: (node) =>
          h(
            'span',
            {},
            link(node.imageSet.name, href('image-sets', undefined, { failures: node.imageSetId })),
            ` (${role(node.imageSetId)})`,
          ),
      },
    ],
  });
}

function imageSetCell(set: ImageSetInfo): Child {
  return h(
    'span',
    {},
    set.name,
    h(
      'span',
      { class: 'muted small' },
      ` (${set.kind}, ${int(set.imageCount)} images, ${set.contentHash.slice(0, 12)}…)`,
    ),
  );
}

export function metricsTable(results: readonly RunResultDetail[]): HTMLTableElement {
  const table = new DataTable<RunResultDetail>({
    caption: 'Metrics per OOD set',
    rowKey: (result) => result.oodImageSetId,
    columns: [
      { key: 'set', label: 'OOD set', cell: (result) => result.oodImageSet.name },
      {
        key: 'fprAtTprId',
        label: 'FPR95 % (fprAtTprId)',
        title: 'FPR at 95% TPR, ID positive (the paper, MCM, NegLabel)',
        numeric: true,
        cell: (result) => pct(result.fprAtTprId),
      },
      {
        key: 'fprAtTprOod',
        label: 'FPR95 % (fprAtTprOod)',
        title: 'FPR at 95% TPR, OOD positive (OpenOOD v1.5)',
        numeric: true,
        cell: (result) => pct(result.fprAtTprOod),
      },
      { key: 'auroc', label: 'AUROC %', numeric: true, cell: (result) => pct(result.auroc) },
      { key: 'auprIn', label: 'AUPR-In %', numeric: true, cell: (result) => pct(result.auprIn) },
      { key: 'auprOut', label: 'AUPR-Out %', numeric: true, cell: (result) => pct(result.auprOut) },
      {
        key: 'n',
        label: 'ID / OOD images',
        numeric: true,
        cell: (result) => `${int(result.nId)} / ${int(result.nOod)}`,
      },
      {
        key: 'threshold',
        label: 'threshold',
        title: 'Score threshold of fprAtTprId: scores at or above it are accepted as ID',
        numeric: true,
        cell: (result) => num(result.thresholdAtTprId, 6),
      },
      {
        key: 'guardHits',
        label: 'guard hits',
        title:
          'Images where a numerical guard of the scoring method changed the arithmetic (e.g. a non-positive normaliser)',
        numeric: true,
        cell: (result) => int(result.guardHits),
      },
    ],
  });
  table.setRows(results);
  return table.element;
}

class RunPage implements Page {
  private run: RunDetail | undefined;
  private stopWatch: (() => void) | undefined;
  private readonly body = h('div');
  private readonly histograms = h('div', { class: 'charts' });
  private route: Route;
  private disposed = false;
  /** Per-image scores by image set id, loaded from /runs/:id/scores.npy when quantile bins are asked for. */
  private scores: Map<string, Float32Array> | undefined;
  private scoresError: unknown;
  private scoresLoading = false;

  constructor(main: HTMLElement, route: Route) {
    this.route = route;
    replaceChildren(main, h('h1', {}, `Evaluation run ${shortId(route.id)}`), this.body);
    this.body.append(h('p', { class: 'muted' }, 'Loading…'));
    void this.load();
  }

  update(route: Route): void {
    this.route = route;
    this.renderHistograms();
  }

  private async load(): Promise<void> {
    try {
      const { evaluationRun } = await gql<{ evaluationRun: RunDetail }>(RUN, 'RunDetail', { id: this.route.id });
      if (this.disposed) return;
      this.run = evaluationRun;
      this.render();
      if (isActive(evaluationRun.status)) {
        this.stopWatch = watchRun(evaluationRun.id, (event) => {
          if (this.run === undefined) return;
          this.run.status = event.status;
          this.run.progress = event.progress;
          this.run.statusReason = event.statusReason;
          if (isTerminal(event.status)) {
            this.stopWatch?.();
            void this.load();
          } else this.renderStatus();
        });
      }
    } catch (error) {
      replaceChildren(this.body, errorBox(error, `load evaluation run ${this.route.id ?? ''}`));
    }
  }

  private readonly statusSlot = h('div', { class: 'status-line', 'aria-live': 'polite' });

  private renderStatus(): void {
    const run = this.run;
    if (run === undefined) return;
    replaceChildren(
      this.statusSlot,
      statusCell(run),
      ' ',
      h(
        'span',
        { class: 'muted' },
        `${run.method} on ${run.labelSet.name} with ${run.model.name}; created ${when(run.createdAt)}; duration ${duration(durationSeconds(run), isActive(run.status))}`,
      ),
      run.statusReason === null ? null : h('p', { class: 'muted small' }, `Status reason: ${run.statusReason}`),
    );
  }

  private render(): void {
    const run = this.run;
    if (run === undefined) return;
    this.renderStatus();
    const failure =
      run.status === 'failed' || run.error !== null
        ? h(
            'div',
            { class: 'error', role: 'alert' },
            h('strong', {}, 'The run failed: '),
            run.error ?? 'no message was recorded',
            ' ',
            h('span', { class: 'code' }, `(code ${run.errorCode ?? 'none'})`),
            run.attempts > 1 ? ` after ${run.attempts} attempts` : '',
          )
        : null;
    const results = run.results;
    const roc =
      results.length === 0
        ? h(
            'p',
            { class: 'muted' },
            isActive(run.status) ? 'Metrics appear when the run succeeds.' : 'This run has no results.',
          )
        : curveChart(
            'ROC curves (ID positive)',
            'false positive rate (OOD accepted)',
            'true positive rate (ID accepted)',
            results.map((result) => ({
              label: result.oodImageSet.name,
              points: result.rocPoints.map((point) => ({ x: point.fpr, y: point.tpr })),
            })),
          );
    replaceChildren(
      this.body,
      this.statusSlot,
      failure,
      section(
        'Metrics per OOD set',
        results.length === 0
          ? h('p', { class: 'muted' }, 'No metrics yet.')
          : h('div', { class: 'table-wrap' }, metricsTable(results)),
        h(
          'p',
          { class: 'muted small' },
          'fprAtTprId: FPR at 95% TPR with ID as the positive class (the paper, MCM, NegLabel). fprAtTprOod: OOD as the positive class (OpenOOD v1.5). Guard hits count images where a numerical guard of the scoring method changed the arithmetic.',
        ),
      ),
      section('ROC curves', h('div', { class: 'charts', id: 'roc' }, roc)),
      section('Score histograms', this.histogramControls(), this.histograms),
      section('Scoring warnings and guard hits', warningsView(run)),
      section('Files that failed to decode', decodeFailuresView(run)),
      section(
        'Per-image scores',
        run.status === 'succeeded'
          ? h(
              'p',
              {},
              'The stored score of every image (ID set first, then each OOD set, in set order): ',
              apiDownloadLink('CSV', `/runs/${run.id}/scores.csv`, {
                download: `scores-${run.id}.csv`,
                id: 'scores-csv',
              }),
              ' (set, role, imageSetId, index, score) or ',
              apiDownloadLink('.npy', `/runs/${run.id}/scores.npy`, {
                download: `scores-${run.id}.npy`,
                id: 'scores-npy',
              }),
              ' (a NumPy structured array with the same fields; add ?imageSet=<id> for one set as float32).',
            )
          : h('p', { class: 'muted' }, 'Per-image scores are stored when the run succeeds.'),
      ),
      section(
        'Parameters',
        facts(
          Object.entries(run.params)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => [key, paramValue(value)]),
        ),
        facts([
          ['seed', String(run.seed)],
          ['permutations', String(run.permutations)],
          [
            'group permutation',
            run.groupPermutation === null
              ? 'drawn from the seed'
              : `given at launch (${run.groupPermutation.length} entries)`,
          ],
        ]),
      ),
      section(
        'Provenance',
        facts([
          ['run id', run.id],
          ['idempotency key', run.idempotencyKey ?? '—'],
          [
            'label set',
            link(`${run.labelSet.name} (${run.labelSet.labelCount} labels)`, href('label-set', run.labelSet.id)),
          ],
          [
            'model',
            h(
              'span',
              {},
              `${run.model.name} (${run.model.kind}${run.model.backbone === null ? '' : `, ${run.model.backbone}`}, ${run.model.embeddingDim} dims)`,
            ),
          ],
          ['model hash', h('code', {}, run.modelHash)],
          [
            'mining run',
            run.miningRun === null
              ? '— (this method uses no negatives)'
              : h(
                  'span',
                  {},
                  link(
                    `${shortId(run.miningRun.id)} (${run.miningRun.selectionMethod}, ${int(run.miningRun.negativeCount)} negatives)`,
                    href('negatives', run.miningRun.id),
                  ),
                  h(
                    'span',
                    { class: 'muted small' },
                    ` corpus ${run.miningRun.corpus.source}, ${int(run.miningRun.corpus.entryCount)} entries, ${run.miningRun.corpus.versionHash.slice(0, 12)}…`,
                  ),
                ),
          ],
          ['ID image set', imageSetCell(run.idImageSet)],
          [
            'OOD image sets',
            h('span', {}, ...run.oodImageSets.map((set, i) => [i === 0 ? null : '; ', imageSetCell(set)])),
          ],
          ['shard size', String(run.shardSize)],
          ['code version', h('code', {}, run.codeVersion)],
          ['attempts', String(run.attempts)],
          ['created', when(run.createdAt)],
          ['started', when(run.startedAt)],
          ['finished', when(run.finishedAt)],
          ['last heartbeat', when(run.heartbeatAt)],
        ]),
      ),
      h('p', {}, link('Compare with other runs…', href('runs', undefined, { labelSet: run.labelSet.id, sel: run.id }))),
    );
    this.renderHistograms();
  }

  private histogramControls(): HTMLElement {
    const p = this.route.params;
    return h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': 'Histogram options' },
      selectControl(
        'Count axis',
        'counts',
        [
          ['linear', 'linear'],
          ['log', 'log scale'],
        ],
        p.get('counts') === 'log' ? 'log' : 'linear',
        (value) => updateParams({ counts: value === 'linear' ? undefined : value }, { replace: true }),
      ),
      selectControl(
        'Bins',
        'bins',
        [
          ['equal', '50 equal-width bins (stored)'],
          ['quantile', '50 quantile bins (per-image scores)'],
        ],
        p.get('bins') === 'quantile' ? 'quantile' : 'equal',
        (value) => updateParams({ bins: value === 'equal' ? undefined : value }, { replace: true }),
      ),
      selectControl(
        'Score axis',
        'axis',
        [
          ['linear', 'linear'],
          ['log', 'log scale (scores > 0)'],
        ],
        p.get('axis') === 'log' ? 'log' : 'linear',
        (value) => updateParams({ axis: value === 'linear' ? undefined : value }, { replace: true }),
      ),
      selectControl(
        'Score range',
        'range',
        [
          ['full', 'full range'],
          ['central', 'central 98% of images'],
        ],
        p.get('range') === 'central' ? 'central' : 'full',
        (value) => updateParams({ range: value === 'full' ? undefined : value }, { replace: true }),
      ),
    );
  }

  private async loadScores(run: RunDetail): Promise<void> {
    if (this.scores !== undefined || this.scoresLoading) return;
    this.scoresLoading = true;
    try {
      const sets = [run.idImageSet.id, ...run.oodImageSets.map((set) => set.id)];
      const vectors = await Promise.all(
        sets.map(async (setId) => {
          const response = await fetch(`/runs/${run.id}/scores.npy?imageSet=${setId}`, { headers: authHeaders() });
          if (!response.ok) {
            const body = (await response.json().catch(() => undefined)) as
              { errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
            const first = body?.errors?.[0];
            throw new ApiError(
              first?.message ?? `the scores download answered HTTP ${response.status}`,
              first?.extensions?.code ?? `HTTP_${response.status}`,
              'scores.npy',
            );
          }
          return [setId, parseFloat32Npy(await response.arrayBuffer())] as const;
        }),
      );
      this.scores = new Map(vectors);
    } catch (error) {
      this.scoresError = error;
    } finally {
      this.scoresLoading = false;
    }
    if (!this.disposed) this.renderHistograms();
  }

  private renderHistograms(): void {
    const run = this.run;
    if (run === undefined) return;
    const logCounts = this.route.params.get('counts') === 'log';
    const central = this.route.params.get('range') === 'central';
    const quantile = this.route.params.get('bins') === 'quantile';
    const logScores = this.route.params.get('axis') === 'log';
    if (quantile && run.results.length > 0 && this.scores === undefined && this.scoresError === undefined) {
      replaceChildren(this.histograms, h('p', { class: 'muted' }, 'Loading the per-image scores…'));
      void this.loadScores(run);
      return;
    }
    const idScores = this.scores?.get(run.idImageSet.id);
    replaceChildren(
      this.histograms,
      run.results.length === 0 ? h('p', { class: 'muted' }, 'No histograms yet.') : null,
      quantile && this.scoresError !== undefined
        ? errorBox(this.scoresError, 'load the per-image scores for quantile bins')
        : null,
      ...run.results.map((result) => {
        let { edges, idCounts, oodCounts } = result.histograms;
        const oodScores = this.scores?.get(result.oodImageSetId);
        const useQuantiles = quantile && idScores !== undefined && oodScores !== undefined;
        if (useQuantiles) {
          const pooledScores = new Float32Array(idScores.length + oodScores.length);
          pooledScores.set(idScores);
          pooledScores.set(oodScores, idScores.length);
          edges = quantileEdges(pooledScores, 50);
          idCounts = binCounts(idScores, edges);
          oodCounts = binCounts(oodScores, edges);
        }
        const pooled = idCounts.map((count, i) => count + (oodCounts[i] ?? 0));
        const top =
          Math.max(...pooled) /
          Math.max(
            1,
            pooled.reduce((sum, count) => sum + count, 0),
          );
        const logAxis = logScores && (edges[0] ?? 0) > 0;
        const chart = histogramChart(
          `ID vs ${result.oodImageSet.name}`,
          edges,
          [
            { label: `ID (${int(result.nId)})`, counts: idCounts },
            { label: `${result.oodImageSet.name} (${int(result.nOod)})`, counts: oodCounts },
          ],
          {
            logCounts,
            logScores: logAxis,
            range: central ? centralRange(edges, pooled) : undefined,
            countLabel: useQuantiles ? 'images per quantile bin' : undefined,
          },
        );
        chart.dataset['bins'] = useQuantiles ? 'quantile' : 'equal';
        const notes: Child[] = [];
        if (logScores && !logAxis)
          notes.push(
            `The log score axis needs positive scores; this set's scores reach ${num(edges[0] ?? 0, 4)}, so the axis stays linear.`,
          );
        if (!useQuantiles && top > 0.5)
          notes.push(
            `${Math.round(100 * top)}% of the images fall in one of the ${idCounts.length} equal-width bins the API stores: `,
            logCounts || central || logScores
              ? 'the log axes and the central range show the tails; quantile bins spread them evenly.'
              : 'switch to quantile bins, a log score axis, a log count axis or the central 98%.',
          );
        if (useQuantiles)
          notes.push(
            `Quantile bins from ${int(idScores.length + oodScores.length)} per-image scores: each bin holds 1/50 of the pooled images (narrow where scores crowd, wide in the tails).`,
          );
        return h('div', {}, chart, notes.length === 0 ? null : h('p', { class: 'muted small' }, ...notes));
      }),
    );
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatch?.();
  }
}

export const runPage: PageModule = {
  view: 'run',
  nav: 'runs',
  title: (route) => `Evaluation run ${shortId(route.id)}`,
  mount: (main, route) => new RunPage(main, route),
};
