// What an EPC needs to install from a repository, as copy-paste text: the apt auth.conf line,
// the deb822 .sources stanza (which normally carries the signing key itself in Signed-By), the
// same as a script, and the one-line sources.list alternative with its separate keyring. The
// server supplies the stanza, the list line, the auth.conf template and the paths; this module
// fills in credentials and builds the shell commands.
import type { RepoSources } from '../types';

export const USERNAME_PLACEHOLDER = '<USERNAME>';
export const PASSWORD_PLACEHOLDER = '<PASSWORD>';
/** The keyring route takes a tenant credential (an API token), not a repository credential. */
export const API_TOKEN_PLACEHOLDER = '<API_TOKEN>';

export interface Credentials {
  username: string;
  password: string;
}

export interface ConnectSnippets {
  /** The .sources stanza carries the public key (Signed-By block): no keyring file needed. */
  keyEmbedded: boolean;
  keyringPath: string;
  keyringUrl: string;
  /** Downloads the binary keyring (needed for the one-line format, or an older server's stanza). */
  keyCommand: string;
  authConfPath: string;
  authConf: string;
  sourcesPath: string;
  sources: string;
  listPath: string;
  listLine: string;
  script: string;
}

/** A single-quoted shell word (safe for any text). */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The keyring's absolute URL (the server gives a path on itself). */
export function absoluteUrl(pathOrUrl: string, origin: string): string {
  try {
    return new URL(pathOrUrl, origin).toString();
  } catch {
    return pathOrUrl;
  }
}

/** The auth.conf template with the credentials in place of the placeholders. */
export function fillAuthConf(template: string, cred: Credentials | null): string {
  if (!cred) return template;
  return template.split(USERNAME_PLACEHOLDER).join(cred.username).split(PASSWORD_PLACEHOLDER).join(cred.password);
}

/** File names on the EPC, one per tenant/repository so that several can coexist. */
export function clientFileBase(tenant: string, repo: string): string {
  return `epcfleet-${tenant}-${repo}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * Unix line ends, and " ." for the blank lines of a folded value (the armored key): a line of
 * only spaces may end the paragraph for deb822 parsers, which would cut Signed-By short.
 */
export function normalizeDeb822(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => (/^[ \t]+$/.test(line) ? ' .' : line))
    .join('\n')
    .trimEnd();
}

export function embedsKey(deb822: string): boolean {
  return /^Signed-By:\s*$/m.test(deb822) && deb822.includes('BEGIN PGP PUBLIC KEY BLOCK');
}

/** A here-document terminator that no line of `text` equals. */
function heredocTag(text: string): string {
  const lines = new Set(text.split('\n'));
  let tag = 'EPCFLEET';
  for (let i = 2; lines.has(tag); i++) tag = `EPCFLEET_${i}`;
  return tag;
}

function writeFile(path: string, content: string, mode: string): string {
  const body = content.endsWith('\n') ? content : `${content}\n`;
  const tag = heredocTag(body);
  return [
    `sudo tee ${shellQuote(path)} >/dev/null <<'${tag}'`,
    `${body}${tag}`,
    `sudo chmod ${mode} ${shellQuote(path)}`,
  ].join('\n');
}

export function buildConnectSnippets(
  tenant: string,
  repo: string,
  sources: RepoSources,
  origin: string,
  cred: (Credentials & { auth_conf?: string }) | null = null,
): ConnectSnippets {
  const base = clientFileBase(tenant, repo);
  const keyringUrl = absoluteUrl(sources.keyring_url, origin);
  const keyringPath = sources.keyring_path;
  const keyCommand = [
    'sudo install -d -m 0755 /etc/apt/keyrings',
    `sudo curl -fsSL -H ${shellQuote(`Authorization: Bearer ${API_TOKEN_PLACEHOLDER}`)} -o ${shellQuote(keyringPath)} ${shellQuote(keyringUrl)}`,
  ].join('\n');
  const authConfPath = sources.auth_conf_path || `/etc/apt/auth.conf.d/${base}.conf`;
  const authConf = (cred?.auth_conf || fillAuthConf(sources.auth_conf, cred)).replace(/\r/g, '').trimEnd();
  const sourcesPath = sources.sources_path || `/etc/apt/sources.list.d/${base}.sources`;
  const sourcesText = normalizeDeb822(sources.deb822);
  const keyEmbedded = embedsKey(sourcesText);
  const script = [
    ...(keyEmbedded ? [] : [keyCommand]),
    writeFile(authConfPath, authConf, '0600'),
    writeFile(sourcesPath, sourcesText, '0644'),
    'sudo apt-get update',
  ].join('\n');
  return {
    keyEmbedded,
    keyringPath,
    keyringUrl,
    keyCommand,
    authConfPath,
    authConf,
    sourcesPath,
    sources: sourcesText,
    listPath: `/etc/apt/sources.list.d/${base}.list`,
    listLine: (sources.list ?? '').replace(/\r/g, '').trimEnd(),
    script,
  };
}
