// Client-side checks for the repository forms, mirroring the server's rules where they are
// known (repository names: ^[a-z0-9][a-z0-9-]{1,31}$). Each returns a message or null.
import { checkWholeNumber } from '../validation';

export const KEEP_VERSIONS_MAX = 1000;
export const OVERLAP_DAYS_MAX = 365;
/** The server refuses larger uploads with 413 before reading them. */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

const REPO_NAME = /^[a-z0-9][a-z0-9-]{1,31}$/;
const SUITE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const COMPONENT = /^[a-z0-9][a-z0-9._-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
// eslint-disable-next-line no-control-regex
const BAD_NAME_CHARS = /[\s/\u0000-\u001f\u007f]/;

/** "main, contrib  non-free" → ["main", "contrib", "non-free"] (order kept, duplicates dropped). */
export function parseWordList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function checkRepoName(v: string): string | null {
  if (!v) return 'Enter a name.';
  if (v.length < 2 || v.length > 32) return 'Use 2 to 32 characters.';
  if (!REPO_NAME.test(v)) return 'Use lowercase letters, digits and dashes, starting with a letter or digit.';
  return null;
}

/** Suite and codename are optional (the suite defaults to the name). */
export function checkSuite(v: string, what = 'The suite'): string | null {
  if (!v) return null;
  if (v.length > 64) return 'Use at most 64 characters.';
  if (!SUITE.test(v)) return `${what} may hold letters, digits, dot, dash and underscore.`;
  return null;
}

export function checkComponents(list: string[]): string | null {
  if (list.length === 0) return 'Enter at least one component, e.g. main.';
  const bad = list.find((c) => !COMPONENT.test(c));
  return bad ? `“${bad}” is not a component name (lowercase letters, digits, . _ -).` : null;
}

export function checkArchitectures(list: string[]): string | null {
  if (list.length === 0) return 'Enter at least one architecture, e.g. amd64.';
  if (list.includes('all'))
    return 'Leave out “all”: Architecture: all packages appear in every architecture’s index.';
  if (list.includes('source')) return 'Source packages are not served; list binary architectures only.';
  const bad = list.find((a) => !ARCH.test(a));
  return bad ? `“${bad}” is not an architecture name.` : null;
}

export function checkKeepVersions(v: number | string | null | undefined): string | null {
  return checkWholeNumber(v, 0, KEEP_VERSIONS_MAX, 'a number (0 keeps every version)');
}

export function checkOverlapDays(v: number | string | null | undefined): string | null {
  return checkWholeNumber(v, 0, OVERLAP_DAYS_MAX, 'a number of days');
}

/** Snapshot names end up in URLs and in the dashboard's addresses: keep them to one plain word. */
export function checkSnapshotName(v: string): string | null {
  if (!v) return 'Enter a name.';
  if (v.length > 64) return 'Use at most 64 characters.';
  if (BAD_NAME_CHARS.test(v)) return 'Use no spaces or slashes.';
  return null;
}

/** A snapshot name suggested from a repository and a date: "stable-2026-11-27". */
export function suggestSnapshotName(repo: string, now: Date = new Date()): string {
  return `${repo}-${now.toISOString().slice(0, 10)}`;
}

export function checkUploadSize(bytes: number): string | null {
  return bytes > MAX_UPLOAD_BYTES ? 'Larger than the server’s 512 MiB upload limit.' : null;
}
