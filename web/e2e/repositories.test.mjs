// End-to-end test of the Repositories section against the real epcfleetd, in headless
// Chromium: signing key, repository, .deb uploads with progress, package search, publish,
// key downloads, a viewer's read-only view — and, when the server offers them (read from its
// OpenAPI document), retention, copy/delete of versions, EPC credentials and snapshot promotion.
// Any console error or CSP violation fails the test. Needs dpkg-deb to build test packages.
//
//   EPCFLEETD=/path/to/epcfleetd node --test web/e2e/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN,
  ADMIN_PASSWORD,
  call,
  launchBrowser,
  signIn,
  signOut,
  skipReason,
  startServer,
  TmpDirs,
} from './support.mjs';

const VIEWER = 'vic';
const VIEWER_PASSWORD = 'viewer-password-0123';

function hasDpkgDeb() {
  try {
    execFileSync('dpkg-deb', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = skipReason || (hasDpkgDeb() ? false : 'dpkg-deb is missing: it builds the test packages');
if (skip) test('repository pages end-to-end', { skip }, () => {});

/** A minimal valid .deb; `padKiB` of random data makes the upload long enough to show progress. */
function makeDeb(dir, name, version, arch, padKiB = 0) {
  const root = fs.mkdtempSync(path.join(dir, 'pkg-'));
  fs.mkdirSync(path.join(root, 'DEBIAN'));
  fs.mkdirSync(path.join(root, 'usr', 'share', name), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'DEBIAN', 'control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: e2e <e2e@example.com>\nDescription: test package ${name}\n`,
  );
  fs.writeFileSync(path.join(root, 'usr', 'share', name, 'README'), `${name} ${version}\n`);
  if (padKiB) fs.writeFileSync(path.join(root, 'usr', 'share', name, 'blob'), Buffer.alloc(padKiB * 1024, 7));
  const out = path.join(dir, `${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`);
  execFileSync('dpkg-deb', ['-Znone', '--root-owner-group', '--build', root, out], { stdio: 'ignore' });
  return out;
}

if (!skip) describe('repository pages', () => {
  const tmp = new TmpDirs();
  let server = null;
  let base = '';
  let token = '';
  let browser = null;
  let page = null;
  /** "METHOD path" pairs the server documents, with parameter names blanked ({arch} = {architecture}). */
  let ops = new Set();
  let debs = {};
  /** apt.publish.progress events the page received over the events WebSocket. */
  const progressFrames = [];

  const shape = (p) => p.replace(/\{[^}]*\}/g, '{}');
  const has = (method, p) => ops.has(`${method} ${shape(p)}`);
  const R = '/api/v1/tenants/{t}/repos';
  const shot = (name) => browser.shot(`repos-${name}`);

  before(async () => {
    server = await startServer(tmp, 'server-repositories.log');
    ({ base } = server);
    token = server.adminToken;
    const doc = await call(base, 'GET', '/api/v1/openapi.json');
    for (const [p, methods] of Object.entries(doc.json?.paths ?? {}))
      for (const m of Object.keys(methods)) ops.add(`${m.toUpperCase()} ${shape(p)}`);

    assert.equal((await call(base, 'POST', '/api/v1/tenants', { body: { id: 'acme', name: 'Acme' }, token })).status, 201);
    const viewer = await call(base, 'POST', '/api/v1/tenants/acme/users', {
      body: { username: VIEWER, password: VIEWER_PASSWORD, role: 'viewer' },
      token,
    });
    assert.equal(viewer.status, 201, viewer.text);
    const stable = await call(base, 'POST', '/api/v1/tenants/acme/repos', {
      body: { name: 'stable', components: ['main'], architectures: ['amd64', 'arm64'] },
      token,
    });
    assert.equal(stable.status, 201, stable.text);

    const dir = tmp.make('epcfleet-e2e-debs-');
    debs = {
      agentOld: makeDeb(dir, 'epc-agent', '1.0-1', 'amd64'),
      agentNew: makeDeb(dir, 'epc-agent', '1:1.1~rc1-1', 'amd64', 4096),
      common: makeDeb(dir, 'open5gs-common', '2.7.0', 'all'),
    };
    browser = await launchBrowser(tmp);
    page = browser.page;
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        try {
          const ev = JSON.parse(String(payload));
          if (ev.type === 'apt.publish.progress') progressFrames.push(ev);
        } catch {
          // Not JSON: not ours to judge here.
        }
      }),
    );
    await signIn(page, base, ADMIN, ADMIN_PASSWORD);
  });

  after(async () => {
    if (browser) await browser.context.close().catch(() => {});
    if (server) await server.stop();
    tmp.cleanup();
  });

  async function step(name, fn) {
    try {
      await fn();
    } catch (e) {
      await shot(`failure-${name}`).catch(() => {});
      throw e;
    }
    assert.deepEqual(browser.consoleErrors, [], 'the browser console reported errors');
  }

  test('create a signing key and a repository', () =>
    step('setup', async () => {
      await page.goto(`${base}/#/t/acme/repositories`);
      await page.locator('tr[data-repo="stable"]').waitFor();
      await page.getByTestId('no-key-notice').waitFor();

      await page.getByRole('button', { name: 'New repository' }).click();
      const dialog = page.getByRole('dialog', { name: 'New repository' });
      await page.fill('#repo-name', 'Testing');
      await page.fill('#repo-archs', 'amd64, all');
      await dialog.getByRole('button', { name: 'Create repository' }).click();
      await dialog.getByText('Use lowercase letters').waitFor();
      await dialog.getByText('Leave out “all”').waitFor();
      await page.fill('#repo-name', 'testing');
      await page.fill('#repo-components', 'main contrib');
      await page.fill('#repo-archs', 'amd64 arm64');
      await dialog.getByRole('button', { name: 'Create repository' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await page.locator('tr[data-repo="testing"]').waitFor();

      await page.getByRole('navigation', { name: 'Repository sections' }).getByRole('link', { name: 'Signing keys' }).click();
      await page.getByRole('button', { name: 'Create a signing key' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Create key' }).click();
      await page.locator('tr[data-state="current"]').waitFor();
      const gpg = await page.getByTestId('download-gpg').getAttribute('href');
      const download = await page.request.get(`${base}${gpg}`);
      assert.equal(download.status(), 200);
      assert.ok((await download.body()).length > 32, 'the binary keyring is empty');
      await shot('keys');
    }));

  test('upload packages with progress, search them, publish', () =>
    step('upload', async () => {
      await page.goto(`${base}/#/t/acme/repositories/testing`);
      await page.getByRole('heading', { name: 'testing', exact: true }).waitFor();
      await page.selectOption('#upload-component', 'main');
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choose .deb files' }).click();
      await (await chooser).setFiles([debs.agentNew, debs.agentOld, debs.common]);
      await page.waitForFunction(
        () => document.querySelectorAll('li[data-status="added"]').length === 3,
        undefined,
        { timeout: 60_000 },
      );
      await page.locator('tr[data-package="epc-agent"]').waitFor();
      await page.getByTestId('unpublished').waitFor();

      // The same file again is accepted as already there.
      const again = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Choose .deb files' }).click();
      await (await again).setFiles([debs.agentOld]);
      await page.locator('li[data-status="unchanged"]').waitFor();

      // Newest version first (dpkg order: the epoch wins), all versions on demand.
      const row = page.locator('tr[data-package="epc-agent"]');
      assert.match(await row.locator('td').nth(1).innerText(), /^1:1\.1~rc1-1/);
      await page.getByRole('button', { name: 'Show the versions of epc-agent' }).click();
      await page.locator('tr.file[data-version="1.0-1"]').waitFor();

      await page.fill('#pkg-q', 'open5gs');
      await row.waitFor({ state: 'detached' });
      await page.locator('tr[data-package="open5gs-common"]').waitFor();
      await page.selectOption('#pkg-arch', 'arm64');
      await page.getByText('No packages match').waitFor();
      await page.getByRole('button', { name: 'Clear the search' }).click();
      await row.waitFor();
      await shot('packages');

      await page.getByTestId('publish').click();
      await page.locator('[data-testid="publish-status"][data-state="succeeded"]').waitFor({ timeout: 60_000 });
      await page.getByTestId('unpublished').waitFor({ state: 'detached' });
      const repo = await call(base, 'GET', '/api/v1/tenants/acme/repos/testing', { token });
      assert.ok(repo.json.published_at, 'the repository was not published');
      if (progressFrames.length > 0) {
        // The server reports progress: it reached this page, in the shape the page reads.
        const last = progressFrames.at(-1);
        assert.equal(last.tenant, 'acme');
        assert.equal(last.data?.repo ?? last.repo, 'testing');
        assert.equal(last.data?.stage ?? last.stage, 'done');
      }
      await shot('published');
    }));

  test('change retention', async (t) => {
    if (!has('PATCH', `${R}/{r}`)) return t.skip('this server has no PATCH of repositories yet');
    await step('retention', async () => {
      await page.getByRole('tab', { name: 'Settings' }).click();
      await page.fill('#keep-versions', '3');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Retention saved').waitFor();
      const repo = await call(base, 'GET', '/api/v1/tenants/acme/repos/testing', { token });
      assert.equal(repo.json.keep_versions, 3);
      await page.getByRole('tab', { name: 'Packages' }).click();
    });
  });

  test('copy a version to another repository, then delete it here', async (t) => {
    if (!has('POST', `${R}/{r}/packages/copy`) || !has('DELETE', `${R}/{r}/packages/{name}/{version}/{architecture}`))
      return t.skip('this server cannot copy or delete package versions yet');
    await step('copy-delete', async () => {
      await page.goto(`${base}/#/t/acme/repositories/testing`);
      await page.getByRole('button', { name: 'Show the versions of epc-agent' }).click();
      await page.getByRole('button', { name: 'Copy epc-agent 1:1.1~rc1-1 amd64 to another repository' }).click();
      const dialog = page.getByRole('dialog', { name: /Copy epc-agent/ });
      await dialog.locator('#copy-target').selectOption('stable');
      await dialog.getByRole('button', { name: 'Copy' }).click();
      await page.getByText(/Copied 1 file into stable/).waitFor();
      const inStable = await call(base, 'GET', '/api/v1/tenants/acme/repos/stable/packages', { token });
      assert.ok(inStable.json.items.some((p) => p.version === '1:1.1~rc1-1'), 'the copy is not in stable');

      await page.getByRole('button', { name: 'Delete epc-agent 1.0-1 amd64' }).click();
      await page.getByRole('button', { name: 'Delete version' }).click();
      await page.locator('tr.file[data-version="1.0-1"]').waitFor({ state: 'detached' });
      const left = await call(base, 'GET', '/api/v1/tenants/acme/repos/testing/packages', { token });
      assert.ok(!left.json.items.some((p) => p.version === '1.0-1'), 'the deleted version is still listed');
    });
  });

  test('connect an EPC: snippets and a credential shown once', async (t) => {
    if (!has('GET', `${R}/{r}/sources`) || !has('POST', `${R}/{r}/credentials`))
      return t.skip('this server has no client sources or repository credentials yet');
    await step('connect', async () => {
      await page.goto(`${base}/#/t/acme/repositories/testing`);
      await page.getByRole('tab', { name: 'Connect an EPC' }).click();
      await page.getByTestId('snippet-sources').waitFor();
      assert.match(await page.getByTestId('snippet-auth').innerText(), /<USERNAME>/);
      const stanza = await page.getByTestId('snippet-sources').textContent();
      assert.match(stanza, /^Signed-By:/m);
      assert.ok(!stanza.includes('\r') && !/^[ \t]+$/m.test(stanza), `not clean deb822:\n${JSON.stringify(stanza)}`);

      await page.getByRole('button', { name: 'New credential' }).click();
      await page.fill('#cred-name', 'epc-17');
      await page.getByRole('button', { name: 'Create credential' }).click();
      const password = await page.getByTestId('cred-password').inputValue();
      assert.ok(password.length >= 8, 'no password shown');
      const dialog = page.getByRole('dialog', { name: 'Credential for epc-17' });
      assert.ok((await dialog.getByTestId('snippet-auth').innerText()).includes(password), 'auth.conf lacks the password');
      const sources = await call(base, 'GET', `/api/v1/tenants/acme/repos/testing/sources?format=json`, { token });
      if (String(sources.json?.keyring_url ?? '').startsWith('/apt/')) {
        // The one-line format's keyring comes with the same credential apt uses (HTTP Basic).
        const username = await page.getByTestId('cred-username').inputValue();
        const keyCommand = await dialog.getByTestId('snippet-list-key').textContent();
        assert.ok(keyCommand.includes(`-u '${username}:${password}'`), `the keyring download lacks the credential:\n${keyCommand}`);
        assert.ok(keyCommand.includes(`${base}/apt/acme/testing/archive-keyring.gpg`), `not the repository keyring:\n${keyCommand}`);
        assert.ok(!keyCommand.includes('API_TOKEN'), 'the keyring download still asks for an API token');
        const keyring = await page.request.get(`${base}${sources.json.keyring_url}`, {
          headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
        });
        assert.equal(keyring.status(), 200);
        assert.ok((await keyring.body()).length > 32, 'the repository keyring is empty');
      }
      await shot('credential');
      await page.getByRole('button', { name: 'I have copied it' }).click();
      await page.getByTestId('credentials-table').getByText('epc-17').waitFor();

      await page.getByRole('button', { name: 'Revoke epc-17' }).click();
      await page.getByRole('button', { name: 'Revoke credential' }).click();
      await page.getByText('No credentials yet').waitFor();
    });
  });

  test('snapshot testing and promote it to stable', async (t) => {
    if (!has('POST', '/api/v1/tenants/{t}/snapshots')) return t.skip('this server has no snapshots yet');
    await step('snapshots', async () => {
      await page.goto(`${base}/#/t/acme/snapshots`);
      await page.getByRole('button', { name: 'Create snapshot' }).first().click();
      const create = page.getByRole('dialog', { name: 'Create a snapshot' });
      await create.locator('#snap-repo').selectOption('testing');
      await page.fill('#snap-name', 'testing-rc1');
      await page.fill('#snap-desc', 'passed the lab soak');
      await create.getByRole('button', { name: 'Create snapshot' }).click();
      await page.locator('tr[data-snapshot="testing-rc1"]').waitFor();

      await page.getByRole('button', { name: 'Publish testing-rc1 into a repository' }).click();
      const promote = page.getByRole('dialog', { name: 'Publish snapshot testing-rc1' });
      await promote.locator('#promote-target').selectOption('stable');
      await promote.getByRole('button', { name: 'Publish into stable' }).click();
      await promote.getByRole('button', { name: 'Done' }).click({ timeout: 60_000 });
      await page.locator('tr[data-snapshot="testing-rc1"] .badge', { hasText: 'stable' }).waitFor();
      const stable = await call(base, 'GET', '/api/v1/tenants/acme/repos/stable', { token });
      assert.equal(stable.json.published_snapshot, 'testing-rc1');

      await page.locator('tr[data-snapshot="testing-rc1"] a', { hasText: 'testing-rc1' }).click();
      await page.getByTestId('snapshot-packages-table').waitFor();
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('serves this snapshot').waitFor();
      await page.getByRole('button', { name: 'Cancel' }).click();
      await shot('snapshot');
    });
  });

  test('a viewer sees everything read-only', () =>
    step('viewer', async () => {
      await signOut(page, ADMIN);
      await signIn(page, base, VIEWER, VIEWER_PASSWORD);
      await page.goto(`${base}/#/t/acme/repositories`);
      await page.locator('tr[data-repo="testing"]').waitFor();
      assert.equal(await page.getByRole('button', { name: 'New repository' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /^Delete / }).count(), 0);

      await page.goto(`${base}/#/t/acme/repositories/testing`);
      await page.locator('tr[data-package="epc-agent"]').waitFor();
      assert.equal(await page.getByTestId('publish').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Choose .deb files' }).count(), 0);
      await page.getByRole('button', { name: 'Show the versions of epc-agent' }).click();
      assert.equal(await page.getByRole('button', { name: /^Delete epc-agent/ }).count(), 0);

      await page.goto(`${base}/#/t/acme/signing-keys`);
      await page.locator('tr[data-state="current"]').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Rotate key' }).count(), 0);
      await shot('viewer');
    }));
});
