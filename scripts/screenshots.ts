// Saves a PNG of each screen of the web app to docs/screenshots/.
//
//   npm run screenshots
//
// It starts its own server over a new data folder, with mail going to an
// SMTP peer on 127.0.0.1, and drives Debian's Chromium like the browser
// tests do (see test/e2e/harness.ts). Nothing connects beyond loopback.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { addresses, authorizationLink, launchBrowser, openClient, signIn, startGatehouse, type Client } from '../test/e2e/harness.ts';

const outputDir = resolve(import.meta.dirname, '..', 'docs', 'screenshots');

/** Saves the whole page, or only the viewport for a dialog, whose backdrop covers only the viewport. */
async function capture(page: Page, name: string, options: { dialog?: boolean } = {}): Promise<void> {
  // Lets transitions and focus rings settle before the picture is taken.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: options.dialog !== true });
  process.stdout.write(`  docs/screenshots/${name}.png\n`);
}

async function main(): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  const gatehouse = await startGatehouse();
  const browser = await launchBrowser();
  const clients: Client[] = [];
  const open = async (address: string, width = 1280, height = 800) => {
    const client = await openClient(browser.browser, gatehouse, address, { width, height });
    clients.push(client);
    return client;
  };

  try {
    const { adminEmail, adminPassword, agentEmail, agentPassword } = gatehouse.demo;
    process.stdout.write(`Saving screenshots to ${outputDir}:\n`);

    const admin = await open(addresses.office);
    const page = admin.page;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Sign in to Gatehouse' }).waitFor();
    await capture(page, 'home');

    await page.goto('/control-panel/sign-in');
    await page.getByLabel('Email').fill(adminEmail);
    await capture(page, 'sign-in');

    await signIn(page, 'control-panel', adminEmail, adminPassword);
    await page.getByText('The allowed IP list is empty').waitFor();
    await page.getByRole('switch', { name: 'IP Allowlist', exact: true }).click();
    await page.getByTestId('allowlist-notice').waitFor();
    await capture(page, 'ip-allowlist-notice');

    // Ranges in the state a real team would have, added through the API of this session.
    const ranges = [
      { input: addresses.officeNetwork, label: 'Office Berlin' },
      { input: '198.51.100.64/26', label: 'Home offices' },
      { start: '2001:db8:42::', end: '2001:db8:42::ffff', label: 'VPN (IPv6)' },
      { input: '192.0.2.10', label: 'Contractor, until the end of the project', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
    ];
    for (const range of ranges) {
      const response = await admin.context.request.post('/api/v1/allowlist/ranges', { data: range });
      if (response.status() !== 201) throw new Error(`Adding ${range.label} failed: ${await response.text()}`);
    }
    await page.reload();
    await page.getByRole('region', { name: 'Allowed IP ranges' }).waitFor();
    await capture(page, 'ip-allowlist');

    await page.getByRole('button', { name: 'New IP Range' }).click();
    const form = page.getByRole('dialog', { name: 'New IP Range' });
    await form.getByLabel('Start IP').fill('10.1.2.3/16');
    await form.getByLabel('Label').fill('Branch office');
    await form.getByRole('button', { name: 'Add range' }).click();
    await form.locator('.field-error').waitFor();
    await capture(page, 'range-form-error', { dialog: true });
    await form.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: `Delete ${addresses.officeNetwork}` }).click();
    await page.getByRole('alertdialog', { name: `Delete ${addresses.officeNetwork}?` }).getByRole('button', { name: 'Delete range' }).click();
    await page.getByRole('alertdialog', { name: 'This change would lock you out' }).waitFor();
    await capture(page, 'lockout-dialog', { dialog: true });
    await page.getByRole('alertdialog', { name: 'This change would lock you out' }).getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('alertdialog', { name: `Delete ${addresses.officeNetwork}?` }).getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Advanced' }).click();
    await page.getByRole('heading', { name: 'Block the mobile app entirely' }).waitFor();
    await capture(page, 'ip-allowlist-advanced');

    await page.getByRole('link', { name: 'Check an address' }).click();
    await page.getByLabel('IP address').fill('203.0.113.77');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.getByTestId('check-result').waitFor();
    await capture(page, 'check-address');

    // An agent denied at home, then an admin denied while travelling.
    const agentAtHome = await open(addresses.home);
    await agentAtHome.page.goto('/agent-console/sign-in');
    await agentAtHome.page.getByLabel('Email').fill(agentEmail);
    await agentAtHome.page.getByLabel('Password').fill(agentPassword);
    await agentAtHome.page.getByRole('button', { name: 'Sign in' }).click();
    await agentAtHome.page.getByTestId('denied-address').waitFor();
    await capture(agentAtHome.page, 'access-denied-agent');

    const traveller = await open(addresses.travel);
    await traveller.page.goto('/control-panel/sign-in');
    await traveller.page.getByLabel('Email').fill(adminEmail);
    await traveller.page.getByLabel('Password').fill(adminPassword);
    await traveller.page.getByRole('button', { name: 'Sign in' }).click();
    await traveller.page.getByRole('button', { name: 'Authorize this IP' }).waitFor();
    await capture(traveller.page, 'access-denied-admin');
    await traveller.page.getByRole('button', { name: 'Authorize this IP' }).click();
    await traveller.page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await capture(traveller.page, 'authorization-sent');

    const link = await authorizationLink(gatehouse.smtp, addresses.travel);
    const phone = await open(addresses.home, 390, 844);
    await phone.page.goto(link);
    await phone.page.getByRole('button', { name: /^Confirm and add/ }).waitFor();
    await capture(phone.page, 'authorization-confirm');
    await phone.page.getByRole('button', { name: /^Confirm and add/ }).click();
    await phone.page.getByRole('heading', { name: 'IP address authorized' }).waitFor();
    await capture(phone.page, 'authorization-confirmed');
    await phone.page.goto(link);
    await phone.page.getByRole('heading', { name: 'This link has already been used' }).waitFor();
    await capture(phone.page, 'authorization-used');

    await page.getByRole('link', { name: 'Sign-in log' }).click();
    await page.getByRole('region', { name: 'Sign-in log entries' }).waitFor();
    await capture(page, 'sign-in-log');
    await page.getByRole('button', { name: `Add ${addresses.home} to the allowlist` }).first().click();
    await page.getByRole('dialog', { name: `Add ${addresses.home} to the allowlist` }).waitFor();
    await capture(page, 'sign-in-log-add-address', { dialog: true });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('region', { name: 'Audit log entries' }).waitFor();
    await capture(page, 'audit-log');

    await page.getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Add agent' }).click();
    const addAgent = page.getByRole('dialog', { name: 'Add agent' });
    await addAgent.getByLabel('Email').fill('maria@demo.example');
    await addAgent.getByLabel('Name (optional)').fill('Maria Lopez');
    await addAgent.getByRole('button', { name: 'Add agent' }).click();
    await page.getByTestId('generated-password').waitFor();
    await capture(page, 'agents');

    const agent = await open(addresses.office);
    await signIn(agent.page, 'control-panel', agentEmail, agentPassword);
    await agent.page.getByRole('heading', { name: /permission/ }).waitFor();
    await capture(agent.page, 'no-permission');

    await signIn(agent.page, 'agent-console', agentEmail, agentPassword);
    await agent.page.getByRole('heading', { name: 'Welcome, Demo Agent' }).waitFor();
    await capture(agent.page, 'agent-console');

    const narrow = await open(addresses.office, 360, 740);
    await signIn(narrow.page, 'control-panel', adminEmail, adminPassword);
    await narrow.page.getByRole('region', { name: 'Allowed IP ranges' }).waitFor();
    await capture(narrow.page, 'ip-allowlist-360px');
    await narrow.page.getByRole('button', { name: 'New IP Range' }).click();
    await narrow.page.getByRole('dialog', { name: 'New IP Range' }).waitFor();
    await capture(narrow.page, 'range-form-360px', { dialog: true });

    const narrowAgent = await open(addresses.office, 360, 740);
    await signIn(narrowAgent.page, 'agent-console', agentEmail, agentPassword);
    await narrowAgent.page.getByRole('heading', { name: 'Welcome, Demo Agent' }).waitFor();
    await capture(narrowAgent.page, 'agent-console-360px');

    const errors = clients.flatMap((client) => client.consoleErrors);
    if (errors.length > 0) throw new Error(`The browser logged console errors:\n${errors.join('\n')}`);
  } finally {
    for (const client of clients) await client.close();
    await browser.close();
    await gatehouse.stop();
  }
}

await main();
