// The add/edit device dialog's model and its mapping to the API (docs/snmp.md): a form holds
// what the inputs show (numbers may be empty, tags and custom OIDs are rows); `createBody` and
// `patchBody` turn it into request bodies, `checkDeviceForm` mirrors the server's rules.
//
// Secrets never come back from the API (only community_set / auth_password_set /
// priv_password_set): on edit their inputs start empty and an empty input means "keep the
// stored one", so a patch carries a secret only when one was typed.
import { checkDisplayName, checkIpAddress, checkWholeNumber } from '../validation';
import type {
  AuthProtocol,
  CustomOid,
  Device,
  DevicePatch,
  DeviceSnmpBody,
  NewDevice,
  OidType,
  PrivProtocol,
  SnmpVersion,
} from '../types';

export const SNMP_VERSIONS: readonly SnmpVersion[] = ['1', '2c', '3'];
export const AUTH_PROTOCOLS: readonly AuthProtocol[] = ['MD5', 'SHA', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'];
export const PRIV_PROTOCOLS: readonly PrivProtocol[] = ['DES', 'AES', 'AES-192', 'AES-256'];
export const OID_TYPES: readonly OidType[] = ['gauge', 'counter', 'text'];

/** The server's defaults and limits. */
export const DEVICE_DEFAULTS = {
  port: 161,
  profile: 'epc-default',
  interval_s: 60,
  timeout_ms: 1500,
  retries: 2,
  max_repetitions: 25,
} as const;
export const LIMITS = {
  port: [1, 65535],
  interval_s: [10, 86_400],
  timeout_ms: [100, 60_000],
  retries: [0, 10],
  max_repetitions: [1, 200],
} as const;
export const SECRET_MIN = 8;
/** Longest community, password or context the server stores. */
export const SECRET_MAX = 255;
export const NAME_MAX = 100;
/** RFC 3414: a USM user name is 1 to 32 octets. */
export const USER_MAX = 32;
export const TAGS_MAX = 32;
export const TAG_KEY_MAX = 64;
export const TAG_VALUE_MAX = 200;
export const CUSTOM_OIDS_MAX = 100;
export const METRIC_NAME_MAX = 100;

export interface TagRow {
  key: string;
  value: string;
}

export interface OidRow {
  oid: string;
  name: string;
  type: OidType;
  unit: string;
  /** As typed; empty means 1. */
  scale: string;
}

/** A number input's value: a number, or null/undefined while it is empty. */
type NumberInput = number | string | null | undefined;

export interface DeviceForm {
  name: string;
  address: string;
  port: NumberInput;
  version: SnmpVersion;
  community: string;
  user: string;
  auth_protocol: AuthProtocol | 'none';
  auth_password: string;
  priv_protocol: PrivProtocol | 'none';
  priv_password: string;
  context: string;
  profile: string;
  interval_s: NumberInput;
  timeout_ms: NumberInput;
  retries: NumberInput;
  max_repetitions: NumberInput;
  enabled: boolean;
  tags: TagRow[];
  custom_oids: OidRow[];
}

export function emptyForm(): DeviceForm {
  return {
    name: '',
    address: '',
    port: DEVICE_DEFAULTS.port,
    version: '2c',
    community: '',
    user: '',
    auth_protocol: 'SHA',
    auth_password: '',
    priv_protocol: 'AES',
    priv_password: '',
    context: '',
    profile: DEVICE_DEFAULTS.profile,
    interval_s: DEVICE_DEFAULTS.interval_s,
    timeout_ms: DEVICE_DEFAULTS.timeout_ms,
    retries: DEVICE_DEFAULTS.retries,
    max_repetitions: DEVICE_DEFAULTS.max_repetitions,
    enabled: true,
    tags: [],
    custom_oids: [],
  };
}

const isAuth = (v: unknown): v is AuthProtocol => (AUTH_PROTOCOLS as readonly unknown[]).includes(v);
const isPriv = (v: unknown): v is PrivProtocol => (PRIV_PROTOCOLS as readonly unknown[]).includes(v);

/** The form for editing `d`: every setting as stored, secret inputs empty ("unchanged"). */
export function formFromDevice(d: Device): DeviceForm {
  const snmp = d.snmp ?? { version: '2c' };
  // A v1/v2c device has no v3 settings: switching it to v3 starts from the usual authPriv.
  const v3 = snmp.version === '3';
  const blank = emptyForm();
  return {
    name: d.name,
    address: d.address,
    port: d.port,
    version: snmp.version,
    community: '',
    user: snmp.user ?? '',
    auth_protocol: !v3 ? blank.auth_protocol : isAuth(snmp.auth_protocol) ? snmp.auth_protocol : 'none',
    auth_password: '',
    priv_protocol: !v3 ? blank.priv_protocol : isPriv(snmp.priv_protocol) ? snmp.priv_protocol : 'none',
    priv_password: '',
    context: snmp.context ?? '',
    profile: d.profile,
    interval_s: d.interval_s,
    timeout_ms: d.timeout_ms,
    retries: d.retries,
    max_repetitions: d.max_repetitions,
    enabled: d.enabled,
    tags: Object.entries(d.tags ?? {}).map(([key, value]) => ({ key, value })),
    custom_oids: (d.custom_oids ?? []).map((o) => ({
      oid: o.oid,
      name: o.name,
      type: o.type,
      unit: o.unit ?? '',
      scale: String(o.scale ?? 1),
    })),
  };
}

const num = (v: NumberInput): number => (typeof v === 'string' ? Number(v.trim()) : Number(v));
const hasNumber = (v: NumberInput) => v !== null && v !== undefined && String(v).trim() !== '';

/** The snmp object of a body: the version's fields, each secret only when typed. */
export function snmpBody(f: DeviceForm): DeviceSnmpBody {
  if (f.version !== '3') {
    const body: DeviceSnmpBody = { version: f.version };
    if (f.community) body.community = f.community;
    return body;
  }
  const body: DeviceSnmpBody = { version: '3', user: f.user.trim() };
  if (f.auth_protocol !== 'none') {
    // No auth protocol is noAuthNoPriv: the fields are left out, not sent as "none".
    body.auth_protocol = f.auth_protocol;
    if (f.auth_password) body.auth_password = f.auth_password;
    if (f.priv_protocol !== 'none') {
      body.priv_protocol = f.priv_protocol;
      if (f.priv_password) body.priv_password = f.priv_password;
    }
  }
  body.context = f.context.trim();
  return body;
}

export function tagsOf(rows: readonly TagRow[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const r of rows) {
    const key = r.key.trim();
    if (key) tags[key] = r.value.trim();
  }
  return tags;
}

export function customOidsOf(rows: readonly OidRow[]): CustomOid[] {
  return rows
    .filter((r) => r.oid.trim() || r.name.trim())
    .map((r) => ({
      oid: r.oid.trim().replace(/^\./, ''),
      name: r.name.trim(),
      type: r.type,
      unit: r.unit.trim(),
      scale: r.scale.trim() === '' ? 1 : Number(r.scale),
    }));
}

/** The POST …/devices body (also what POST …/devices/test takes). */
export function createBody(f: DeviceForm): NewDevice {
  return {
    name: f.name.trim(),
    address: f.address.trim(),
    port: num(f.port),
    snmp: snmpBody(f),
    profile: f.profile.trim() || DEVICE_DEFAULTS.profile,
    interval_s: num(f.interval_s),
    timeout_ms: num(f.timeout_ms),
    retries: num(f.retries),
    max_repetitions: num(f.max_repetitions),
    tags: tagsOf(f.tags),
    custom_oids: customOidsOf(f.custom_oids),
    enabled: f.enabled,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether the form's SNMP settings differ from what `original` stores (a typed secret counts). */
export function snmpChanged(f: DeviceForm, original: Device): boolean {
  const before = formFromDevice(original);
  const typed = Boolean(f.community || f.auth_password || f.priv_password);
  return typed || !same(snmpBody({ ...f, community: '', auth_password: '', priv_password: '' }), snmpBody(before));
}

/**
 * The PATCH body for what changed between `original` and the form: changed fields only, the
 * snmp object whole (with the secrets that were typed) when any SNMP setting changed. Empty
 * when nothing changed. `enabled` is left to the enable/disable routes.
 */
export function patchBody(f: DeviceForm, original: Device): DevicePatch {
  const next = createBody(f);
  const patch: DevicePatch = {};
  if (next.name !== original.name) patch.name = next.name;
  if (next.address !== original.address) patch.address = next.address;
  for (const key of ['port', 'interval_s', 'timeout_ms', 'retries', 'max_repetitions'] as const) {
    if (next[key] !== original[key]) patch[key] = next[key];
  }
  if (next.profile !== original.profile) patch.profile = next.profile;
  if (!same(sortedEntries(next.tags ?? {}), sortedEntries(original.tags ?? {}))) patch.tags = next.tags;
  if (!same(next.custom_oids, customOidsOf(formFromDevice(original).custom_oids))) patch.custom_oids = next.custom_oids;
  if (snmpChanged(f, original)) patch.snmp = next.snmp;
  return patch;
}

const sortedEntries = (o: Record<string, string>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));

/** Fields of a patch that change how the device is reached: a test must then use the form, not the stored device. */
export const CONNECTION_FIELDS: readonly (keyof DevicePatch)[] = ['address', 'port', 'snmp', 'timeout_ms', 'retries'];

export function changesConnection(patch: DevicePatch): boolean {
  return CONNECTION_FIELDS.some((k) => k in patch);
}

export type FormErrors = Partial<Record<string, string>>;

/** Tag keys become label names, custom OID names metric names: both letters, digits and _. */
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NUMERIC_OID = /^\.?\d+(\.\d+)+$/;

function checkSecret(value: string, required: boolean, what: string): string | null {
  if (!value) return required ? `Enter the ${what}.` : null;
  if (value.length < SECRET_MIN) return `Use at least ${SECRET_MIN} characters (${value.length} so far).`;
  if (value.length > SECRET_MAX) return `Use at most ${SECRET_MAX} characters.`;
  return null;
}

/**
 * Which secrets must be typed: all of them on create; on edit those the device does not store
 * yet, all of them when the version changes (the server keeps stored secrets only when the
 * version is unchanged), and a v3 password whose protocol was off until now.
 */
export function secretsRequired(f: DeviceForm, original: Device | null): { community: boolean; auth: boolean; priv: boolean } {
  const fresh = !original || original.snmp.version !== f.version;
  const s = original?.snmp;
  const authWasOff = !isAuth(s?.auth_protocol);
  const privWasOff = !isPriv(s?.priv_protocol);
  return {
    community: f.version !== '3' && (fresh || !s?.community_set),
    auth: f.version === '3' && f.auth_protocol !== 'none' && (fresh || authWasOff || !s?.auth_password_set),
    priv:
      f.version === '3' &&
      f.auth_protocol !== 'none' &&
      f.priv_protocol !== 'none' &&
      (fresh || privWasOff || !s?.priv_password_set),
  };
}

/** Connection settings only: what a connection test needs. Keys are the form's field names. */
export function checkConnection(f: DeviceForm, original: Device | null = null): FormErrors {
  const e: FormErrors = {};
  const set = (k: string, msg: string | null) => {
    if (msg) e[k] = msg;
  };
  set('address', checkIpAddress(f.address.trim()));
  set('port', checkWholeNumber(f.port, LIMITS.port[0], LIMITS.port[1], 'a port (161 is usual)'));
  set('timeout_ms', checkWholeNumber(f.timeout_ms, LIMITS.timeout_ms[0], LIMITS.timeout_ms[1], 'a timeout in ms'));
  set('retries', checkWholeNumber(f.retries, LIMITS.retries[0], LIMITS.retries[1], 'a number of retries'));
  const need = secretsRequired(f, original);
  if (f.version !== '3') {
    if (!f.community && need.community) e.community = 'Enter the community.';
    else if (f.community.length > SECRET_MAX) e.community = `Use at most ${SECRET_MAX} characters.`;
  } else {
    const user = f.user.trim();
    if (!user) e.user = 'Enter the SNMPv3 user name.';
    else if (user.length > USER_MAX) e.user = `Use at most ${USER_MAX} characters.`;
    if (f.auth_protocol !== 'none') set('auth_password', checkSecret(f.auth_password, need.auth, 'authentication password'));
    if (f.auth_protocol !== 'none' && f.priv_protocol !== 'none')
      set('priv_password', checkSecret(f.priv_password, need.priv, 'privacy password'));
  }
  return e;
}

/** Every field; keys are the form's field names, `tags.<i>` and `oids.<i>` for rows. */
export function checkDeviceForm(f: DeviceForm, original: Device | null = null): FormErrors {
  const e = checkConnection(f, original);
  const set = (k: string, msg: string | null) => {
    if (msg) e[k] = msg;
  };
  const name = f.name.trim();
  set('name', checkDisplayName(name, 'a name') ?? (name.length > NAME_MAX ? `Use at most ${NAME_MAX} characters.` : null));
  set('interval_s', checkWholeNumber(f.interval_s, LIMITS.interval_s[0], LIMITS.interval_s[1], 'a poll interval in seconds'));
  set(
    'max_repetitions',
    checkWholeNumber(f.max_repetitions, LIMITS.max_repetitions[0], LIMITS.max_repetitions[1], 'a number'),
  );
  if (!f.profile.trim()) e.profile = 'Pick a poll profile.';
  const seen = new Set<string>();
  f.tags.forEach((row, i) => {
    const key = row.key.trim();
    if (!key && !row.value.trim()) return;
    let msg: string | null = null;
    if (!key) msg = 'Enter a key, or remove the row.';
    else if (!NAME.test(key) || key.length > TAG_KEY_MAX)
      msg = `Keys become label names: letters, digits and _, not starting with a digit, at most ${TAG_KEY_MAX}.`;
    else if (key === 'device' || key === '__name__') msg = `“${key}” is reserved: every series already carries it.`;
    else if (seen.has(key)) msg = `“${key}” is used twice.`;
    else if (row.value.trim().length > TAG_VALUE_MAX) msg = `Values have at most ${TAG_VALUE_MAX} characters.`;
    if (msg) e[`tags.${i}`] = msg;
    seen.add(key);
  });
  if (Object.keys(tagsOf(f.tags)).length > TAGS_MAX) e.tags = `At most ${TAGS_MAX} tags.`;
  const names = new Set<string>();
  f.custom_oids.forEach((row, i) => {
    const oid = row.oid.trim();
    const name = row.name.trim();
    if (!oid && !name) return;
    const scale = row.scale.trim() === '' ? 1 : Number(row.scale);
    let msg: string | null = null;
    if (!NUMERIC_OID.test(oid)) msg = 'Enter a numeric OID, e.g. 1.3.6.1.4.1.32473.1.1.5.0.';
    else if (!name) msg = 'Name the metric.';
    else if (!NAME.test(name) || name.length > METRIC_NAME_MAX)
      msg = `Metric names are letters, digits and _, not starting with a digit, at most ${METRIC_NAME_MAX}.`;
    else if (names.has(name)) msg = `“${name}” is used twice.`;
    else if (!Number.isFinite(scale) || scale === 0) msg = 'The scale is a non-zero number (1 keeps the value).';
    if (msg) e[`oids.${i}`] = msg;
    names.add(name);
  });
  if (customOidsOf(f.custom_oids).length > CUSTOM_OIDS_MAX) e.custom_oids = `At most ${CUSTOM_OIDS_MAX} custom OIDs.`;
  return e;
}

export const hasErrors = (e: FormErrors) => Object.values(e).some(Boolean);

/** The longest a poll (or a connection test) waits for a silent device, in ms: timeout × (retries + 1). */
export function worstCaseMs(f: Pick<DeviceForm, 'timeout_ms' | 'retries'>): number | null {
  if (!hasNumber(f.timeout_ms) || !hasNumber(f.retries)) return null;
  const ms = num(f.timeout_ms) * (num(f.retries) + 1);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

/** A warning (not an error: the server accepts it) when a silent device's poll outlasts the interval. */
export function pollOverlapWarning(f: DeviceForm): string | null {
  const worst = worstCaseMs(f);
  if (worst === null || !hasNumber(f.interval_s)) return null;
  const interval = num(f.interval_s) * 1000;
  if (!(interval > 0) || worst <= interval) return null;
  return `A silent device keeps a poll waiting ${worst / 1000} s (timeout × (retries + 1)), longer than the ${interval / 1000} s interval.`;
}
