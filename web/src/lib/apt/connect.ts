// What an EPC needs to install from a repository, as copy-paste text: the apt auth.conf line,
// the deb822 .sources stanza (which normally carries the signing key itself in Signed-By), the
// same as a script, and the one-line sources.list alternative with its separate keyring. The
// server supplies the stanza, the list line, the auth.conf template and the paths; this module
// fills in credentials and builds the shell commands. The keyring is served beside the
// repository (/apt/<t>/<r>/archive-keyring.gpg) to the same credential apt uses.
import type { RepoSources } from '../types';

export const USERNAME_PLACEHOLDER = '<USERNAME>';
export const PASSWORD_PLACEHOLDER = '<PASSWORD>';
/** Older servers pointed keyring_url at the tenant API route, which wants an API token. */
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
  /**
   * Who may download the keyring: 'credential' for /apt/<t>/<r>/archive-keyring.gpg (the
   * repository credential, HTTP Basic, as apt uses), 'token' for an older server's API route.
   */
  keyringAuth: 'credential' | 'token';
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

/** Whether the keyring URL is served beside the repository (under /apt/), i.e. to its credentials. */
export function keyringTakesCredential(keyringUrl: string): boolean {
  let path = keyringUrl;
  try {
    path = new URL(keyringUrl, 'http://x').pathname;
  } catch {
    // Not a URL: judge the text as it is.
  }
  return /^\/apt\/[^/]+\/[^/]+\/archive-keyring\.(gpg|asc)$/.test(path);
}

/** The command that saves the binary keyring on the EPC. */
export function buildKeyCommand(
  keyringUrl: string,
  keyringPath: string,
  cred: Credentials | null,
): { keyringAuth: 'credential' | 'token'; keyCommand: string } {
  const keyringAuth = keyringTakesCredential(keyringUrl) ? 'credential' : 'token';
  const auth =
    keyringAuth === 'credential'
      ? `-u ${shellQuote(`${cred?.username ?? USERNAME_PLACEHOLDER}:${cred?.password ?? PASSWORD_PLACEHOLDER}`)}`
      : `-H ${shellQuote(`Authorization: Bearer ${API_TOKEN_PLACEHOLDER}`)}`;
  const keyCommand = [
    'sudo install -d -m 0755 /etc/apt/keyrings',
    `sudo curl -fsS ${auth} -o ${shellQuote(keyringPath)} ${shellQuote(keyringUrl)}`,
  ].join('\n');
  return { keyringAuth, keyCommand };
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
  const { keyringAuth, keyCommand } = buildKeyCommand(keyringUrl, keyringPath, cred);
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
    keyringAuth,
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
