// Number, date and duration formatting shared by every page. Missing values show as an em dash.

export function pct(value: number | null | undefined, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value) ? (100 * value).toFixed(digits) : '—';
}

export function num(value: number | null | undefined, digits = 4): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—';
}

export function int(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

/** ISO → "YYYY-MM-DD HH:MM:SS" in UTC (the API stores UTC; a shared link reads the same everywhere). */
export function when(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
}

/** ISO → "YYYY-MM-DD HH:MM" (UTC), for table cells whose header says UTC. */
export function whenShort(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '—';
  return iso.slice(0, 16).replace('T', ' ');
}

export function durationSeconds(
  run: { readonly startedAt: string | null; readonly finishedAt: string | null },
  now = Date.now(),
): number | undefined {
  if (run.startedAt === null) return undefined;
  const end = run.finishedAt === null ? now : Date.parse(run.finishedAt);
  return Math.max(0, (end - Date.parse(run.startedAt)) / 1000);
}

export function duration(seconds: number | undefined, running = false): string {
  if (seconds === undefined) return '—';
  const text =
    seconds < 60
      ? `${seconds.toFixed(1)} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
        : `${(seconds / 3600).toFixed(1)} h`;
  return running ? `${text} …` : text;
}

export function shortId(id: string | null | undefined): string {
  return id === null || id === undefined ? '—' : id.slice(0, 8);
}

export function mean(values: readonly number[]): number | undefined {
  const finite = values.filter((value) => Number.isFinite(value));
  return finite.length === 0 ? undefined : finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

/** A JSON parameter value as one short line. */
export function paramValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The scalar parameters of a run as "k=v, k=v" (sorted by key), for a table cell. */
export function paramsSummary(params: unknown): string {
  if (params === null || typeof params !== 'object') return '—';
  const entries = Object.entries(params as Record<string, unknown>).filter(
    ([, value]) => value === null || typeof value !== 'object',
  );
  return entries.length === 0
    ? '—'
    : entries
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, value]) => `${key}=${paramValue(value)}`)
        .join(', ');
}
