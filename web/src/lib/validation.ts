// Client-side checks mirroring the server's rules, so forms can say what is wrong before
// sending. The server stays the judge: its 400 messages are shown too.
// Each check returns an error message, or null when the value is acceptable.

export const PASSWORD_MIN = 12;
export const TOKEN_DAYS_MAX = 3650;

const USERNAME = /^[a-z0-9][a-z0-9._-]*$/;
const TENANT_ID = /^[a-z0-9][a-z0-9-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function checkUsername(v: string): string | null {
  if (!v) return 'Enter a username.';
  if (v.length < 2 || v.length > 64) return 'Use 2 to 64 characters.';
  if (!USERNAME.test(v))
    return 'Use lowercase letters, digits, dot, dash or underscore, starting with a letter or digit.';
  return null;
}

export function checkPassword(v: string): string | null {
  if (!v) return 'Enter a password.';
  if (v.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters (${v.length} so far).`;
  return null;
}

export function checkTenantId(v: string): string | null {
  if (!v) return 'Enter an id.';
  if (v.length < 2 || v.length > 32) return 'Use 2 to 32 characters.';
  if (!TENANT_ID.test(v))
    return 'Use lowercase letters, digits and dashes, starting with a letter or digit.';
  return null;
}

export function checkDisplayName(v: string, what = 'a name'): string | null {
  const t = v.trim();
  if (!t) return `Enter ${what}.`;
  if (t.length > 200) return 'Use at most 200 characters.';
  if (CONTROL.test(t)) return 'Remove the control characters.';
  return null;
}

export function checkExpiryDays(v: number | string | null | undefined): string | null {
  const n = typeof v === 'string' ? Number(v) : v;
  if (n === null || n === undefined || (typeof v === 'string' && v.trim() === '') || Number.isNaN(n))
    return 'Enter a number of days.';
  if (!Number.isInteger(n)) return 'Use a whole number of days.';
  if (n < 1 || n > TOKEN_DAYS_MAX) return `Use 1 to ${TOKEN_DAYS_MAX} days.`;
  return null;
}

/** A tenant id suggested from its display name: "Acme Wireless" → "acme-wireless". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/g, '');
}

/** A whole number in [min, max] (typed as text or a number input's value); `what` names it when missing. */
export function checkWholeNumber(v: number | string | null | undefined, min: number, max: number, what: string): string | null {
  const n = typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : v;
  if (n === null || n === undefined || Number.isNaN(n)) return `Enter ${what}.`;
  if (!Number.isInteger(n)) return 'Use a whole number.';
  if (n < min || n > max) return `Use ${min} to ${max}.`;
  return null;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Whether `v` is an IPv4 (dotted quad) or IPv6 literal; host names and zone ids (%eth0) are not. */
export function isIpLiteral(v: string): boolean {
  if (IPV4.test(v)) return true;
  if (!v.includes(':') || /[^0-9a-fA-F:.]/.test(v)) return false;
  // The URL parser checks IPv6 syntax exactly (one "::", 8 groups, an embedded IPv4 tail).
  try {
    new URL(`http://[${v}]/`);
    return true;
  } catch {
    return false;
  }
}

export function checkIpAddress(v: string): string | null {
  if (!v) return 'Enter the IP address.';
  if (!isIpLiteral(v)) return 'Enter an IPv4 or IPv6 address, e.g. 10.0.0.5 or 2001:db8::5 (not a host name).';
  return null;
}
