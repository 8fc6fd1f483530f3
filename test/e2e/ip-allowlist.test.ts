// The Control Panel's IP Allowlist page in Chromium: the switch and its
// notice, the lockout dialog, range editing with inline errors, search and
// sort, "Check an address", the Advanced tab, the audit log and agents.
// The tests run in order and build on each other's allowlist.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { addresses, launchBrowser, openClient, signIn, startGatehouse, type BrowserHandle, type Client, type Gatehouse } from './harness.ts';

let gatehouse: Gatehouse;
let browser: BrowserHandle;
let admin: Client;
let page: Page;

/** Returns the text of each row of the allowed IP list, in the order shown, with runs of white space as one space. */
async function rangeRows(): Promise<string[]> {
  const rows = await page.getByRole('region', { name: 'Allowed IP ranges' }).locator('tbody tr').allInnerTexts();
  return rows.map((row) => row.replace(/\s+/g, ' ').trim());
}

/** Returns the cells of column `index` of the allowed IP list. */
async function rangeColumn(index: number): Promise<string[]> {
  return page.getByRole('region', { name: 'Allowed IP ranges' }).locator(`tbody tr td:nth-child(${index + 1})`).allInnerTexts();
}

/** Returns true when the element that `locator` finds has keyboard focus. */
async function hasFocus(locator: Locator): Promise<boolean> {
  return (await locator.and(page.locator(':focus')).count()) === 1;
}

/** Returns the aria-checked state of the switch labelled `name`. */
async function switchState(name: string): Promise<string | null> {
  return page.getByRole('switch', { name, exact: true }).getAttribute('aria-checked');
}

describe('Control Panel IP allowlist', () => {
  before(async () => {
    gatehouse = await startGatehouse();
    browser = await launchBrowser();
    admin = await openClient(browser.browser, gatehouse, addresses.home);
    page = admin.page;
  });

  after(async () => {
    await admin?.close();
    await browser?.close();
    await gatehouse?.stop();
  });

  it('sign-in rejects a wrong password', async () => {
    await page.goto('/');
    await page.getByRole('link', { name: /Control Panel/ }).click();
    await page.getByRole('heading', { name: 'Sign in to the Control Panel' }).waitFor();
    await page.getByLabel('Email').fill(gatehouse.demo.adminEmail);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
    assert.match(page.url(), /\/control-panel\/sign-in$/);
  });

  it('empty list shows the notice', async () => {
    await signIn(page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
    await page.getByRole('heading', { name: 'IP Allowlist', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('current-address').innerText(), addresses.home);
    await page.getByText('The allowed IP list is empty').waitFor();
    assert.equal(await switchState('IP Allowlist'), 'false');

    await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).click();
    await page.getByTestId('allowlist-notice').waitFor();
    assert.equal(await switchState('IP Allowlist'), 'true');
    assert.ok(await hasFocus(page.getByRole('switch', { name: 'IP Allowlist', exact: true })), 'the switch keeps focus');
    assert.match(await page.getByTestId('allowlist-notice').innerText(), /no IP ranges/);

    await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The IP allowlist is off.' }).waitFor();
    assert.equal(await page.getByTestId('allowlist-notice').count(), 0);
  });

  it('range form shows errors at fields', async () => {
    await page.getByRole('button', { name: 'New IP Range' }).click();
    const dialog = page.getByRole('dialog', { name: 'New IP Range' });
    await dialog.getByLabel('Start IP').fill('192.168.1.100/24');
    await dialog.getByRole('button', { name: 'Add range' }).click();
    const startError = dialog.locator('.field-error');
    await startError.waitFor();
    assert.match(await startError.innerText(), /192\.168\.1\.0\/24/);
    assert.equal(await dialog.getByLabel('Start IP').getAttribute('aria-invalid'), 'true');
    assert.equal(await startError.getAttribute('role'), 'alert');
    assert.ok(await hasFocus(dialog.getByLabel('Start IP')), 'focus moves to the field with the error');

    await dialog.getByLabel('Start IP').fill('10.0.0.9');
    await dialog.getByLabel('End IP').fill('10.0.0.1');
    await dialog.getByRole('button', { name: 'Add range' }).click();
    await dialog.getByLabel('End IP').and(page.locator('[aria-invalid="true"]')).waitFor();
    assert.equal(await dialog.getByLabel('Start IP').getAttribute('aria-invalid'), null);
    assert.ok(await hasFocus(dialog.getByLabel('End IP')), 'focus moves to End IP');

    await dialog.getByLabel('End IP').fill('');
    await dialog.getByLabel('Expires (optional)').fill('2020-01-01T10:00');
    await dialog.getByRole('button', { name: 'Add range' }).click();
    await dialog.getByLabel('Expires (optional)').and(page.locator('[aria-invalid="true"]')).waitFor();
    assert.equal(await dialog.locator('.field-error').innerText(), 'This time has passed. Choose a time in the future.');
    assert.ok(await hasFocus(dialog.getByLabel('Expires (optional)')), 'focus moves to Expires');

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('adds a range, a CIDR and an address', async () => {
    const add = async (start: string, end: string, label: string) => {
      await page.getByRole('button', { name: 'New IP Range' }).click();
      const dialog = page.getByRole('dialog', { name: 'New IP Range' });
      await dialog.getByLabel('Start IP').fill(start);
      if (end !== '') await dialog.getByLabel('End IP').fill(end);
      await dialog.getByLabel('Label').fill(label);
      await dialog.getByRole('button', { name: 'Add range' }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    await add(addresses.officeNetwork, '', 'Office');
    await add('2001:DB8::10', '2001:db8::1f', 'VPN v6');
    await add('100.64.0.1', '', 'Backup line');

    const rows = await rangeRows();
    assert.equal(rows.length, 3);
    assert.match(rows[0] ?? '', /^100\.64\.0\.1 100\.64\.0\.1 Backup line Manual Demo Admin/);
    assert.match(rows[1] ?? '', /^203\.0\.113\.0 203\.0\.113\.255 203\.0\.113\.0\/24 Office/);
    assert.match(rows[2] ?? '', /^2001:db8::10 2001:db8::1f 2001:db8::10\/124 VPN v6/, 'IPv6 is shown in RFC 5952 form, after IPv4');
  });

  it('searches and sorts the list', async () => {
    await page.getByLabel('Search').fill('vpn');
    assert.equal((await rangeRows()).length, 1);
    await page.getByLabel('Search').fill('no such range');
    await page.getByText('No range matches “no such range”.').waitFor();
    await page.getByLabel('Search').fill('');

    await page.getByRole('button', { name: /^Label/ }).click();
    assert.deepEqual(await rangeColumn(2), ['Backup line', 'Office', 'VPN v6']);
    await page.getByRole('button', { name: /^Label/ }).click();
    assert.equal(await page.getByRole('columnheader', { name: /Label/ }).getAttribute('aria-sort'), 'descending');
    assert.equal((await rangeColumn(2))[0], 'VPN v6');
    await page.getByRole('button', { name: /^Start/ }).click();
  });

  it('switching on meets the lockout dialog', async () => {
    await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).click();
    const lockout = page.getByRole('alertdialog', { name: 'This change would lock you out' });
    await lockout.waitFor();
    assert.equal(await lockout.getByTestId('lockout-address').innerText(), addresses.home);
    await lockout.getByRole('button', { name: 'Cancel' }).click();
    await lockout.waitFor({ state: 'detached' });
    assert.equal(await switchState('IP Allowlist'), 'false');

    await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).click();
    await lockout.getByRole('button', { name: 'Add my IP and save' }).click();
    await lockout.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'The IP allowlist is on.' }).waitFor();
    assert.equal(await switchState('IP Allowlist'), 'true');
    const rows = await rangeRows();
    assert.ok(rows.some((row) => row.startsWith(addresses.home) && row.includes('Current IP of Demo Admin')), rows.join('\n'));
    await page.getByText(`Your current IP ${addresses.home} is allowed by ${addresses.home}`).waitFor();
  });

  it('edits and deletes ranges', async () => {
    await page.getByRole('button', { name: `Edit ${addresses.officeNetwork}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit IP range ${addresses.officeNetwork}` });
    assert.equal(await edit.getByLabel('Start IP').inputValue(), '203.0.113.0');
    assert.equal(await edit.getByLabel('End IP').inputValue(), '203.0.113.255');
    await edit.getByLabel('Label').fill('Office Berlin');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    assert.ok((await rangeRows()).some((row) => row.includes('Office Berlin')));

    await page.getByRole('button', { name: `Delete ${addresses.home}` }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete ${addresses.home}?` });
    await confirm.getByRole('button', { name: 'Delete range' }).click();
    const lockout = page.getByRole('alertdialog', { name: 'This change would lock you out' });
    await lockout.waitFor();
    // The range being deleted is the one that allows this address, so it cannot be added again first.
    await lockout.getByRole('button', { name: 'Add my IP and save' }).click();
    const existing = lockout.getByTestId('lockout-existing-range');
    await existing.waitFor();
    assert.match(await existing.innerText(), /is the range that this change deletes or edits/);
    assert.equal(await lockout.getByRole('button', { name: 'Add my IP and save' }).count(), 0);
    assert.equal(await lockout.getByRole('button', { name: 'Save anyway' }).count(), 1);
    await lockout.getByRole('button', { name: 'Cancel' }).click();
    await lockout.waitFor({ state: 'detached' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.ok((await rangeRows()).some((row) => row.startsWith(addresses.home)));

    await page.getByRole('button', { name: 'Delete 100.64.0.1' }).click();
    await page.getByRole('alertdialog', { name: 'Delete 100.64.0.1?' }).getByRole('button', { name: 'Delete range' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted 100.64.0.1.' }).waitFor();
    assert.equal((await rangeRows()).length, 3);
    // 100.64.0.1 was the first row, so the Edit button of the row that took its place gets focus.
    assert.ok(await hasFocus(page.getByRole('button', { name: `Edit ${addresses.home}` })), 'focus moves to the next row');
  });

  it('checks an address per channel', async () => {
    await page.getByRole('link', { name: 'Check an address' }).click();
    await page.getByLabel('IP address').fill('203.0.113.77');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const result = page.getByTestId('check-result');
    await result.getByText('203.0.113.77').waitFor();
    const rows = await result.locator('tbody tr').allInnerTexts();
    assert.match(rows[0] ?? '', /^Control Panel\s+Allowed\s+The address is in an allowed range\.\s+203\.0\.113\.0\/24 \(Office Berlin\)/);
    assert.match(rows[1] ?? '', /^Agent Console\s+Allowed/);
    assert.match(rows[2] ?? '', /^Mobile app\s+Allowed\s+The IP allowlist for mobile access is off\./);

    await page.getByLabel('IP address').fill('192.0.2.200');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await result.getByText('192.0.2.200').waitFor();
    assert.match((await result.locator('tbody tr').allInnerTexts())[0] ?? '', /^Control Panel\s+Denied\s+The address is in no allowed range/);

    await page.getByLabel('IP address').fill('999.1.1.1');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('.field-error').waitFor();
    assert.equal(await page.getByLabel('IP address').getAttribute('aria-invalid'), 'true');
  });

  it('blocks the mobile app from the Advanced tab', async () => {
    await page.getByRole('link', { name: 'Advanced' }).click();
    assert.equal(await switchState('IP Allowlist for mobile access'), 'false');
    assert.equal(await switchState('Apply to signed-in sessions'), 'true');
    await page.getByRole('button', { name: 'Block the mobile app' }).click();
    await page.getByText('The mobile app is allowed only from the addresses in the allowed IP list.').waitFor();
    assert.equal(await switchState('IP Allowlist for mobile access'), 'true');

    await page.getByRole('link', { name: 'Check an address' }).click();
    await page.getByLabel('IP address').fill('192.0.2.200');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('check-result').getByText('192.0.2.200').waitFor();
    assert.match((await page.getByTestId('check-result').locator('tbody tr').allInnerTexts())[2] ?? '', /^Mobile app\s+Denied/);

    await page.getByRole('link', { name: 'Advanced' }).click();
    await page.getByRole('switch', { name: 'Apply to signed-in sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'checked only at sign-in' }).waitFor();
    assert.equal(await switchState('Apply to signed-in sessions'), 'false');
    await page.getByRole('switch', { name: 'Apply to signed-in sessions' }).click();
    await page.getByRole('status').filter({ hasText: 'checked on every request' }).waitFor();
  });

  it('audit log shows who, where, what', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('region', { name: 'Audit log entries' });
    await table.waitFor();
    const rows = (await table.locator('tbody tr').allInnerTexts()).map((row) => row.replace(/\s+/g, ' '));
    const switchedOn = rows.find((row) => row.includes('Changed allowlist settings IP Allowlist off → changed to on'));
    assert.ok(switchedOn, rows.join('\n'));
    assert.match(switchedOn, /Demo Admin 198\.51\.100\.7/);
    assert.ok(rows.some((row) => row.includes('Changed an IP range') && row.includes('Office Berlin')));

    await page.getByLabel('Change', { exact: true }).selectOption('allowlist.range-deleted');
    await table.locator('tbody tr').first().getByText('Deleted an IP range').waitFor();
    assert.equal(await table.locator('tbody tr').count(), 1);
  });

  it('manages agents and their roles', async () => {
    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('region', { name: 'Agents' }).waitFor();
    await page.getByRole('button', { name: 'Add agent' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add agent' });
    // The browser accepts this address, and the server rejects it for its domain without a dot.
    await dialog.getByLabel('Email').fill('maria@localhost');
    await dialog.getByRole('button', { name: 'Add agent' }).click();
    await dialog.locator('.field-error').waitFor();
    await dialog.getByLabel('Email').fill('maria@demo.example');
    await dialog.getByLabel('Name (optional)').fill('Maria Lopez');
    await dialog.getByRole('button', { name: 'Add agent' }).click();
    await dialog.waitFor({ state: 'detached' });
    const password = await page.getByTestId('generated-password').inputValue();
    assert.ok(password.length >= 12, `generated password "${password}"`);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByTestId('generated-password').count(), 0);

    const permission = page.getByLabel('manage_security permission of Maria Lopez');
    await permission.click();
    await page.getByRole('status').filter({ hasText: 'Maria Lopez can now manage security settings.' }).waitFor();
    assert.ok(await hasFocus(permission), 'the checkbox keeps focus');
    await permission.click();
    await page.getByRole('status').filter({ hasText: 'Maria Lopez can no longer manage security settings.' }).waitFor();

    await page.getByLabel('Role of Maria Lopez').selectOption('admin');
    await page.getByRole('status').filter({ hasText: 'Maria Lopez is now an admin.' }).waitFor();
    await page.getByRole('button', { name: 'Disable Maria Lopez' }).click();
    await page.getByRole('button', { name: 'Enable Maria Lopez' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Disable Demo Admin' }).count(), 0, 'no one can disable themselves');
  });

  it('security manager cannot change admins', async () => {
    const created = await admin.context.request.post('/api/v1/agents', {
      data: { email: 'sam@demo.example', name: 'Sam Security', manageSecurity: true, password: 'sam-security-password-1' },
    });
    assert.equal(created.status(), 201, await created.text());
    await admin.context.request.post('/api/v1/agents', { data: { email: 'pia@demo.example', name: 'Pia Plain', password: 'pia-plain-password-1' } });

    const manager = await openClient(browser.browser, gatehouse, addresses.home);
    try {
      await signIn(manager.page, 'control-panel', 'sam@demo.example', 'sam-security-password-1');
      await manager.page.getByRole('link', { name: 'Agents' }).click();
      await manager.page.getByRole('region', { name: 'Agents' }).waitFor();
      const disableAdmin = manager.page.getByRole('button', { name: 'Disable Demo Admin' });
      assert.equal(await disableAdmin.isDisabled(), true, 'an admin cannot be disabled by a non-admin');
      assert.equal(await manager.page.getByRole('button', { name: 'Enable Maria Lopez' }).isDisabled(), true);
      assert.match((await disableAdmin.getAttribute('aria-describedby')) ?? '', /admins-only-/);
      await manager.page.getByRole('row').filter({ hasText: 'Demo Admin' }).getByText('Only admins can change admins.').waitFor();

      const disablePlain = manager.page.getByRole('button', { name: 'Disable Pia Plain' });
      assert.equal(await disablePlain.isDisabled(), false, 'plain agents stay manageable');
      await disablePlain.click();
      await manager.page.getByRole('status').filter({ hasText: 'Pia Plain is disabled' }).waitFor();
      assert.deepEqual(manager.consoleErrors, []);
    } finally {
      await manager.close();
    }
  });

  it('works at 360 px with the keyboard', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/control-panel/security/ip-allowlist');
    await page.getByRole('heading', { name: 'IP Allowlist', level: 1 }).waitFor();
    // The root tsconfig has no DOM types, so browser-side code is passed as text.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0, 'the page does not scroll sideways at 360 px');

    await page.getByRole('button', { name: 'New IP Range' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New IP Range' });
    await dialog.waitFor();
    assert.equal(await page.evaluate<string | null>('document.activeElement.labels[0]?.textContent ?? null'), 'Start IP', 'the dialog focuses Start IP');
    await page.keyboard.type('198.51.100.64/26');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Home offices');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Added 198.51.100.64/26' }).waitFor();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no browser console errors', () => {
    assert.deepEqual(admin.consoleErrors, []);
  });
});
