// What a connection test's answer means to a person (docs/snmp.md, "Connection test"): the
// precise error code the server reports, explained with what to check, and the values read.
import { formatDuration } from '../format';
import type { ConnectionTestResult } from '../types';

export interface Explanation {
  /** A short headline, e.g. "No answer". */
  title: string;
  /** What it means and what to check. */
  hint: string;
}

const EXPLANATIONS: Record<string, Explanation> = {
  timeout: {
    title: 'No answer',
    hint: 'No answer: check the address, port, firewall, and the community (v1/v2c) or user (v3). Agents stay silent on a wrong community.',
  },
  unknown_user_name: {
    title: 'Unknown user',
    hint: 'The agent has no SNMPv3 user of this name: check the user name, or create the user in the agent (snmpd.conf createUser).',
  },
  wrong_digest: {
    title: 'Wrong authentication',
    hint: 'Wrong auth password or protocol: the agent could not verify the message’s digest. Check the authentication password and protocol (MD5, SHA, SHA-256, …).',
  },
  decryption_error: {
    title: 'Decryption failed',
    hint: 'Wrong privacy password or protocol: the agent could not decrypt the request. Check the privacy password and protocol (DES, AES, AES-256, …).',
  },
  not_in_time_window: {
    title: 'Not in time window',
    hint: 'The agent rejected the message’s engine boots/time. This usually clears on a retry; if it persists, the agent’s engine id may be shared with another device (a cloned EPC) or its clock jumped.',
  },
  unknown_engine_id: {
    title: 'Unknown engine id',
    hint: 'The agent did not accept the engine id of the request: retry, and check that no other device answers on this address (NAT, a cloned EPC with the same engine id).',
  },
  unsupported_security_level: {
    title: 'Security level not supported',
    hint: 'The agent’s user does not allow this security level: set the authentication and privacy protocols the user was created with (noAuthNoPriv, authNoPriv or authPriv).',
  },
  unknown_context: {
    title: 'Unknown context',
    hint: 'The agent has no such SNMPv3 context: leave the context empty unless the agent defines one.',
  },
  authorization_error: {
    title: 'Not authorized',
    hint: 'The agent’s access control (VACM) does not let this community or user read the system group: check the agent’s view and access settings.',
  },
  no_such_object: {
    title: 'No such object',
    hint: 'The agent answered but does not serve sysDescr/sysObjectID/sysUpTime in the view this community or user may read.',
  },
  error_status: {
    title: 'Agent reported an error',
    hint: 'The agent answered with an SNMP error status; the message says which.',
  },
  invalid_target: {
    title: 'Invalid target',
    hint: 'The address or port cannot be used: check that it is an IP address and a port from 1 to 65535.',
  },
  send_failed: {
    title: 'Could not send',
    hint: 'The server could not send the request (no route to the address, or a local network error): check the server’s network and routes.',
  },
};

/** The explanation for an error code; unknown codes still show the code and the server's message. */
export function explainTestError(code: string): Explanation {
  if (Object.hasOwn(EXPLANATIONS, code)) return EXPLANATIONS[code]!;
  return { title: 'Test failed', hint: 'The server reported an error this dashboard does not know; its message follows.' };
}

export const KNOWN_TEST_ERRORS: readonly string[] = Object.keys(EXPLANATIONS);

/** The values of a successful test in a stable order: the system group first, then the rest by name. */
export function testValues(result: ConnectionTestResult): [string, string][] {
  if (!result.ok) return [];
  const order = ['sysName', 'sysDescr', 'sysObjectID', 'sysUpTime'];
  const entries = Object.entries(result.values ?? {});
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return entries
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([k, v]) => [k, k === 'sysUpTime' && typeof v === 'number' ? formatTicks(v) : v === null ? '—' : String(v)]);
}

/** sysUpTime is in hundredths of a second: "1 d 2 h (9360000 ticks)". */
function formatTicks(ticks: number): string {
  return `${formatDuration(ticks / 100)} (${ticks} ticks)`;
}

/** "up to 4.5 s": how long a test may take against a silent device, for the waiting message. */
export function waitText(worstMs: number | null): string {
  if (worstMs === null) return '';
  return worstMs < 1000 ? `up to ${worstMs} ms` : `up to ${Number((worstMs / 1000).toFixed(1))} s`;
}
