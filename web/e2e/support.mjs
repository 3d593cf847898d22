// Shared pieces of the end-to-end tests: a real epcfleetd on a free loopback port with a
// temporary data dir, HTTPS calls to it, and Debian's headless Chromium collecting console
// errors and CSP violations. Not a test file itself (node --test picks up *.test.mjs only).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webRoot = path.resolve(here, '..', 'dist');
export const artifacts = path.resolve(process.env.EPCFLEET_E2E_ARTIFACTS ?? path.join(here, 'artifacts'));
export const serverBin = process.env.EPCFLEETD;
export const chromiumBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ADMIN = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-password-0123';

/** A skip reason when there is no server binary to test against, else false. */
export const skipReason = serverBin
  ? false
  : 'EPCFLEETD is not set: point it at the epcfleetd binary to run the dashboard end-to-end tests';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** HTTPS request to the server under test (self-signed certificate accepted). */
export function call(base, method, urlPath, { body, token, raw, contentType } = {}) {
  return new Promise((resolve, reject) => {
    const data = raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const req = https.request(
      new URL(urlPath, base),
      {
        method,
        rejectUnauthorized: false,
        headers: {
          Accept: 'application/json',
          ...(data
            ? { 'Content-Type': contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(data) }
            : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function waitForHealthy(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`epcfleetd exited early with code ${child.exitCode}`);
    try {
      const r = await call(base, 'GET', '/healthz');
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`epcfleetd did not become healthy within ${timeoutMs} ms (${last})`);
}

/** Temporary directories, removed by cleanup(). */
export class TmpDirs {
  dirs = [];
  make(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }
  cleanup() {
    for (const dir of this.dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `init` + `serve` on a free port; the server log goes to artifacts/<logName>. Returns the base
 * URL, an admin bearer token, and stop() (SIGTERM, SIGKILL after 10 s).
 */
export async function startServer(tmp, logName = 'server.log') {
  assert.ok(
    fs.existsSync(path.join(webRoot, 'index.html')),
    `${webRoot}/index.html is missing: run "npm run build" in web/ first`,
  );
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = tmp.make('epcfleet-e2e-data-');
  const pwFile = path.join(tmp.make('epcfleet-e2e-pw-'), 'admin-password');
  fs.writeFileSync(pwFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
  execFileSync(serverBin, ['init', '--data-dir', dataDir, '--admin-user', ADMIN, '--admin-password-file', pwFile], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 120_000,
  });

  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(artifacts, logName), 'w');
  const child = spawn(serverBin, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--web-root', webRoot], {
    stdio: ['ignore', log, log],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.closeSync(log);
  };
  try {
    await waitForHealthy(base, child, 60_000);
    const login = await call(base, 'POST', '/api/v1/auth/login', { body: { username: ADMIN, password: ADMIN_PASSWORD } });
    assert.equal(login.status, 200, `API login failed: ${login.text}`);
    assert.ok(login.json?.token, `API login answered no token: ${login.text}`);
    return { base, adminToken: login.json.token, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Headless Chromium with a fresh profile. Console errors and CSP violations are collected in
 * `consoleErrors`, except those matching `expectErrors(...)` for the step that provokes them.
 */
export async function launchBrowser(tmp) {
  const context = await chromium.launchPersistentContext(tmp.make('epcfleet-e2e-chromium-'), {
    executablePath: chromiumBin,
    ignoreHTTPSErrors: true,
    viewport: { width: 1360, height: 860 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // Report CSP violations through the console, where they are collected with the rest.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const consoleErrors = [];
  let expected = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (expected.some((re) => re.test(text))) return;
    consoleErrors.push(`${text} (${msg.location().url}:${msg.location().lineNumber})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.stack ?? err.message}`));
  return {
    context,
    page,
    consoleErrors,
    /** Console errors matching these are expected until the next call. */
    expectErrors: (...res) => {
      expected = res;
    },
    shot: (name) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true }),
  };
}

/** Signs in through the login page and waits for the dashboard. */
export async function signIn(page, base, username, password) {
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#tenant-switcher').waitFor();
}

export async function signOut(page, username) {
  await page.getByRole('button', { name: username }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
}

/** Whether Debian's snmpd is installed (the device tests use it as the agent). */
export const snmpdBin = process.env.SNMPD ?? '/usr/sbin/snmpd';
export const hasSnmpd = () => fs.existsSync(snmpdBin);

/**
 * A real snmpd answering SNMPv2c for `community` (and SNMPv3 for `v3Users`) on a free 127.0.0.1 UDP port, with its state in
 * a temporary dir. Returns the port and stop() (by PID). `freePort` probes TCP: a UDP port that
 * is taken makes snmpd exit, which is reported.
 */
export async function startSnmpd(tmp, community, { sysName = 'epc-e2e', sysDescr = 'epcfleet e2e agent', v3Users = [] } = {}) {
  const dir = tmp.make('epcfleet-e2e-snmpd-');
  const conf = path.join(dir, 'snmpd.conf');
  // v3Users: [{user, auth: 'SHA-256', authPassword, priv: 'AES', privPassword}], read-only with authPriv.
  const users = v3Users.map(
    (u) => `createUser ${u.user} ${u.auth} "${u.authPassword}" ${u.priv} "${u.privPassword}"\nrouser ${u.user} authpriv\n`,
  );
  fs.writeFileSync(
    conf,
    `rocommunity ${community} 127.0.0.1\n${users.join('')}sysName ${sysName}\nsysDescr ${sysDescr}\nsysLocation lab\nsysContact e2e\n`,
  );
  const port = await freePort();
  const log = fs.openSync(path.join(artifacts, `snmpd-${port}.log`), 'w');
  const child = spawn(snmpdBin, ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux', '-p', path.join(dir, 'pid'), `udp:127.0.0.1:${port}`], {
    stdio: ['ignore', log, log],
    env: { ...process.env, SNMP_PERSISTENT_DIR: path.join(dir, 'persist'), MIBS: '' },
  });
  await new Promise((r) => setTimeout(r, 700));
  if (child.exitCode !== null) throw new Error(`snmpd exited with code ${child.exitCode} (see snmpd-${port}.log)`);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.closeSync(log);
  };
  return { port, stop };
}
