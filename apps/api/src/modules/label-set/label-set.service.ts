// Label sets: create, update, list and delete (refused while runs reference a set that is not archived).
import type { Db } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import type { LabelSetRepository } from './label-set.repository';
import type { CreateLabelSetInput, UpdateLabelSetInput } from './label-set.input';
import type { LabelSet } from './label-set.type';

// The paper's ID template (DEFAULT_PROMPT_TEMPLATES.id of @negmine/mining).
export const DEFAULT_PROMPT_TEMPLATES = ['the nice {}'];

/** Labels from a list or from text (one per line), trimmed; exactly one source, no blanks or duplicates. */
export function parseLabels(labels: readonly string[] | undefined, labelsText: string | undefined): string[] {
  if ((labels === undefined) === (labelsText === undefined)) {
    throw badInput('give the labels either as a list (labels) or as text (labelsText), not both and not neither');
  }
  const parsed = (labels ?? labelsText!.split(/\r?\n/)).map((label) => label.trim()).filter((label) => label !== '');
  if (parsed.length === 0) throw badInput('the label set has no labels: give at least one non-blank label');
  const seen = new Set<string>();
  const duplicates = parsed.filter((label) => (seen.has(label) ? true : (seen.add(label), false)));
  if (duplicates.length > 0) {
    throw badInput(`labels must be unique; repeated: ${[...new Set(duplicates)].slice(0, 10).join(', ')}`, { duplicates: [...new Set(duplicates)] });
  }
  return parsed;
}

export function checkTemplates(templates: readonly string[]): string[] {
  const bad = templates.filter((template) => template.split('{}').length !== 2);
  if (bad.length > 0) {
    throw badInput(`each prompt template must contain '{}' exactly once (where the label goes); not accepted: ${bad.join(' | ')}`);
  }
  return [...templates];
}

export class LabelSetService {
  constructor(private readonly repository: LabelSetRepository) {}

  async create(input: CreateLabelSetInput): Promise<LabelSet> {
    const labels = parseLabels(input.labels, input.labelsText);
    const promptTemplates = checkTemplates(input.promptTemplates ?? DEFAULT_PROMPT_TEMPLATES);
    await this.assertNameFree(input.name);
    return this.repository.create({ name: input.name, labels, promptTemplates });
  }

  async update(input: UpdateLabelSetInput): Promise<LabelSet> {
    const current = await this.get(input.id);
    const labels = input.labels !== undefined || input.labelsText !== undefined ? parseLabels(input.labels, input.labelsText) : undefined;
    const promptTemplates = input.promptTemplates === undefined ? undefined : checkTemplates(input.promptTemplates);
    if (input.name !== undefined && input.name !== current.name) await this.assertNameFree(input.name);
    return this.repository.update(input.id, { name: input.name, labels, promptTemplates, archived: input.archived ?? undefined });
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
    const labelSet = await this.repository.find(id, db);
    if (labelSet === null) throw notFound('label set', id);
    return labelSet;
  }

  async list(includeArchived: boolean): Promise<LabelSet[]> {
    return this.repository.list(includeArchived);
  }

  private async assertNameFree(name: string): Promise<void> {
    if ((await this.repository.byName(name)) !== null) {
      throw conflict(`a label set named '${name}' already exists; choose another name or update that one`);
    }
  }
}
