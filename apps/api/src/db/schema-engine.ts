// Loads Prisma's wasm schema engine (the offline replacement for the `prisma migrate` CLI, which
// downloads a native engine). Internal to apps/api: used by migrate.ts and the migration script.
import { readFileSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineBg from '@prisma/schema-engine-wasm/schema_engine_bg';
import { Pool } from 'pg';
import type { PoolConfig } from './connection';

export type SchemaEngine = SchemaEngineBg.SchemaEngine;

let wasmModule: typeof SchemaEngineBg | undefined;

/** The slice of the WebAssembly global used here (the ES2022 lib has no WebAssembly types). */
interface WasmGlobal {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

async function loadWasm(): Promise<typeof SchemaEngineBg> {
  if (wasmModule !== undefined) return wasmModule;
  // Node 20 cannot import `.wasm` files, so the module is instantiated by hand.
  const bg = require('@prisma/schema-engine-wasm/schema_engine_bg') as typeof SchemaEngineBg;
  const wasmFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
  const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmGlobal };
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { './schema_engine_bg.js': bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports['__wbindgen_start'] as (() => void) | undefined)?.();
  wasmModule = bg;
  return bg;
}

export interface OpenSchemaEngine {
  readonly engine: SchemaEngine;
  /** Frees the engine and ends its connection pool. */
  close(): Promise<void>;
}

/** A schema engine over the given datamodel, connected through adapter-pg to `poolConfig` in `schema`. */
export async function openSchemaEngine(
  datamodel: string,
  poolConfig: PoolConfig,
  schema: string,
): Promise<OpenSchemaEngine> {
  const bg = await loadWasm();
  // Our own pool, so it can be ended: the adapter leaves an external pool open.
  const pool = new Pool(poolConfig as ConstructorParameters<typeof Pool>[0]);
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg(pool as never, { schema }));
  const engine = await bg.SchemaEngine.new({ datamodels: [['schema.prisma', datamodel]] }, () => undefined, adapter);
  return {
    engine,
    async close() {
      engine.free();
      await pool.end();
    },
  };
}

export const NO_FILTERS = { externalTables: [], externalEnums: [] };
