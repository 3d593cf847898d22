import { describe, expect, it } from 'vitest';
import type { RepoSources } from '../types';
import { absoluteUrl, buildConnectSnippets, clientFileBase, fillAuthConf, shellQuote } from './connect';

const sources: RepoSources = {
  deb822:
    'Types: deb\nURIs: https://fleet.example:8443/apt/acme/stable\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/epcfleet-acme.gpg\n',
  list: 'deb [signed-by=/etc/apt/keyrings/epcfleet-acme.gpg] https://fleet.example:8443/apt/acme/stable stable main',
  auth_conf: 'machine fleet.example:8443/apt/acme/stable login <USERNAME> password <PASSWORD>',
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
});

describe('clientFileBase', () => {
  it('keeps file names tame', () => {
    expect(clientFileBase('acme', 'stable')).toBe('epcfleet-acme-stable');
    expect(clientFileBase('a/b', 'c d')).toBe('epcfleet-a_b-c_d');
  });
});

describe('buildConnectSnippets', () => {
  it('uses placeholders without credentials', () => {
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://fleet.example:8443');
    expect(s.keyringUrl).toBe('https://fleet.example:8443/api/v1/tenants/acme/signing-keys/current.gpg');
    expect(s.keyCommand).toContain("--user '<USERNAME>:<PASSWORD>'");
    expect(s.keyCommand).toContain("-o '/etc/apt/keyrings/epcfleet-acme.gpg'");
    expect(s.authConf).toBe(sources.auth_conf);
    expect(s.authConfPath).toBe('/etc/apt/auth.conf.d/epcfleet-acme-stable.conf');
    expect(s.sourcesPath).toBe('/etc/apt/sources.list.d/epcfleet-acme-stable.sources');
    expect(s.sources.endsWith('\n')).toBe(false);
  });
  it('fills in a fresh credential, preferring the server-made auth.conf line', () => {
    const cred = { username: 'u1', password: "pa'ss", auth_conf: 'machine h/apt/acme/stable login u1 password x' };
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://h', cred);
    expect(s.authConf).toBe(cred.auth_conf);
    expect(s.keyCommand).toContain("--user 'u1:pa'\\''ss'");
    const noLine = buildConnectSnippets('acme', 'stable', sources, 'https://h', { username: 'u1', password: 'pw' });
    expect(noLine.authConf).toContain('login u1 password pw');
  });
  it('writes a script that creates both files with safe modes and updates apt', () => {
    const s = buildConnectSnippets('acme', 'stable', sources, 'https://h', { username: 'u', password: 'p' });
    expect(s.script).toContain("sudo tee '/etc/apt/auth.conf.d/epcfleet-acme-stable.conf' >/dev/null <<'EPCFLEET'");
    expect(s.script).toContain("sudo chmod 0600 '/etc/apt/auth.conf.d/epcfleet-acme-stable.conf'");
    expect(s.script).toContain('Signed-By: /etc/apt/keyrings/epcfleet-acme.gpg\nEPCFLEET\n');
    expect(s.script.trimEnd().endsWith('sudo apt-get update')).toBe(true);
  });
  it('picks a here-document tag that the content does not contain', () => {
    const odd = { ...sources, deb822: 'Types: deb\nEPCFLEET\n' };
    const s = buildConnectSnippets('acme', 'stable', odd, 'https://h');
    expect(s.script).toContain("<<'EPCFLEET_2'");
  });
});
