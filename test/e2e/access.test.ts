// Sign-in under the IP allowlist in Chromium: agents denied and let in by
// address, the admin's authorization through the emailed link, a session
// denied mid-use, permission refusals, and adding a denied address from the
// sign-in log. The tests run in order and build on each other's state.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  addresses,
  authorizationLink,
  launchBrowser,
  openClient,
  signIn,
  startGatehouse,
  type BrowserHandle,
  type Client,
  type Gatehouse,
} from './harness.ts';

let gatehouse: Gatehouse;
let browser: BrowserHandle;
const clients: Client[] = [];

async function client(address: string): Promise<Client> {
  const opened = await openClient(browser.browser, gatehouse, address);
  clients.push(opened);
  return opened;
}

describe('sign-in under the IP allowlist', () => {
  let admin: Client;

  before(async () => {
    gatehouse = await startGatehouse();
    browser = await launchBrowser();

    // The admin works from the office and restricts the account to the office network.
    admin = await client(addresses.office);
    await signIn(admin.page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
    const request = admin.context.request;
    const added = await request.post('/api/v1/allowlist/ranges', { data: { input: addresses.officeNetwork, label: 'Office' } });
    assert.equal(added.status(), 201, await added.text());
    const enabled = await request.patch('/api/v1/allowlist', { data: { enabled: true } });
    assert.equal(enabled.status(), 200, await enabled.text());
  });

  after(async () => {
    for (const opened of clients) await opened.close();
    await browser?.close();
    await gatehouse?.stop();
  });

  it('agent at home is denied', async () => {
    const agent = await client(addresses.home);
    await agent.page.goto('/');
    await agent.page.getByRole('link', { name: /Agent Console/ }).click();
    await agent.page.getByLabel('Email').fill(gatehouse.demo.agentEmail);
    await agent.page.getByLabel('Password').fill(gatehouse.demo.agentPassword);
    await agent.page.getByRole('button', { name: 'Sign in' }).click();

    await agent.page.getByRole('heading', { name: 'Access from this IP address is not allowed' }).waitFor();
    assert.match(agent.page.url(), /\/agent-console\/access-denied$/);
    assert.equal(await agent.page.getByTestId('denied-address').innerText(), addresses.home);
    await agent.page.getByText('Contact an admin of your account').waitFor();
    assert.equal(await agent.page.getByRole('button', { name: 'Authorize this IP' }).count(), 0);
  });

  it('agent at the office is let in', async () => {
    const agent = await client(addresses.office);
    await signIn(agent.page, 'agent-console', gatehouse.demo.agentEmail, gatehouse.demo.agentPassword);
    await agent.page.getByRole('heading', { name: 'Welcome, Demo Agent' }).waitFor();
    assert.match(agent.page.url(), /\/agent-console$/);
    assert.equal(await agent.page.getByTestId('current-address').innerText(), addresses.office);
    assert.equal(await agent.page.getByTestId('account-name').innerText(), 'Demo Support Team');
    await agent.page.getByText('This session').waitFor();
  });

  it('ends other sessions from the Agent Console', async () => {
    const first = clients.at(-1) as Client;
    const second = await client(addresses.office);
    await signIn(second.page, 'agent-console', gatehouse.demo.agentEmail, gatehouse.demo.agentPassword);
    await second.page.getByRole('heading', { name: 'Welcome, Demo Agent' }).waitFor();

    await first.page.getByRole('button', { name: 'Refresh' }).click();
    await first.page.locator('.session').nth(1).waitFor();
    await first.page.getByRole('button', { name: 'Sign out other sessions' }).click();
    await first.page.getByRole('status').filter({ hasText: 'Signed out 1 other session.' }).waitFor();

    await second.page.getByRole('button', { name: 'Refresh' }).click();
    await second.page.getByRole('heading', { name: 'Sign in to the Agent Console' }).waitFor();
    await second.page.getByText('Your session has ended.').waitFor();
  });

  it('session moved to a denied address shows the denied page', async () => {
    const agent = clients.find((opened) => opened.page.url().endsWith('/agent-console')) as Client;
    await agent.moveTo(addresses.travel);
    await agent.page.getByRole('button', { name: 'Refresh' }).click();

    await agent.page.getByRole('heading', { name: 'Access from this IP address is not allowed' }).waitFor();
    assert.equal(await agent.page.getByTestId('denied-address').innerText(), addresses.travel);
    await agent.page.getByText('Your session has ended').waitFor();

    // The session is gone: back at the office, the agent has to sign in again.
    await agent.moveTo(addresses.office);
    await agent.page.goto('/agent-console');
    await agent.page.getByRole('heading', { name: 'Sign in to the Agent Console' }).waitFor();
  });

  it('admin authorizes an address by emailed link', async () => {
    const traveller = await client(addresses.travel);
    await traveller.page.goto('/control-panel/sign-in');
    await traveller.page.getByLabel('Email').fill(gatehouse.demo.adminEmail);
    await traveller.page.getByLabel('Password').fill(gatehouse.demo.adminPassword);
    await traveller.page.getByRole('button', { name: 'Sign in' }).click();
    await traveller.page.getByTestId('denied-address').waitFor();
    assert.equal(await traveller.page.getByTestId('denied-address').innerText(), addresses.travel);

    await traveller.page.getByRole('button', { name: 'Authorize this IP' }).click();
    await traveller.page.getByRole('heading', { name: 'Check your email' }).waitFor();
    assert.equal(await traveller.page.getByTestId('sent-to').innerText(), 'ad***@demo.example');

    const link = await authorizationLink(gatehouse.smtp, addresses.travel);
    assert.ok(link.startsWith(`${gatehouse.url}/ip-authorizations/`), link);

    // The link opens on another device. Opening it twice changes nothing.
    const phone = await client(addresses.home);
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'Authorize this IP address?' }).waitFor();
    await phone.page.reload();
    await phone.page.getByRole('heading', { name: 'Authorize this IP address?' }).waitFor();
    assert.equal(await phone.page.getByTestId('authorization-address').innerText(), addresses.travel);
    await phone.page.getByText('Demo Support Team').first().waitFor();
    await phone.page.getByText(`Demo Admin (${gatehouse.demo.adminEmail})`).waitFor();

    await phone.page.getByRole('button', { name: `Confirm and add ${addresses.travel}` }).click();
    await phone.page.getByRole('heading', { name: 'IP address authorized' }).waitFor();

    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'This link has already been used' }).waitFor();
    await phone.page.goto(`${gatehouse.url}/ip-authorizations/${'x'.repeat(43)}`);
    await phone.page.getByRole('heading', { name: 'This link is not valid' }).waitFor();

    // The address of the denied sign-in was added, not the phone's.
    await traveller.page.getByRole('link', { name: 'Sign in after confirming' }).click();
    await signIn(traveller.page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
    await traveller.page.getByRole('heading', { name: 'IP Allowlist', level: 1 }).waitFor();
    const row = traveller.page.getByRole('row').filter({ hasText: 'Email authorization' });
    assert.match((await row.innerText()).replace(/\s+/g, ' '), new RegExp(`^${addresses.travel.replace(/\./g, '\\.')} ${addresses.travel.replace(/\./g, '\\.')} Authorized by email by Demo Admin Email authorization`));
    assert.equal(await traveller.page.getByRole('row').filter({ hasText: addresses.home }).count(), 0);
  });

  it('admin session denied mid-use offers authorization', async () => {
    await admin.page.goto('/control-panel/security/ip-allowlist');
    await admin.page.getByRole('heading', { name: 'IP Allowlist', level: 1 }).waitFor();
    await admin.moveTo('192.0.2.99');
    await admin.page.getByRole('link', { name: 'Sign-in log' }).click();
    await admin.page.getByRole('heading', { name: 'Access from this IP address is not allowed' }).waitFor();
    assert.match(admin.page.url(), /\/control-panel\/access-denied$/);
    assert.equal(await admin.page.getByTestId('denied-address').innerText(), '192.0.2.99');
    await admin.page.getByRole('button', { name: 'Authorize this IP' }).waitFor();

    await admin.moveTo(addresses.office);
    await signIn(admin.page, 'control-panel', gatehouse.demo.adminEmail, gatehouse.demo.adminPassword);
  });

  it('Control Panel refuses agents and Agent Console sessions', async () => {
    const agent = await client(addresses.office);
    await signIn(agent.page, 'control-panel', gatehouse.demo.agentEmail, gatehouse.demo.agentPassword);
    await agent.page.getByRole('heading', { name: 'You don’t have permission to use the Control Panel' }).waitFor();
    await agent.page.getByText('the admin role or the manage_security permission').waitFor();
    const forbidden = await agent.context.request.get('/api/v1/allowlist');
    assert.equal(forbidden.status(), 403);
    assert.equal((await forbidden.json()).error.code, 'FORBIDDEN');

    await signIn(agent.page, 'agent-console', gatehouse.demo.agentEmail, gatehouse.demo.agentPassword);
    await agent.page.goto('/control-panel/agents');
    await agent.page.getByRole('heading', { name: 'Sign in to the Control Panel' }).waitFor();
    await agent.page.getByText('You are signed in to the Agent Console').waitFor();
    const wrongChannel = await agent.context.request.get('/api/v1/agents');
    assert.equal((await wrongChannel.json()).error.code, 'WRONG_CHANNEL');
  });

  it('sign-in log adds a denied address', async () => {
    await admin.page.getByRole('link', { name: 'Sign-in log' }).click();
    await admin.page.getByLabel('Outcome').selectOption('ip-not-allowed');
    await admin.page.getByLabel('Agent').selectOption({ label: `Demo Agent (${gatehouse.demo.agentEmail})` });
    await admin.page.getByLabel('Channel').selectOption('agent-console');
    const table = admin.page.getByRole('region', { name: 'Sign-in log entries' });
    const rows = table.locator('tbody tr');
    await admin.page.getByText('Page 1').waitFor();
    await rows.filter({ hasText: addresses.home }).waitFor();
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().innerText()).replace(/\s+/g, ' '), /Demo Agent agent@demo\.example Agent Console 198\.51\.100\.7 IP not allowed/);

    await rows.first().getByRole('button', { name: `Add ${addresses.home} to the allowlist` }).click();
    const dialog = admin.page.getByRole('dialog', { name: `Add ${addresses.home} to the allowlist` });
    await dialog.getByLabel('Label').fill('Demo Agent, home office');
    await dialog.getByRole('button', { name: 'Add address' }).click();
    await admin.page.getByRole('status').filter({ hasText: `Added ${addresses.home} to the allowed IP list.` }).waitFor();

    const agent = await client(addresses.home);
    await signIn(agent.page, 'agent-console', gatehouse.demo.agentEmail, gatehouse.demo.agentPassword);
    await agent.page.getByRole('heading', { name: 'Welcome, Demo Agent' }).waitFor();
  });

  it('pages through the sign-in log', async () => {
    // Sign-ins with the right password give their rate-limit attempts back, so 30 in a row are allowed.
    // Each comes from its own office address, 203.0.113.1 to 203.0.113.30, so that the rows differ.
    const agent = await client(addresses.office);
    for (let host = 1; host <= 30; host++) {
      const response = await agent.context.request.post('/api/v1/sessions', {
        headers: { 'X-Forwarded-For': `203.0.113.${host}` },
        data: { email: gatehouse.demo.agentEmail, password: gatehouse.demo.agentPassword, channel: 'agent-console' },
      });
      assert.equal(response.status(), 200);
    }
    await admin.page.goto('/control-panel/sign-in-log');
    const rows = admin.page.getByRole('region', { name: 'Sign-in log entries' }).locator('tbody tr');
    await rows.first().filter({ hasText: '203.0.113.30' }).waitFor();
    assert.equal(await rows.count(), 25);
    assert.equal(await admin.page.getByRole('button', { name: 'Newer' }).isDisabled(), true);

    await admin.page.getByRole('button', { name: 'Older' }).click();
    await admin.page.getByText('Page 2').waitFor();
    await rows.first().filter({ hasText: /(?<!\d)203\.0\.113\.5(?!\d)/ }).waitFor();
    assert.equal(await admin.page.getByRole('button', { name: 'Newer' }).isDisabled(), false);
    await admin.page.getByRole('button', { name: 'Newer' }).click();
    await admin.page.getByText('Page 1').waitFor();
    await rows.first().filter({ hasText: '203.0.113.30' }).waitFor();
  });

  it('logged no browser console errors', () => {
    for (const opened of clients) assert.deepEqual(opened.consoleErrors, []);
  });
});
