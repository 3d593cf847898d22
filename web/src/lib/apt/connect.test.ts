import { describe, expect, it } from 'vitest';
import type { RepoSources } from '../types';
import {
  absoluteUrl,
  buildConnectSnippets,
  buildKeyCommand,
  clientFileBase,
  embedsKey,
  fillAuthConf,
  keyringTakesCredential,
  normalizeDeb822,
  shellQuote,
} from './connect';

const KEY = ' -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mDMEZ…\n -----END PGP PUBLIC KEY BLOCK-----';

/** What epcfleetd answers: the key inside the stanza (no CR, blank lines folded as " ."), and the paths. */
const sources: RepoSources = {
  deb822: `Types: deb\nURIs: https://fleet.example:8443/apt/acme/stable\nSuites: stable\nComponents: main\nArchitectures: amd64 arm64\nSigned-By:\n${KEY}\n`,
  list: 'deb [arch=amd64,arm64 signed-by=/etc/apt/keyrings/epcfleet-acme.gpg] https://fleet.example:8443/apt/acme/stable stable main\n',
  auth_conf: 'machine fleet.example:8443/apt/acme/stable login <USERNAME> password <PASSWORD>',
  keyring_url: '/apt/acme/stable/archive-keyring.gpg',
  keyring_path: '/etc/apt/keyrings/epcfleet-acme.gpg',
  sources_path: '/etc/apt/sources.list.d/epcfleet-acme-stable.sources',
  auth_conf_path: '/etc/apt/auth.conf.d/epcfleet-acme-stable.conf',
};

/** Over plain http the server keeps the scheme in the auth.conf machine. */
const httpSources: RepoSources = {
  ...sources,
  deb822: sources.deb822.replace('https://fleet.example:8443', 'http://fleet.example:8080'),
  list: sources.list.replace('https://fleet.example:8443', 'http://fleet.example:8080'),
  auth_conf: 'machine http://fleet.example:8080/apt/acme/stable login <USERNAME> password <PASSWORD>',
};

/** An older answer: Signed-By names a keyring file, the keyring on the tenant API route, no paths. */
const fileKeySources: RepoSources = {
  deb822: 'Types: deb\nURIs: https://h/apt/acme/stable\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/epcfleet-acme.gpg\n',
  list: 'deb …',
  auth_conf: 'machine https://h/apt/acme/stable login <USERNAME> password <PASSWORD>',
  keyring_url: '/api/v1/tenants/acme/signing-keys/current.gpg',
  keyring_path: '/etc/apt/keyrings/epcfleet-acme.gpg',
};

describe('shellQuote', () => {
  it('single-quotes, escaping quotes', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('absoluteUrl', () => {
  it('resolves server paths against the dashboard origin', () => {
    expect(absoluteUrl('/api/v1/x.gpg', 'https://fleet.example:8443')).toBe('https://fleet.example:8443/api/v1/x.gpg');
    expect(absoluteUrl('https://other/x', 'https://fleet.example')).toBe('https://other/x');
  });
});

describe('fillAuthConf', () => {
  it('replaces every placeholder', () => {
    expect(fillAuthConf(sources.auth_conf, { username: 'epc-17', password: 'p$w' })).toBe(
      'machine fleet.example:8443/apt/acme/stable login epc-17 password p$w',
    );
    expect(fillAuthConf(sources.auth_conf, null)).toBe(sources.auth_conf);
  });
  it('keeps the scheme of a plain-http machine line', () => {
    expect(fillAuthConf(httpSources.auth_conf, { username: 'u', password: 'p' })).toBe(
      'machine http://fleet.example:8080/apt/acme/stable login u password p',
    );
  });
});

describe('clientFileBase / embedsKey', () => {
  it('keeps file names tame', () => {
    expect(clientFileBase('acme', 'stable')).toBe('epcfleet-acme-stable');
    expect(clientFileBase('a/b', 'c d')).toBe('epcfleet-a_b-c_d');
  });
  it('tells an embedded key from a keyring file', () => {
    expect(embedsKey(sources.deb822)).toBe(true);
    expect(embedsKey(fileKeySources.deb822)).toBe(false);
  });
});

describe('normalizeDeb822', () => {
  it('turns CRLF armor lines and space-only fold lines into proper deb822', () => {
    // As epcfleetd sent it at one point: the key's CRLF kept, its blank line folded as " \r".
    const raw = 'Types: deb\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\r\n \r\n xjMEaw\r\n =qtme\r\n -----END PGP PUBLIC KEY BLOCK-----\r\n';
    expect(normalizeDeb822(raw)).toBe(
      'Types: deb\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n xjMEaw\n =qtme\n -----END PGP PUBLIC KEY BLOCK-----',
    );
    expect(normalizeDeb822(sources.deb822)).toBe(sources.deb822.trimEnd());
  });
});

describe('keyringTakesCredential / buildKeyCommand', () => {
  it('tells the repository keyring from the tenant API route', () => {
    expect(keyringTakesCredential('/apt/acme/stable/archive-keyring.gpg')).toBe(true);
    expect(keyringTakesCredential('https://h:8443/apt/acme/stable/archive-keyring.asc')).toBe(true);
    expect(keyringTakesCredential('/api/v1/tenants/acme/signing-keys/current.gpg')).toBe(false);
    expect(keyringTakesCredential('/apt/acme/stable/pool/x.deb')).toBe(false);
  });
  it('builds the download with placeholders or the given credential', () => {
    const url = 'https://h/apt/a/r/archive-keyring.gpg';
    expect(buildKeyCommand(url, '/k.gpg', null).keyCommand).toContain("-u '<USERNAME>:<PASSWORD>' -o '/k.gpg' 'https://h/apt/a/r/archive-keyring.gpg'");
    expect(buildKeyCommand(url, '/k.gpg', { username: 'a', password: 'b' }).keyCommand).toContain("-u 'a:b'");
  });
});

describe('buildConnectSnippets', () => {
  it('uses the server paths and placeholders without credentials', () => {
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://fleet.example:8443');
    expect(s.keyEmbedded).toBe(true);
    expect(s.authConf).toBe(sources.auth_conf);
    expect(s.authConfPath).toBe(sources.auth_conf_path);
    expect(s.sourcesPath).toBe(sources.sources_path);
    expect(s.sources.endsWith('-----END PGP PUBLIC KEY BLOCK-----')).toBe(true);
    expect(s.listLine.endsWith('\n')).toBe(false);
    expect(s.listPath).toBe('/etc/apt/sources.list.d/epcfleet-acme-stable.list');
  });
  it('downloads the keyring beside the repository with the repository credential placeholders', () => {
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://fleet.example:8443');
    expect(s.keyringUrl).toBe('https://fleet.example:8443/apt/acme/stable/archive-keyring.gpg');
    expect(s.keyringAuth).toBe('credential');
    expect(s.keyCommand).toBe(
      'sudo install -d -m 0755 /etc/apt/keyrings\n' +
        "sudo curl -fsS -u '<USERNAME>:<PASSWORD>' -o '/etc/apt/keyrings/epcfleet-acme.gpg' 'https://fleet.example:8443/apt/acme/stable/archive-keyring.gpg'",
    );
    expect(s.keyCommand).not.toContain('API_TOKEN');
    expect(s.keyCommand).not.toContain('Authorization');
  });
  it('fills a fresh credential into the keyring download, quoted for the shell', () => {
    const s = buildConnectSnippets('acme', 'stable', httpSources, 'http://fleet.example:8080', {
      username: 'epc-17',
      password: "p'w$x",
      auth_conf: 'machine http://fleet.example:8080/apt/acme/stable login epc-17 password x',
    });
    expect(s.keyCommand).toContain(`-u 'epc-17:p'\\''w$x'`);
    expect(s.keyCommand).toContain("'http://fleet.example:8080/apt/acme/stable/archive-keyring.gpg'");
    expect(s.keyCommand).not.toContain('<USERNAME>');
    expect(s.authConf).toBe('machine http://fleet.example:8080/apt/acme/stable login epc-17 password x');
  });
  it('falls back to an API token for an older server’s keyring route', () => {
    const s = buildConnectSnippets('acme', 'stable', fileKeySources, 'https://h', { username: 'u', password: 'p' });
    expect(s.keyringUrl).toBe('https://h/api/v1/tenants/acme/signing-keys/current.gpg');
    expect(s.keyringAuth).toBe('token');
    expect(s.keyCommand).toContain("-H 'Authorization: Bearer <API_TOKEN>'");
    expect(s.keyCommand).not.toContain("-u 'u:p'");
  });
  it('fills in a fresh credential, preferring the server-made auth.conf line', () => {
    const cred = { username: 'u1', password: "pa'ss", auth_conf: 'machine h/apt/acme/stable login u1 password x\n' };
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://h', cred);
    expect(s.authConf).toBe('machine h/apt/acme/stable login u1 password x');
    const noLine = buildConnectSnippets('acme', 'stable', sources, 'https://h', { username: 'u1', password: 'pw' });
    expect(noLine.authConf).toContain('login u1 password pw');
    expect(noLine.script).toContain('login u1 password pw');
  });
  it('writes a script that needs no keyring when the stanza embeds the key', () => {
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://h', { username: 'u', password: 'p' });
    expect(s.script).not.toContain('curl');
    expect(s.script).toContain("sudo tee '/etc/apt/auth.conf.d/epcfleet-acme-stable.conf' >/dev/null <<'EPCFLEET'");
    expect(s.script).toContain("sudo chmod 0600 '/etc/apt/auth.conf.d/epcfleet-acme-stable.conf'");
    expect(s.script).toContain('-----END PGP PUBLIC KEY BLOCK-----\nEPCFLEET\n');
    expect(s.script.trimEnd().endsWith('sudo apt-get update')).toBe(true);
  });
  it('fetches the keyring first when the stanza only names it', () => {
    const s = buildConnectSnippets('acme', 'stable', fileKeySources, 'https://h');
    expect(s.keyEmbedded).toBe(false);
    expect(s.script.startsWith('sudo install -d -m 0755 /etc/apt/keyrings\nsudo curl')).toBe(true);
    const beside = buildConnectSnippets('acme', 'stable', { ...fileKeySources, keyring_url: sources.keyring_url }, 'https://h', {
      username: 'u',
      password: 'p',
    });
    expect(beside.script).toContain("sudo curl -fsS -u 'u:p' -o '/etc/apt/keyrings/epcfleet-acme.gpg' 'https://h/apt/acme/stable/archive-keyring.gpg'");
    expect(s.sourcesPath).toBe('/etc/apt/sources.list.d/epcfleet-acme-stable.sources');
  });
  it('hands out clean text whatever the line ends', () => {
    const crlf = { ...sources, deb822: sources.deb822.replace(/\n/g, '\r\n'), auth_conf: `${sources.auth_conf}\r\n` };
    const s = buildConnectSnippets('acme', 'stable', crlf, 'https://h');
    expect(s.sources).not.toContain('\r');
    expect(s.authConf).not.toContain('\r');
    expect(s.script).not.toContain('\r');
    expect(s.keyEmbedded).toBe(true);
  });
  it('picks a here-document tag that the content does not contain', () => {
    const odd = { ...sources, deb822: 'Types: deb\nEPCFLEET\n' };
    const s = buildConnectSnippets('acme', 'stable', odd, 'https://h');
    expect(s.script).toContain("<<'EPCFLEET_2'");
  });
});
