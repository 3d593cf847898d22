// Signing keys as people read them: fingerprints in groups of four, states with their tone,
// and the current key first.
import type { SigningKey } from '../types';

/** "ABCD 1234 …" in groups of four hex digits (two halves, like gpg prints them). */
export function formatFingerprint(fpr: string): string {
  const clean = fpr.replace(/\s+/g, '').toUpperCase();
  const groups = clean.match(/.{1,4}/g) ?? [];
  if (groups.length === 10) return `${groups.slice(0, 5).join(' ')}  ${groups.slice(5).join(' ')}`;
  return groups.join(' ');
}

export function keyStateTone(state: string): 'success' | 'warning' | '' {
  if (state === 'current') return 'success';
  if (state === 'retiring') return 'warning';
  return '';
}

const STATE_ORDER: Record<string, number> = { current: 0, retiring: 1, retired: 2 };

/** Current first, then retiring, then retired; newest first within each. */
export function sortKeys(keys: readonly SigningKey[]): SigningKey[] {
  return [...keys].sort(
    (a, b) => (STATE_ORDER[a.state] ?? 3) - (STATE_ORDER[b.state] ?? 3) || b.created_at.localeCompare(a.created_at),
  );
}

export const ALGORITHMS = [
  { value: 'ed25519', label: 'Ed25519 (recommended)', hint: 'Small and fast; accepted by apt’s gpgv and sqv.' },
  { value: 'rsa4096', label: 'RSA 4096', hint: 'For clients that cannot verify Ed25519 signatures.' },
] as const;
