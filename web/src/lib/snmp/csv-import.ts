// CSV import of devices (POST …/devices/import, text/csv): the columns the server takes, and the
// per-line problems of a refused file (422) read out of the answer, with each line's text
// beside its problem so that the operator sees what to fix.
import { ApiError } from '../api';

export const CSV_CONTENT_TYPE = 'text/csv';

export const CSV_COLUMNS = [
  'name',
  'address',
  'port',
  'version',
  'community',
  'user',
  'auth_protocol',
  'auth_password',
  'priv_protocol',
  'priv_password',
  'context',
  'profile',
  'interval_s',
  'timeout_ms',
  'retries',
  'tags',
] as const;

export const CSV_EXAMPLE =
  'name,address,port,version,community,user,auth_protocol,auth_password,priv_protocol,priv_password,tags\n' +
  'epc-north-1,10.0.0.5,161,2c,s3cret-community,,,,,,site=north;rack=4\n' +
  'epc-south-1,10.0.1.5,161,3,,monitor,SHA-256,auth-pass-123,AES,priv-pass-123,site=south\n';

export interface CsvLineError {
  /** 1-based line of the file (the header is line 1); 0 when the problem is not on one line. */
  line: number;
  error: string;
}

function asLineError(v: unknown): CsvLineError | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const line = typeof o.line === 'number' ? o.line : typeof o.line === 'string' ? Number(o.line) : NaN;
  const text = typeof o.error === 'string' ? o.error : typeof o.message === 'string' ? o.message : null;
  if (!Number.isFinite(line) || text === null) return null;
  return { line, error: text };
}

/**
 * The {line, error} list of a 422 answer. docs/snmp.md names the items but not where the list
 * sits, so the first array of such items is taken from the body, its `error` object, or one
 * level below (`errors`, `details`, `lines`, …).
 */
export function csvLineErrors(body: unknown): CsvLineError[] {
  const candidates: unknown[] = [];
  const visit = (v: unknown, depth: number) => {
    if (Array.isArray(v)) candidates.push(v);
    else if (v && typeof v === 'object' && depth < 3) for (const child of Object.values(v)) visit(child, depth + 1);
  };
  visit(body, 0);
  for (const list of candidates as unknown[][]) {
    const items = list.map(asLineError);
    if (items.length > 0 && items.every((i) => i !== null)) {
      return (items as CsvLineError[]).sort((a, b) => a.line - b.line);
    }
  }
  return [];
}

/** The line problems of a failed import, or null when the failure is not a per-line refusal. */
export function importLineErrors(e: unknown): CsvLineError[] | null {
  if (!(e instanceof ApiError) || e.status !== 422) return null;
  const errors = csvLineErrors(e.body);
  return errors.length ? errors : null;
}

export interface CsvProblemRow extends CsvLineError {
  /** The text of that line of the file, when known. */
  text: string | null;
}

/** One CSV record's fields (RFC 4180 quoting: "a,b" and "" inside quotes). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const SECRET_COLUMNS = new Set(['community', 'auth_password', 'priv_password']);
const MASK = '••••••';

/** A data line with the values of the secret columns masked, so that they do not sit on screen. */
export function maskSecrets(line: string, header: readonly string[]): string {
  const secret = header.map((h) => SECRET_COLUMNS.has(h.trim().toLowerCase()));
  if (!secret.some(Boolean)) return line;
  return splitCsvLine(line)
    .map((v, i) => (secret[i] && v ? MASK : /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
    .join(',');
}

/** Each problem with its line's text, secrets masked (the header is line 1). */
export function problemRows(errors: readonly CsvLineError[], fileText: string | null): CsvProblemRow[] {
  const lines = fileText === null ? null : fileText.split(/\r?\n/);
  const header = lines ? splitCsvLine(lines[0] ?? '') : [];
  return errors.map((e) => {
    const raw = lines && e.line >= 1 && e.line <= lines.length ? lines[e.line - 1]! : null;
    return { ...e, text: raw === null ? null : e.line === 1 ? raw : maskSecrets(raw, header) };
  });
}

/** "3 problems on 2 lines". */
export function problemSummary(errors: readonly CsvLineError[]): string {
  const lines = new Set(errors.map((e) => e.line).filter((l) => l > 0)).size;
  const p = `${errors.length} problem${errors.length === 1 ? '' : 's'}`;
  return lines ? `${p} on ${lines} line${lines === 1 ? '' : 's'}` : p;
}
