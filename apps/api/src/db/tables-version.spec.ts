// The tables' version: the same while nothing is written, different after every committed insert,
// update and delete, and unmoved by a write that is not committed (or rolled back).
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { tablesVersion } from './tables-version';

describe('tablesVersion', () => {
  let db: TestDatabase;
  const version = () => tablesVersion(db.prisma, ['label_sets', 'encoder_models']);

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('changes with every committed insert, update and delete, and only then', async () => {
    const empty = await version();
    expect(await version()).toBe(empty);
    const seen = new Set([empty]);
    const expectNew = async () => {
      const next = await version();
      expect(seen.has(next)).toBe(false);
      seen.add(next);
      expect(await version()).toBe(next);
    };

    const pets = await db.prisma.labelSet.create({ data: { name: 'pets', labels: ['cat'], promptTemplates: ['{}'] } });
    await expectNew();
    await db.prisma.labelSet.update({ where: { id: pets.id }, data: { name: 'animals' } });
    await expectNew();
    // The same value written again is a new row version too.
    await db.prisma.labelSet.update({ where: { id: pets.id }, data: { name: 'animals' } });
    await expectNew();
    await db.prisma.encoderModel.create({
      data: { name: 'space', kind: 'imported_space', embeddingDim: 4, contentHash: 'a'.repeat(64) },
    });
    await expectNew();
    await db.prisma.labelSet.delete({ where: { id: pets.id } });
    await expectNew();
  });

  it('does not move for a write until it commits, nor for one rolled back', async () => {
    const client = new Client({ connectionString: db.connection.url });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${db.connection.schema}"`);
      const before = await version();
      await client.query('BEGIN');
      await client.query(`UPDATE label_sets SET name = name || '!'`);
      await client.query(`INSERT INTO label_sets (id, name, labels, prompt_templates, updated_at)
        VALUES (gen_random_uuid(), 'birds', '{jay}', '{"{}"}', now())`);
      expect(await version()).toBe(before);
      await client.query('ROLLBACK');
      expect(await version()).toBe(before);

      await client.query('BEGIN');
      await client.query(`INSERT INTO label_sets (id, name, labels, prompt_templates, updated_at)
        VALUES (gen_random_uuid(), 'birds', '{jay}', '{"{}"}', now())`);
      expect(await version()).toBe(before);
      await client.query('COMMIT');
      expect(await version()).not.toBe(before);
    } finally {
      await client.end();
    }
  });
});
