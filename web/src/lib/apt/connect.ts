// What an EPC needs to install from a repository, as copy-paste text: the signing key download,
// the apt auth.conf line, the deb822 .sources stanza and a script doing all three. The server
// supplies the stanza and the auth.conf template; this module fills in credentials and paths.
import type { RepoSources } from '../types';

export const USERNAME_PLACEHOLDER = '<USERNAME>';
export const PASSWORD_PLACEHOLDER = '<PASSWORD>';

export interface Credentials {
  username: string;
  password: string;
}

export interface ConnectSnippets {
  keyringPath: string;
  keyringUrl: string;
  keyCommand: string;
  authConfPath: string;
  authConf: string;
  sourcesPath: string;
  sources: string;
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
  const user = cred ? `${cred.username}:${cred.password}` : `${USERNAME_PLACEHOLDER}:${PASSWORD_PLACEHOLDER}`;
  const keyCommand = [
    'sudo install -d -m 0755 /etc/apt/keyrings',
    `sudo curl -fsSL --user ${shellQuote(user)} -o ${shellQuote(keyringPath)} ${shellQuote(keyringUrl)}`,
  ].join('\n');
  const authConfPath = `/etc/apt/auth.conf.d/${base}.conf`;
  const authConf = cred?.auth_conf || fillAuthConf(sources.auth_conf, cred);
  const sourcesPath = `/etc/apt/sources.list.d/${base}.sources`;
  const sourcesText = sources.deb822.trimEnd();
  const script = [
    keyCommand,
    writeFile(authConfPath, authConf, '0600'),
    writeFile(sourcesPath, sourcesText, '0644'),
    'sudo apt-get update',
  ].join('\n');
  return {
    keyringPath,
    keyringUrl,
    keyCommand,
    authConfPath,
    authConf,
    sourcesPath,
    sources: sourcesText,
    script,
  };
}
