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
import {
  ADMIN,
  ADMIN_PASSWORD,
  call,
  launchBrowser,
  skipReason as skip,
  startServer,
  TmpDirs,
} from './support.mjs';

const ALICE_PASSWORD = 'alice-password-0123';

if (skip) test('dashboard shell end-to-end', { skip }, () => {});

if (!skip) describe('dashboard shell', () => {
  const tmp = new TmpDirs();
  let server = null;
  let base = '';
  let adminToken = '';
  let browser = null;
  let page = null;

  const shot = (name) => browser.shot(name);

  before(async () => {
    server = await startServer(tmp);
    ({ base, adminToken } = server);
    for (const [id, name] of [
      ['acme', 'Acme Wireless'],
      // Sorts first, so the dashboard lands there and the switch to acme is a real one.
      ['aardvark', 'Aardvark Networks'],
    ]) {
      const r = await call(base, 'POST', '/api/v1/tenants', { body: { id, name }, token: adminToken });
      assert.equal(r.status, 201, `creating tenant ${id} failed: ${r.text}`);
    }
    browser = await launchBrowser(tmp);
    page = browser.page;
  });

  after(async () => {
    if (browser) await browser.context.close().catch(() => {});
    if (server) await server.stop();
    tmp.cleanup();
  });

  test('sign in, switch tenant, add a user, see it audited live, sign out', async () => {
    try {
      await walkThrough();
    } catch (e) {
      await shot('failure').catch(() => {});
      throw e;
    }
    assert.deepEqual(browser.consoleErrors, [], 'the browser console reported errors');
  });

  async function walkThrough() {
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    // Inline validation, then the server's own message for wrong credentials.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your username.').waitFor();
    browser.expectErrors(/status of 401/);
    await page.fill('#login-username', ADMIN);
    await page.fill('#login-password', 'not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('login-error').waitFor();
    browser.expectErrors();
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
