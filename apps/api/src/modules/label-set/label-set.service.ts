// Label sets: create, update, list and delete (refused while runs reference a set that is not archived).
import { isUUID } from 'class-validator';
import type { Db } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import { nameTaken, type LabelSetRepository } from './label-set.repository';
import type { CreateLabelSetInput, UpdateLabelSetInput } from './label-set.input';
import type { LabelSet } from './label-set.type';

// The paper's ID template (DEFAULT_PROMPT_TEMPLATES.id of @negmine/mining).
export const DEFAULT_PROMPT_TEMPLATES = ['the nice {}'];

/** Most labels a set may hold, whether given as `labels` or as `labelsText`. */
export const MAX_LABELS = 100_000;
/** Longest label, in characters after normalisation. */
export const MAX_LABEL_LENGTH = 256;
/** At most this many offending lines are listed in an error (the count is always given). */
const MAX_LISTED = 20;

/**
 * The documented normalisation of a label: Unicode NFC, surrounding whitespace trimmed. Two
 * labels are duplicates when their normalised forms are equal (case is kept and significant).
 */
export function normalizeLabel(label: string): string {
  return label.normalize('NFC').trim();
}

interface LabelProblem {
  readonly line: number;
  readonly problem: 'empty' | 'duplicate' | 'too_long';
  readonly firstLine?: number;
  readonly length?: number;
}

/**
 * Labels from a list or from text (one per line), normalised (normalizeLabel); exactly one source.
 * In text, blank lines are ignored; in a list an empty entry is an error. Empty, duplicate and
 * over-long (> MAX_LABEL_LENGTH) labels are one error that lists the offending lines (1-based,
 * of the list or of the text; at most MAX_LISTED, with the total); at most MAX_LABELS labels.
 */
export function parseLabels(labels: readonly string[] | undefined, labelsText: string | undefined): string[] {
  if ((labels === undefined) === (labelsText === undefined)) {
    throw badInput('give the labels either as a list (labels) or as text (labelsText), not both and not neither', {
      reason: 'LABELS_SOURCE',
    });
  }
  const fromText = labels === undefined;
  const lines = labels ?? labelsText!.split(/\r?\n/);
  const parsed: string[] = [];
  const problems: LabelProblem[] = [];
  const firstLineOf = new Map<string, number>();
  for (let index = 0; index < lines.length; index++) {
    const label = normalizeLabel(lines[index]!);
    const line = index + 1;
    if (label === '') {
      if (!fromText) problems.push({ line, problem: 'empty' });
      continue;
    }
    if (label.length > MAX_LABEL_LENGTH) problems.push({ line, problem: 'too_long', length: label.length });
    const first = firstLineOf.get(label);
    if (first !== undefined) problems.push({ line, problem: 'duplicate', firstLine: first });
    else firstLineOf.set(label, line);
    parsed.push(label);
  }
  if (parsed.length > MAX_LABELS) {
    throw badInput(`a label set holds at most ${MAX_LABELS} labels; got ${parsed.length}`, {
      reason: 'TOO_MANY_LABELS',
      max: MAX_LABELS,
      count: parsed.length,
    });
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED);
    const describe = (p: LabelProblem) =>
      p.problem === 'empty'
        ? `line ${p.line}: empty`
        : p.problem === 'duplicate'
          ? `line ${p.line}: duplicate of line ${p.firstLine}`
          : `line ${p.line}: ${p.length} characters (at most ${MAX_LABEL_LENGTH})`;
    const more = problems.length > listed.length ? `; and ${problems.length - listed.length} more` : '';
    throw badInput(
      `labels must be non-empty, unique after trimming and NFC normalisation, and at most ${MAX_LABEL_LENGTH} characters; ${problems.length} offending ${
        fromText ? 'lines of labelsText' : 'entries of labels'
      }: ${listed.map(describe).join('; ')}${more}`,
      {
        reason: 'INVALID_LABELS',
        source: fromText ? 'labelsText' : 'labels',
        problemCount: problems.length,
        problems: listed,
      },
    );
  }
  if (parsed.length === 0)
    throw badInput('the label set has no labels: give at least one non-blank label', { reason: 'NO_LABELS' });
  return parsed;
}

export function checkTemplates(templates: readonly string[]): string[] {
  const bad = templates.filter((template) => template.split('{}').length !== 2);
  if (bad.length > 0) {
    throw badInput(
      `each prompt template must contain '{}' exactly once (where the label goes); not accepted: ${bad.join(' | ')}`,
    );
  }
  return [...templates];
}

export class LabelSetService {
  constructor(private readonly repository: LabelSetRepository) {}

  async create(input: CreateLabelSetInput): Promise<LabelSet> {
    const labels = parseLabels(input.labels, input.labelsText);
    const promptTemplates = checkTemplates(input.promptTemplates ?? DEFAULT_PROMPT_TEMPLATES);
    const name = input.name.trim();
    if (name === '') throw badInput('the label set name is blank; give 1–200 non-blank characters', { reason: 'NAME' });
    await this.assertNameFree(name);
    return this.repository.create({ name, labels, promptTemplates });
  }

  async update(input: UpdateLabelSetInput): Promise<LabelSet> {
    const current = await this.get(input.id);
    const labels =
      input.labels !== undefined || input.labelsText !== undefined
        ? parseLabels(input.labels, input.labelsText)
        : undefined;
    const promptTemplates = input.promptTemplates === undefined ? undefined : checkTemplates(input.promptTemplates);
    const name = input.name?.trim();
    if (name === '') throw badInput('the label set name is blank; give 1–200 non-blank characters', { reason: 'NAME' });
    if (name !== undefined && name !== current.name) await this.assertNameFree(name);
    return this.repository.update(input.id, { name, labels, promptTemplates, archived: input.archived ?? undefined });
  }

  /** Deletes a label set. With runs, it must be archived first; then its runs are deleted with it. */
  async delete(id: string): Promise<LabelSet> {
    const labelSet = await this.get(id);
    return this.repository.deleteWithRuns(id, ({ miningRuns, evaluationRuns }) => {
      if (miningRuns + evaluationRuns > 0 && !labelSet.archived) {
        throw conflict(
          `label set '${labelSet.name}' is referenced by ${miningRuns} mining and ${evaluationRuns} evaluation runs; archive it first (updateLabelSet archived: true) to delete it with its runs`,
          { miningRuns, evaluationRuns },
        );
      }
    });
  }

  async get(id: string, db?: Db): Promise<LabelSet> {
    if (!isUUID(id))
      throw badInput(`label set id '${id.slice(0, 64)}' is malformed; ids are UUIDs`, { reason: 'MALFORMED_ID' });
    const labelSet = await this.repository.find(id, db);
    if (labelSet === null) throw notFound('label set', id);
    return labelSet;
  }

  async list(includeArchived: boolean): Promise<LabelSet[]> {
    return this.repository.list(includeArchived);
  }

  private async assertNameFree(name: string): Promise<void> {
    if ((await this.repository.byName(name)) !== null) {
      throw nameTaken(name);
    }
  }
}
