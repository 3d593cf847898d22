// End-to-end test of the Metrics page against the real epcfleetd, in headless Chromium:
// samples written in InfluxDB line protocol with an API token (POST …/write) come back as a
// metric name (through /metrics), a chart line (through /series and /query_range) and in the
// latest values (through /query).
// Any console error or CSP violation fails the test.
//
//   EPCFLEETD=/path/to/epcfleetd node --test web/e2e/
//
// The time-series routes (docs/timeseries.md) arrived after the dashboard's page, and /metrics
// after those: against a server without them the test is skipped, saying so, after probing the
// routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, ADMIN_PASSWORD, call, launchBrowser, signIn, skipReason as skip, startServer, TmpDirs } from './support.mjs';

const METRIC = 'epc_stats_attached_ues';
const SAMPLES = 40;
const EVERY_S = 30;

if (skip) test('metrics page end-to-end', { skip }, () => {});

if (!skip) describe('metrics page', () => {
  const tmp = new TmpDirs();
  let server = null;
  let base = '';
  let browser = null;
  /** Why the server cannot run this test (its time-series routes are missing), else null. */
  let missing = null;
  let token = '';
  /** Unix seconds of the first sample, on a whole minute: each 60 s bucket then holds two samples. */
  let t0 = 0;

  before(async () => {
    server = await startServer(tmp, 'server-metrics.log');
    base = server.base;
    const admin = server.adminToken;
    const tenant = await call(base, 'POST', '/api/v1/tenants', { body: { id: 'acme', name: 'Acme' }, token: admin });
    assert.equal(tenant.status, 201, tenant.text);
    const created = await call(base, 'POST', '/api/v1/tenants/acme/tokens', {
      body: { name: 'e2e-collector', role: 'operator', expires_in_days: 1 },
      token: admin,
    });
    assert.equal(created.status, 201, created.text);
    token = created.json.token;

    // Probe: an empty body writes nothing; a missing route answers 404 "no such endpoint".
    const write = await call(base, 'POST', '/api/v1/tenants/acme/write?precision=s', { raw: ' ', token, contentType: 'text/plain' });
    const range = await call(base, 'GET', `/api/v1/tenants/acme/query_range?metric=${METRIC}`, { token: admin });
    const metrics = await call(base, 'GET', '/api/v1/tenants/acme/metrics', { token: admin });
    if (write.status === 404 || range.status === 404 || metrics.status === 404)
      missing =
        `this epcfleetd lacks time-series routes (POST …/write answered ${write.status}, GET …/query_range ` +
        `${range.status}, GET …/metrics ${metrics.status}): the Metrics page needs the routes of docs/timeseries.md`;
  });

  after(async () => {
    if (browser) await browser.context.close().catch(() => {});
    if (server) await server.stop();
    tmp.cleanup();
  });

  test('samples written in line protocol are charted and listed', async (t) => {
    if (missing) {
      t.skip(missing);
      return;
    }

    // Two devices, 40 samples 30 s apart over the last 20 minutes: epc-a counts 0, 10, … 390,
    // epc-b 1000, 1010, … 1390. At a 60 s step, bucket j of epc-a averages 20·j + 5.
    t0 = Math.floor(Date.now() / 60_000) * 60 - SAMPLES * EVERY_S;
    const lines = [];
    for (let k = 0; k < SAMPLES; k++) {
      const ts = t0 + k * EVERY_S;
      lines.push(`epc_stats,device=epc-a,site=lab attached_ues=${10 * k}i ${ts}`);
      lines.push(`epc_stats,device=epc-b,site=lab attached_ues=${1000 + 10 * k}i ${ts}`);
    }
    const written = await call(base, 'POST', '/api/v1/tenants/acme/write?precision=s', {
      raw: `${lines.join('\n')}\n`,
      token,
      contentType: 'text/plain; charset=utf-8',
    });
    assert.equal(written.status, 204, `the write was refused: ${written.status} ${written.text}`);

    browser = await launchBrowser(tmp);
    const page = browser.page;
    try {
      await signIn(page, base, ADMIN, ADMIN_PASSWORD);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Metrics' }).click();
      await page.getByRole('heading', { name: 'Metrics', exact: true }).waitFor();
      await page.getByText('Pick a metric').waitFor();
      // The names come from /metrics, each with its series count.
      const option = page.locator(`#metrics-metric-names option[value="${METRIC}"]`);
      await option.waitFor({ state: 'attached' });
      assert.equal(await option.getAttribute('label'), '2 series');

      await page.fill('#metrics-metric', METRIC);
      await page.press('#metrics-metric', 'Enter');
      await page.getByTestId('metric-series').filter({ hasText: '2 series' }).waitFor();
      const chart = page.getByTestId('timeseries-chart');
      const lineA = chart.locator('path.line[data-series="epc-a"]');
      await lineA.waitFor();
      assert.equal(await chart.locator('path.line').count(), 2, 'one line per device');
      assert.equal(await chart.getAttribute('data-step'), '60000', 'a 1 h range at this width asks for the 60 s floor');

      // 20 buckets of two samples each, drawn as one unbroken line.
      assert.equal(await lineA.getAttribute('data-points'), '20');
      const d = await lineA.getAttribute('d');
      assert.equal(d.match(/M/g)?.length, 1, `the line has a gap: ${d}`);
      assert.equal(d.match(/L/g)?.length, 19);
      assert.deepEqual(await chart.locator('.legend .name').allTextContents(), ['epc-a', 'epc-b']);
      const title = await chart.locator('svg title').textContent();
      assert.match(title, new RegExp(`${METRIC}, last 1 hour`));

      // The tooltip at the newest point shows the average of its bucket.
      const [x, y] = d.split('L').at(-1).split(',').map(Number);
      const box = await chart.locator('svg').boundingBox();
      await page.mouse.move(box.x + x, box.y + y);
      const tip = page.getByTestId('chart-tooltip');
      await tip.waitFor();
      const tipText = await tip.textContent();
      assert.match(tipText, /epc-a\s*385(?!\d)/, `tooltip: ${tipText}`);
      assert.match(tipText, /epc-b\s*1\.385K/, `tooltip: ${tipText}`);

      // The latest values come from /query: the last sample of each device.
      const table = page.getByTestId('latest-values');
      await table.locator('tr[data-device="epc-a"]').waitFor();
      assert.equal(await table.locator('tr[data-device="epc-a"] td[data-value]').getAttribute('data-value'), '390');
      assert.equal(await table.locator('tr[data-device="epc-b"] td[data-value]').getAttribute('data-value'), '1390');
      await browser.shot('metrics');

      // One device only: the address keeps the choice, the chart one line.
      await page.selectOption('#metrics-device', 'epc-b');
      await page.waitForFunction(() => location.hash.includes('device=epc-b'));
      await chart.locator('path.line[data-series="epc-a"]').waitFor({ state: 'detached' });
      assert.equal(await chart.locator('path.line').count(), 1);
    } catch (e) {
      await browser.shot('metrics-failure').catch(() => {});
      throw e;
    }
    assert.deepEqual(browser.consoleErrors, [], 'the browser console reported errors');
  });
});
