// "Block the mobile app entirely" on the Advanced tab, from an empty list:
// the placeholder address, the lockout dialog, and the mobile API's response.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addresses, launchBrowser, openClient, signIn, startGatehouse, type BrowserHandle, type Client, type Gatehouse } from './harness.ts';

let gatehouse: Gatehouse;
let browser: BrowserHandle;
let admin: Client;

describe('blocking the mobile app', () => {
  before(async () => {
    gatehouse = await startGatehouse();
    browser = await launchBrowser();
    admin = await openClient(browser.browser, gatehouse, addresses.office);
  });

  after(async () => {
    await admin?.close();
    await browser?.close();
    await gatehouse?.stop();
  });

  it('placeholder blocks the mobile app', async () => {
    const { page } = admin;
    await signIn(page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
    await page.getByRole('link', { name: 'Advanced' }).click();
    await page.getByText('The allowed IP list is empty, and an empty list restricts nobody.').waitFor();

    await page.getByRole('button', { name: 'Add 192.0.2.1 and block the mobile app' }).click();
    const lockout = page.getByRole('alertdialog', { name: 'This change would lock you out' });
    await lockout.waitFor();
    assert.equal(await lockout.getByTestId('lockout-address').innerText(), addresses.office);
    await lockout.getByRole('button', { name: 'Add my IP and save' }).click();
    await page.getByText('The mobile app is allowed only from the addresses in the allowed IP list.').waitFor();
    assert.equal(await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).getAttribute('aria-checked'), 'true');
    assert.equal(await page.getByRole('switch', { name: 'IP Allowlist for mobile access' }).getAttribute('aria-checked'), 'true');

    await page.getByRole('link', { name: 'Allowed IP List' }).click();
    const rows = (await page.getByRole('region', { name: 'Allowed IP ranges' }).locator('tbody tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' '));
    assert.equal(rows.length, 2, rows.join('\n'));
    assert.match(rows[0] ?? '', /^192\.0\.2\.1 192\.0\.2\.1 Placeholder: blocks the mobile app /);
    assert.match(rows[1] ?? '', /^203\.0\.113\.10 203\.0\.113\.10 Current IP of Demo Admin /);

    const mobile = await admin.context.request.post('/api/mobile/v1/sessions', {
      headers: { 'X-Forwarded-For': addresses.home },
      data: { email: gatehouse.demo.agentEmail, password: gatehouse.demo.agentPassword },
    });
    assert.equal(mobile.status(), 403);
    assert.equal((await mobile.json()).error.code, 'IP_NOT_ALLOWED');
  });

  it('logged no browser console errors', () => {
    assert.deepEqual(admin.consoleErrors, []);
  });
});
