// The columns a run list reads are explicit: every GraphQL field of EvaluationRun is a column or
// names the columns its resolver reads, and a list asked for a field reads what it needs.
import { isObjectType } from 'graphql';
import { buildApiSchema } from '../../schema';
import { EVALUATION_RUN_COLUMNS, EVALUATION_RUN_COLUMNS_OF_FIELD, runListSelect } from './evaluation.repository';

describe('evaluation run list columns', () => {
  it('knows the columns of every EvaluationRun field', async () => {
    const type = (await buildApiSchema()).getType('EvaluationRun');
    if (!isObjectType(type)) throw new Error('EvaluationRun is not an object type');
    const unknown = Object.keys(type.getFields()).filter(
      (field) =>
        !(field in EVALUATION_RUN_COLUMNS_OF_FIELD) && !(EVALUATION_RUN_COLUMNS as readonly string[]).includes(field),
    );
    expect(unknown).toEqual([]);
    for (const field of Object.keys(type.getFields())) {
      const select = runListSelect(new Set([field]));
      const needed = EVALUATION_RUN_COLUMNS_OF_FIELD[field] ?? [field];
      for (const column of needed)
        expect({ field, column, read: select[column as keyof typeof select] }).toEqual({ field, column, read: true });
    }
  });

  it('refuses a field it has no columns for, instead of reading nothing', () => {
    expect(() => runListSelect(new Set(['someNewField']))).toThrow(/add it to EVALUATION_RUN_COLUMNS_OF_FIELD/);
  });

  it('never lists the permutation bytes, even when every column is read', () => {
    expect(runListSelect(undefined)).not.toHaveProperty('groupPermutation');
    expect(runListSelect(new Set(['groupPermutation']))).not.toHaveProperty('groupPermutation');
  });
});
