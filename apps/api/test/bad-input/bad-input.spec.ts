// Bad input, table-driven, through the built schema with the API's error formatting: each case must
// answer a typed error code (never INTERNAL_SERVER_ERROR), a bounded message, and leave every
// table's row count unchanged. Covers GraphQL arguments and nested inputs, launch parameters,
// label-set rules, .npy imports and paths outside the configured roots.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { createImportedSpace, npyBase64, vectors, type ImportedSpace } from '../support/imported-space';
import { graphqlClient, type GraphqlClient } from '../support/graphql';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { testConfig, testServices } from '../support/test-services';

interface BadInput {
  readonly name: string;
  readonly query: string;
  readonly variables?: (ctx: Fixture) => Record<string, unknown>;
  readonly code: string;
  /** When given, the message must match (it says what is accepted). */
  readonly message?: RegExp;
}

interface Fixture {
  readonly space: ImportedSpace;
  readonly miningRunId: string;
  readonly roots: { readonly imports: string; readonly images: string; readonly models: string };
  readonly outside: string;
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const npyHeader = (header: string) => {
  const text = `${header}`.padEnd(118, ' ') + '\n';
  const bytes = Buffer.alloc(10 + text.length);
  bytes.write('\x93NUMPY', 0, 'latin1');
  bytes[6] = 1;
  bytes[7] = 0;
  bytes.writeUInt16LE(text.length, 8);
  bytes.write(text, 10, 'latin1');
  return bytes;
};

const MINE = `mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id } }`;
const LAUNCH = `mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }`;
const CREATE = `mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`;
const IMPORT = `mutation($input: ImportEmbeddingsInput!) { importEmbeddings(input: $input) { rows } }`;
const NEGATIVES = `query($id: ID, $filter: NegativeFilter) { negatives(miningRunId: $id, filter: $filter) { totalCount } }`;
const IMAGE_SET = `mutation($folder: String!) { registerImageSet(input: { name: "imgs", folder: $folder }) { id } }`;
const MODEL = `mutation($folder: String!) { registerModel(input: { name: "m", folder: $folder }) { id } }`;

const mine =
  (params: Record<string, unknown>, method = 'knn_density') =>
  (f: Fixture) => ({
    input: {
      labelSetId: f.space.labelSetId,
      modelId: f.space.modelId,
      corpusId: f.space.corpusId,
      selectionMethod: method,
      params,
    },
  });
const launch = (extra: Record<string, unknown>) => (f: Fixture) => ({
  input: {
    method: 'neglabel',
    miningRunId: f.miningRunId,
    idImageSetId: f.space.idSetId,
    oodImageSetIds: [f.space.oodSetId],
    ...extra,
  },
});
const importLabels = (npy: string) => (f: Fixture) => ({
  input: { target: 'label_names', modelId: f.space.modelId, labelSetId: f.space.labelSetId, npyBase64: npy },
});
const importPath = (file: (f: Fixture) => string) => (f: Fixture) => ({
  input: { target: 'label_names', modelId: f.space.modelId, labelSetId: f.space.labelSetId, npyPath: file(f) },
});

const CASES: readonly BadInput[] = [
  // Ids: malformed and unknown.
  {
    name: 'malformed id in labelSet',
    query: `{ labelSet(id: "not-a-uuid") { id } }`,
    code: 'BAD_USER_INPUT',
    message: /malformed; ids are UUIDs/,
  },
  {
    name: 'deleteLabelSet malformed id',
    query: `mutation { deleteLabelSet(id: "'; drop table x; --") { id } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown label set id',
    query: `{ labelSet(id: "${UNKNOWN_ID}") { id } }`,
    code: 'NOT_FOUND',
    message: /does not exist/,
  },
  { name: 'unknown mining run id', query: `{ miningRun(id: "${UNKNOWN_ID}") { id } }`, code: 'NOT_FOUND' },
  { name: 'unknown evaluation run id', query: `{ evaluationRun(id: "${UNKNOWN_ID}") { id } }`, code: 'NOT_FOUND' },
  {
    name: 'malformed mining run id in negatives',
    query: NEGATIVES,
    variables: () => ({ id: 'x' }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown mining run in negatives',
    query: NEGATIVES,
    variables: () => ({ id: UNKNOWN_ID }),
    code: 'NOT_FOUND',
  },
  {
    name: 'mineNegatives with malformed labelSetId',
    query: MINE,
    variables: (f) => ({ input: { ...mine({})(f).input, labelSetId: 'abc' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'mineNegatives with unknown labelSetId',
    query: MINE,
    variables: (f) => ({ input: { ...mine({})(f).input, labelSetId: UNKNOWN_ID } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'mineNegatives with unknown corpus',
    query: MINE,
    variables: (f) => ({ input: { ...mine({})(f).input, corpusId: UNKNOWN_ID } }),
    code: 'NOT_FOUND',
  },
  {
    name: 'launch with unknown image set',
    query: LAUNCH,
    variables: (f) => launch({ oodImageSetIds: [UNKNOWN_ID] })(f),
    code: 'NOT_FOUND',
  },
  {
    name: 'launch with malformed mining run id',
    query: LAUNCH,
    variables: (f) => launch({ miningRunId: '1' })(f),
    code: 'BAD_USER_INPUT',
  },
  { name: 'cancelRun unknown id', query: `mutation { cancelRun(id: "${UNKNOWN_ID}") { status } }`, code: 'NOT_FOUND' },
  // Nested inputs and page sizes.
  {
    name: 'search over 200 characters (nested filter)',
    query: NEGATIVES,
    variables: (f) => ({ id: f.miningRunId, filter: { search: 'x'.repeat(201) } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'pos not noun/adj (nested filter)',
    query: NEGATIVES,
    variables: (f) => ({ id: f.miningRunId, filter: { pos: 'verb' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'lexname over 100 characters',
    query: NEGATIVES,
    variables: (f) => ({ id: f.miningRunId, filter: { lexname: 'n'.repeat(101) } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'evaluationRuns filter with malformed labelSetId',
    query: `{ evaluationRuns(filter: { labelSetId: "zz" }) { totalCount } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'page size 0',
    query: `query($id: ID) { negatives(miningRunId: $id, first: 0) { totalCount } }`,
    variables: (f) => ({ id: f.miningRunId }),
    code: 'BAD_USER_INPUT',
  },
  {
    // The row budget of the query limits refuses it before any resolver runs.
    name: 'page size far too large',
    query: `query($id: ID) { negatives(miningRunId: $id, first: 1000000) { totalCount } }`,
    variables: (f) => ({ id: f.miningRunId }),
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'undecodable cursor',
    query: `query($id: ID) { negatives(miningRunId: $id, after: "%%%") { totalCount } }`,
    variables: (f) => ({ id: f.miningRunId }),
    code: 'BAD_USER_INPUT',
  },
  {
    // Bounded by the argument's MaxLength before any decoding; the message does not echo it.
    name: 'cursor of 100,000 characters',
    query: `query($id: ID, $after: String) { negatives(miningRunId: $id, after: $after) { totalCount } }`,
    variables: (f) => ({ id: f.miningRunId, after: 'A'.repeat(100_000) }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'wrong argument type (string for Int)',
    query: `{ miningRuns(first: "ten") { totalCount } }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'unknown enum value',
    query: `{ miningRuns(status: exploded) { totalCount } }`,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'unknown field', query: `{ labelSets { id password } }`, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'syntax error', query: `{ labelSets { id `, code: 'GRAPHQL_PARSE_FAILED' },
  // Selection parameters at launch.
  {
    name: 'k ≥ corpus size',
    query: MINE,
    variables: mine({ k: 40 }),
    code: 'BAD_USER_INPUT',
    message: /k must be smaller than the corpus size; accepted: an integer in \[1, 39\]/,
  },
  {
    name: 'k = 0',
    query: MINE,
    variables: mine({ k: 0 }),
    code: 'BAD_USER_INPUT',
    message: /k must be an integer in \[1, /,
  },
  { name: 'k fractional', query: MINE, variables: mine({ k: 1.5 }), code: 'BAD_USER_INPUT' },
  { name: 'k as a string', query: MINE, variables: mine({ k: 'ten' }), code: 'BAD_USER_INPUT' },
  { name: 'k as an object', query: MINE, variables: mine({ k: { $gt: 1 } }), code: 'BAD_USER_INPUT' },
  {
    name: 'keepNoun 0',
    query: MINE,
    variables: mine({ k: 5, keepNoun: 0 }),
    code: 'BAD_USER_INPUT',
    message: /\(0, 1\]/,
  },
  { name: 'keepNoun above 1', query: MINE, variables: mine({ k: 5, keepNoun: 1.01 }), code: 'BAD_USER_INPUT' },
  {
    name: 'keepAdj keeps no adjective',
    query: MINE,
    variables: mine({ k: 5, keepAdj: 0.05 }),
    code: 'BAD_USER_INPUT',
    message: /keeps none of its 10 adjectives/,
  },
  {
    name: 'unknown distance',
    query: MINE,
    variables: mine({ k: 5, distance: 'l1' }),
    code: 'BAD_USER_INPUT',
    message: /official, cosine/,
  },
  { name: 'unknown precision', query: MINE, variables: mine({ k: 5, precision: 'float16' }), code: 'BAD_USER_INPUT' },
  {
    name: 'unknown selection parameter',
    query: MINE,
    variables: mine({ kk: 5 }),
    code: 'BAD_USER_INPUT',
    message: /accepted: k,/,
  },
  { name: 'negative blockRows', query: MINE, variables: mine({ k: 5, blockRows: -3 }), code: 'BAD_USER_INPUT' },
  {
    name: 'neglabel quantile out of range',
    query: MINE,
    variables: mine({ quantile: 2 }, 'neglabel'),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'neglabel nearDuplicateCosine out of range',
    query: MINE,
    variables: mine({ nearDuplicateCosine: -1.5 }, 'neglabel'),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown selection method',
    query: MINE,
    variables: (f) => ({ input: { ...mine({})(f).input, selectionMethod: 'magic' } }),
    code: 'BAD_USER_INPUT',
  },
  // Scoring parameters at launch.
  {
    name: 'groups > negatives',
    query: LAUNCH,
    variables: launch({ params: { groups: 12 } }),
    code: 'BAD_USER_INPUT',
    message: /groups exceeds the number of negatives; accepted: an integer in \[1, 11\]/,
  },
  { name: 'groups 0', query: LAUNCH, variables: launch({ params: { groups: 0 } }), code: 'BAD_USER_INPUT' },
  {
    name: 'temperature 0',
    query: LAUNCH,
    variables: launch({ params: { groups: 5, temperature: 0 } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'temperature as a list',
    query: LAUNCH,
    variables: launch({ params: { groups: 5, temperature: [1] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown scoring parameter',
    query: LAUNCH,
    variables: launch({ params: { gruops: 5 } }),
    code: 'BAD_USER_INPUT',
    message: /accepted/,
  },
  {
    name: 'permutations 0',
    query: LAUNCH,
    variables: launch({ params: { groups: 5 }, permutations: 0 }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'permutations above 1000',
    query: LAUNCH,
    variables: launch({ params: { groups: 5 }, permutations: 1001 }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'seed + permutations past 2^32',
    query: LAUNCH,
    variables: launch({ params: { groups: 5, seed: 4294967295, permutations: 2 } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'permutation with a repeat',
    query: LAUNCH,
    variables: launch({ params: { groups: 5 }, permutation: { indices: [0, 0, 1, 2, 3, 4, 5, 6, 7, 8] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'permutation of the wrong length',
    query: LAUNCH,
    variables: launch({ params: { groups: 5 }, permutation: { indices: [0, 1] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'permutation for mcm',
    query: LAUNCH,
    variables: launch({ method: 'mcm', permutation: { indices: [0] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'same set as ID and OOD',
    query: LAUNCH,
    variables: (f) => launch({ oodImageSetIds: [f.space.idSetId] })(f),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown preset',
    query: LAUNCH,
    variables: launch({ method: 'debiased', preset: 'vit-z99' }),
    code: 'BAD_USER_INPUT',
  },
  // Label sets.
  {
    name: 'label set name empty',
    query: CREATE,
    variables: () => ({ input: { name: '', labels: ['a'] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'label set name blank',
    query: CREATE,
    variables: () => ({ input: { name: '   ', labels: ['a'] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'label set name taken',
    query: CREATE,
    variables: () => ({ input: { name: 'taken-name', labels: ['a'] } }),
    code: 'CONFLICT',
  },
  {
    name: 'both labels and labelsText',
    query: CREATE,
    variables: () => ({ input: { name: 'n1', labels: ['a'], labelsText: 'a' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'neither labels nor labelsText',
    query: CREATE,
    variables: () => ({ input: { name: 'n2' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'an empty label in a list',
    query: CREATE,
    variables: () => ({ input: { name: 'n3', labels: ['a', ' '] } }),
    code: 'BAD_USER_INPUT',
    message: /line 2: empty/,
  },
  {
    name: 'duplicate labels after trimming',
    query: CREATE,
    variables: () => ({ input: { name: 'n4', labelsText: 'cat\n cat ' } }),
    code: 'BAD_USER_INPUT',
    message: /line 2: duplicate of line 1/,
  },
  {
    name: 'a 257-character label',
    query: CREATE,
    variables: () => ({ input: { name: 'n5', labels: ['y'.repeat(257)] } }),
    code: 'BAD_USER_INPUT',
    message: /at most 256/,
  },
  {
    name: '100,001 labels as text',
    query: CREATE,
    variables: () => ({
      input: { name: 'n6', labelsText: Array.from({ length: 100_001 }, (_, i) => `l${i}`).join('\n') },
    }),
    code: 'BAD_USER_INPUT',
    message: /at most 100000/,
  },
  {
    name: 'only blank lines',
    query: CREATE,
    variables: () => ({ input: { name: 'n7', labelsText: '\n\n  \n' } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'template without {}',
    query: CREATE,
    variables: () => ({ input: { name: 'n8', labels: ['a'], promptTemplates: ['a photo'] } }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'template with {} twice',
    query: CREATE,
    variables: () => ({ input: { name: 'n9', labels: ['a'], promptTemplates: ['{} {}'] } }),
    code: 'BAD_USER_INPUT',
  },
  // .npy imports.
  {
    name: 'npy: not base64 of an npy',
    query: IMPORT,
    variables: importLabels(b64('hello world')),
    code: 'BAD_USER_INPUT',
  },
  { name: 'npy: empty', query: IMPORT, variables: importLabels(''), code: 'BAD_USER_INPUT' },
  {
    name: 'npy: broken header dict',
    query: IMPORT,
    variables: importLabels(b64(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 8"))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: unsupported dtype',
    query: IMPORT,
    variables: importLabels(b64(npyHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (3, 8), }"))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: header promises more data than given',
    query: IMPORT,
    variables: importLabels(b64(npyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 8), }"))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: 1-D',
    query: IMPORT,
    variables: importLabels(b64(serializeNpy(new Float32Array(24), [24]))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: 3-D',
    query: IMPORT,
    variables: importLabels(b64(serializeNpy(new Float32Array(24), [3, 4, 2]))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: wrong width',
    query: IMPORT,
    variables: importLabels(npyBase64(vectors(3, 4, 1), 3, 4)),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: wrong row count',
    query: IMPORT,
    variables: importLabels(npyBase64(vectors(2, 8, 1), 2, 8)),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: NaN',
    query: IMPORT,
    variables: importLabels(
      npyBase64(
        Float32Array.from(vectors(3, 8, 1), (v, i) => (i === 5 ? Number.NaN : v)),
        3,
        8,
      ),
    ),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: infinity',
    query: IMPORT,
    variables: importLabels(
      npyBase64(
        Float32Array.from(vectors(3, 8, 1), (v, i) => (i === 0 ? Number.POSITIVE_INFINITY : v)),
        3,
        8,
      ),
    ),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: integer dtype',
    query: IMPORT,
    variables: importLabels(b64(serializeNpy(new Int32Array(24), [3, 8]))),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'npy: both base64 and path',
    query: IMPORT,
    variables: (f) => ({
      input: {
        ...importLabels(npyBase64(vectors(3, 8, 1), 3, 8))(f).input,
        npyPath: path.join(f.roots.imports, 'x.npy'),
      },
    }),
    code: 'BAD_USER_INPUT',
  },
  // Paths outside the roots (imports, images, models).
  {
    name: 'import path with ..',
    query: IMPORT,
    variables: importPath((f) => `${f.roots.imports}/../outside/labels.npy`),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'import absolute path outside',
    query: IMPORT,
    variables: importPath((f) => path.join(f.outside, 'labels.npy')),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'import path outside that does not exist',
    query: IMPORT,
    variables: importPath((f) => path.join(f.outside, 'missing.npy')),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'import path through a symlink to outside',
    query: IMPORT,
    variables: importPath((f) => path.join(f.roots.imports, 'link.npy')),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  { name: 'import relative path', query: IMPORT, variables: importPath(() => 'labels.npy'), code: 'BAD_USER_INPUT' },
  {
    name: 'import /etc/passwd',
    query: IMPORT,
    variables: importPath(() => '/etc/passwd'),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'image folder outside',
    query: IMAGE_SET,
    variables: (f) => ({ folder: f.outside }),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'image folder via ..',
    query: IMAGE_SET,
    variables: (f) => ({ folder: `${f.roots.images}/../outside` }),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'image folder symlinked outside',
    query: IMAGE_SET,
    variables: (f) => ({ folder: path.join(f.roots.images, 'link') }),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'image folder missing under the root',
    query: IMAGE_SET,
    variables: (f) => ({ folder: path.join(f.roots.images, 'nope') }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'model folder outside',
    query: MODEL,
    variables: (f) => ({ folder: f.outside }),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'model folder symlinked outside',
    query: MODEL,
    variables: (f) => ({ folder: path.join(f.roots.models, 'link') }),
    code: 'FORBIDDEN',
    message: /outside the allowed roots/,
  },
  {
    name: 'model folder with a corrupt ONNX file and a wrong tokenizer',
    query: MODEL,
    variables: (f) => ({ folder: path.join(f.roots.models, 'corrupt') }),
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'model with neither folder nor width',
    query: `mutation { registerModel(input: { name: "none" }) { id } }`,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'model width 0',
    query: `mutation { registerModel(input: { name: "w0", importedEmbeddingDim: 0 }) { id } }`,
    code: 'BAD_USER_INPUT',
  },
];

describe('bad input (table-driven)', () => {
  let db: TestDatabase;
  let client: GraphqlClient;
  let fixture: Fixture;
  let scratch: string;

  const counts = async () => ({
    labelSets: await db.prisma.labelSet.count(),
    models: await db.prisma.encoderModel.count(),
    corpora: await db.prisma.corpus.count(),
    imageSets: await db.prisma.imageSet.count(),
    imageSetItems: await db.prisma.imageSetItem.count(),
    textEmbeddings: await db.prisma.textEmbedding.count(),
    miningRuns: await db.prisma.miningRun.count(),
    negatives: await db.prisma.negativeLabel.count(),
    evaluationRuns: await db.prisma.evaluationRun.count(),
  });

  beforeAll(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), 'negmine-bad-input-'));
    const roots = {
      imports: path.join(scratch, 'imports'),
      images: path.join(scratch, 'images'),
      models: path.join(scratch, 'models'),
    };
    const outside = path.join(scratch, 'outside');
    for (const dir of [
      ...Object.values(roots),
      outside,
      path.join(roots.images, 'broken'),
      path.join(roots.models, 'corrupt'),
    ])
      mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(outside, 'labels.npy'), serializeNpy(vectors(3, 8, 1), [3, 8]));
    writeFileSync(path.join(outside, 'a.png'), Buffer.alloc(0));
    symlinkSync(path.join(outside, 'labels.npy'), path.join(roots.imports, 'link.npy'));
    symlinkSync(outside, path.join(roots.images, 'link'));
    symlinkSync(outside, path.join(roots.models, 'link'));
    writeFileSync(path.join(roots.images, 'broken', 'empty.png'), Buffer.alloc(0));
    writeFileSync(path.join(roots.images, 'broken', 'garbage.jpg'), 'not a jpeg at all');
    writeFileSync(path.join(roots.models, 'corrupt', 'text_model.onnx'), 'not onnx');
    writeFileSync(path.join(roots.models, 'corrupt', 'vision_model.onnx'), Buffer.from([8, 1, 18, 0, 0xff]));
    writeFileSync(path.join(roots.models, 'corrupt', 'tokenizer.json'), '{"model": 42}');

    db = await createTestDatabase();
    const services = testServices(
      db.prisma,
      undefined,
      testConfig({ importRoots: [roots.imports], imageRoots: [roots.images], modelRoots: [roots.models] }),
    );
    const space = await createImportedSpace(services, 'bad');
    await services.labelSets.create({ name: 'taken-name', labels: ['a'] });
    const run = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: 'neglabel' as never,
    });
    await db.prisma.miningRun.update({ where: { id: run.id }, data: { status: 'succeeded' } });
    await db.prisma.negativeLabel.createMany({
      data: Array.from({ length: 11 }, (_, rank) => ({
        miningRunId: run.id,
        rank,
        corpusIndex: rank,
        word: `w${rank}`,
        pos: 'noun',
        statistic: rank,
        falseNegativeFlags: [],
        flagged: false,
      })),
    });
    fixture = { space, miningRunId: run.id, roots, outside };
    client = await graphqlClient(services);
  }, 60_000);

  afterAll(async () => {
    await client?.stop();
    await db?.drop();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await counts();
    const result = await client.exec(c.query, c.variables?.(fixture));
    const error = result.errors?.[0];
    expect({ code: error?.extensions?.['code'] }).toEqual({ code: c.code });
    expect(error!.message.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(result.errors).length).toBeLessThanOrEqual(8000);
    expect(JSON.stringify(result.errors)).not.toMatch(/root:x:0:0|not a jpeg at all|"model": 42/);
    if (c.message !== undefined) expect(error!.message).toMatch(c.message);
    expect(await counts()).toEqual(before);
  });
});
