// End-to-end test of the dashboard shell against the real epcfleetd, in Debian's headless
// Chromium: sign in, switch tenant, add a user, see the audit record (also live over the
// WebSocket), sign out. Any console error or CSP violation fails the test.
//
//   EPCFLEETD=/path/to/epcfleetd node --test web/e2e/
//   EPCFLEET_E2E_ARTIFACTS=dir   screenshots and the server log (default web/e2e/artifacts)
//   CHROMIUM=/usr/bin/chromium   the browser binary
//
// The dashboard must be built first (npm run build; `npm run e2e` does it).
import { after, before, describe, test } from 'node:test';
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
const webRoot = path.resolve(here, '..', 'dist');
const artifacts = path.resolve(process.env.EPCFLEET_E2E_ARTIFACTS ?? path.join(here, 'artifacts'));
const serverBin = process.env.EPCFLEETD;
const chromiumBin = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ADMIN = 'admin';
const ADMIN_PASSWORD = 'e2e-admin-password-0123';
const ALICE_PASSWORD = 'alice-password-0123';

const skip = serverBin
  ? false
  : 'EPCFLEETD is not set: point it at the epcfleetd binary to run the dashboard end-to-end test';
if (skip) test('dashboard shell end-to-end', { skip }, () => {});

/** A port that was free a moment ago on 127.0.0.1. */
function freePort() {
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
function call(base, method, urlPath, { body, token } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      new URL(urlPath, base),
      {
        method,
        rejectUnauthorized: false,
        headers: {
          Accept: 'application/json',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}),
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        timeout: 10_000,
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

if (!skip) describe('dashboard shell', () => {
  const tmpDirs = [];
  let server = null;
  let serverLog = null;
  let base = '';
  let adminToken = '';
  let context = null;
  let page = null;
  const consoleErrors = [];
  /** Console errors that the current step provokes on purpose (e.g. a 401 on a bad login). */
  let expectedErrors = [];

  function mkTmp(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    tmpDirs.push(dir);
    return dir;
  }

  async function shot(name) {
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  }

  before(async () => {
    assert.ok(
      fs.existsSync(path.join(webRoot, 'index.html')),
      `${webRoot}/index.html is missing: run "npm run build" in web/ first`,
    );
    fs.mkdirSync(artifacts, { recursive: true });

    const dataDir = mkTmp('epcfleet-e2e-data-');
    const pwFile = path.join(mkTmp('epcfleet-e2e-pw-'), 'admin-password');
    fs.writeFileSync(pwFile, `${ADMIN_PASSWORD}\n`, { mode: 0o600 });
    execFileSync(
      serverBin,
      ['init', '--data-dir', dataDir, '--admin-user', ADMIN, '--admin-password-file', pwFile],
      { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 },
    );

    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    serverLog = fs.openSync(path.join(artifacts, 'server.log'), 'w');
    server = spawn(
      serverBin,
      ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--web-root', webRoot],
      { stdio: ['ignore', serverLog, serverLog] },
    );
    await waitForHealthy(base, server, 60_000);

    const login = await call(base, 'POST', '/api/v1/auth/login', {
      body: { username: ADMIN, password: ADMIN_PASSWORD },
    });
    assert.equal(login.status, 200, `API login failed: ${login.text}`);
    adminToken = login.json?.token;
    assert.ok(adminToken, `API login answered no token: ${login.text}`);
    for (const [id, name] of [
      ['acme', 'Acme Wireless'],
      // Sorts first, so the dashboard lands there and the switch to acme is a real one.
      ['aardvark', 'Aardvark Networks'],
    ]) {
      const r = await call(base, 'POST', '/api/v1/tenants', { body: { id, name }, token: adminToken });
      assert.equal(r.status, 201, `creating tenant ${id} failed: ${r.text}`);
    }

    context = await chromium.launchPersistentContext(mkTmp('epcfleet-e2e-chromium-'), {
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
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (expectedErrors.some((re) => re.test(text))) return;
      consoleErrors.push(`${text} (${msg.location().url}:${msg.location().lineNumber})`);
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.stack ?? err.message}`));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.exitCode === null && server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (serverLog !== null) fs.closeSync(serverLog);
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('sign in, switch tenant, add a user, see it audited live, sign out', async () => {
    try {
      await walkThrough();
    } catch (e) {
      await shot('failure').catch(() => {});
      throw e;
    }
    assert.deepEqual(consoleErrors, [], 'the browser console reported errors');
  });

  async function walkThrough() {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // Inline validation, then the server's own message for wrong credentials.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your username.').waitFor();
    expectedErrors = [/status of 401/];
    await page.fill('#login-username', ADMIN);
    await page.fill('#login-password', 'not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('login-error').waitFor();
    expectedErrors = [];
    await shot('login');

    await page.fill('#login-password', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const switcher = page.locator('#tenant-switcher');
    await switcher.waitFor();
    await page.waitForFunction(() => location.hash === '#/t/aardvark/overview');
    assert.equal(await switcher.inputValue(), 'aardvark');

    await switcher.selectOption('acme');
    await page.waitForFunction(() => location.hash === '#/t/acme/overview');
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByText('No users in this tenant yet').waitFor();

    await page.getByRole('button', { name: 'Add user', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a user' });
    await dialog.waitFor();
    await page.fill('#new-username', 'alice');
    await page.fill('#new-password', 'short');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByText('Use at least 12 characters').waitFor();
    await page.fill('#new-password', ALICE_PASSWORD);
    await dialog.locator('input[name="role"][value="operator"]').check();
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const aliceRow = page.locator('tr[data-username="alice"]');
    await aliceRow.waitFor();
    assert.equal(await aliceRow.locator('select').inputValue(), 'operator');
    await shot('users');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('tr[data-action="user.create"][data-target="alice"]').waitFor();

    // Live: a change made elsewhere (here through the API) appears without a reload.
    await page.waitForSelector('[data-state="live"]');
    const bob = await call(base, 'POST', '/api/v1/tenants/acme/users', {
      body: { username: 'bob', password: 'bob-password-01234', role: 'viewer' },
      token: adminToken,
    });
    assert.equal(bob.status, 201, `creating bob over the API failed: ${bob.text}`);
    await page.locator('tr[data-action="user.create"][data-target="bob"]').waitFor();
    await shot('audit');

    await page.getByRole('button', { name: ADMIN }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  }
});
