// "Block the mobile app entirely" on the Advanced tab: the confirmation
// before every channel is restricted, the placeholder address from an empty
// list, the lockout dialog, and the mobile API's response. Then "Add my
// current IP" next to an expired range. The tests run in order.

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

  it('Cancel in the lockout dialog adds nothing', async () => {
    const { page } = admin;
    await signIn(page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
    await page.getByRole('link', { name: 'Advanced' }).click();
    await page.getByText('The allowed IP list is empty, and an empty list restricts nobody.').waitFor();

    await page.getByRole('button', { name: 'Add 192.0.2.1 and block the mobile app' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Restrict every channel?' });
    await confirm.getByText('also restricts the Control Panel and the Agent Console').waitFor();
    await confirm.getByRole('button', { name: 'Restrict every channel' }).click();
    const lockout = page.getByRole('alertdialog', { name: 'This change would lock you out' });
    await lockout.getByRole('button', { name: 'Cancel' }).click();
    await lockout.waitFor({ state: 'detached' });

    const allowlist = await (await admin.context.request.get('/api/v1/allowlist')).json();
    assert.deepEqual(allowlist.ranges, [], 'the placeholder is not left in the list');
    assert.equal(allowlist.enabled, false);
    assert.equal(allowlist.mobileEnforced, false);
    await page.getByRole('button', { name: 'Add 192.0.2.1 and block the mobile app' }).waitFor();
  });

  it('placeholder blocks the mobile app', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Add 192.0.2.1 and block the mobile app' }).click();
    await page.getByRole('alertdialog', { name: 'Restrict every channel?' }).getByRole('button', { name: 'Restrict every channel' }).click();
    const lockout = page.getByRole('alertdialog', { name: 'This change would lock you out' });
    await lockout.waitFor();
    assert.equal(await lockout.getByTestId('lockout-address').innerText(), addresses.office);
    await lockout.getByRole('button', { name: 'Add my IP and save' }).click();
    await page.getByText('The mobile app is allowed only from the addresses in the allowed IP list.').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: `The Control Panel, the Agent Console and the mobile app are now allowed only from 192.0.2.1 and ${addresses.office}.` })
      .waitFor();
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

  it('asks before switching on every channel', async () => {
    const { page } = admin;
    const switchedOff = await admin.context.request.patch('/api/v1/allowlist', { data: { enabled: false, mobileEnforced: false } });
    assert.equal(switchedOff.status(), 200, await switchedOff.text());
    await page.goto('/control-panel/security/ip-allowlist/advanced');

    await page.getByRole('button', { name: 'Block the mobile app' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Restrict every channel?' });
    await confirm.getByText('also restricts the Control Panel and the Agent Console').waitFor();
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).getAttribute('aria-checked'), 'false');

    await page.getByRole('button', { name: 'Block the mobile app' }).click();
    await confirm.getByRole('button', { name: 'Restrict every channel' }).click();
    await page.getByText('The mobile app is allowed only from the addresses in the allowed IP list.').waitFor();
    assert.equal(await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).getAttribute('aria-checked'), 'true');
  });

  it('expired own range offers to edit its expiry', async () => {
    const { page } = admin;
    const request = admin.context.request;
    assert.equal((await request.patch('/api/v1/allowlist', { data: { enabled: false, mobileEnforced: false } })).status(), 200);
    const { ranges } = await (await request.get('/api/v1/allowlist')).json();
    const own = ranges.find((range: { start: string }) => range.start === addresses.office);
    assert.equal((await request.delete(`/api/v1/allowlist/ranges/${own.id}`)).status(), 204);
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const added = await request.post('/api/v1/allowlist/ranges', { data: { input: addresses.office, label: 'Office, temporary', expiresAt } });
    assert.equal(added.status(), 201, await added.text());
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    await page.goto('/control-panel/security/ip-allowlist');
    await page.getByRole('button', { name: `Add my current IP (${addresses.office})` }).click();
    await page.getByRole('alert').filter({ hasText: 'but that range has expired' }).waitFor();
    await page.getByRole('button', { name: `Edit the expiry of ${addresses.office}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit IP range ${addresses.office}` });
    await edit.waitFor();
    assert.equal(await edit.getByLabel('Expires (optional)').and(page.locator(':focus')).count(), 1, 'the dialog focuses Expires');
    await edit.getByLabel('Expires (optional)').fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await page.getByText(`The IP allowlist is off, so every address is allowed, including your current IP ${addresses.office}.`).waitFor();
  });

  it('logged no browser console errors', () => {
    assert.deepEqual(admin.consoleErrors, []);
  });
});
