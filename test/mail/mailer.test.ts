import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMailer, MailDeliveryError } from '../../src/mail/index.ts';
import type { MailMessage } from '../../src/mail/index.ts';
import { extractLinks, readOutboxMessage, startSmtpPeer } from '../helpers/smtp-peer.ts';
import type { SmtpPeer } from '../helpers/smtp-peer.ts';

const FROM = 'Gatehouse <gatehouse@localhost>';
const RECIPIENT = 'admin@example.com';

interface CapturedLog {
  logger: Logger;
  /** Every log line as written, for substring checks. */
  text(): string;
  /** Every log line parsed as JSON. */
  entries(): Record<string, unknown>[];
}

function captureLog(): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = pino({ level: 'trace' }, stream);
  return {
    logger,
    text: () => chunks.join(''),
    entries: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Builds an authorization mail like the one the product sends: a long link with `=`, `&` and a secret token. */
function authorizationMessage(): { message: MailMessage; link: string; token: string } {
  const token = randomBytes(32).toString('base64url');
  const link =
    `http://127.0.0.1:3000/ip-authorizations/confirm?token=${token}` +
    '&account=acc_7f3c91&address=203.0.113.7&requestedAt=2026-12-04T19%3A55%3A01Z' +
    '&return=%2Fsettings%2Fsecurity%3Ftab%3Dallowlist%26view%3Dranges';
  const text = `Someone signed in to your account from 203.0.113.7.\n\nTo allow this address, open:\n${link}\n\nThe link expires in 30 minutes.\n`;
  const html = `<p>To allow this address, <a href="${link.replaceAll('&', '&amp;')}">confirm it</a>.</p>`;
  return { message: { to: RECIPIENT, subject: 'Authorize IP address 203.0.113.7', text, html }, link, token };
}

let temporaryDir: string;

beforeEach(async () => {
  temporaryDir = await mkdtemp(path.join(tmpdir(), 'gatehouse-mail-'));
});

afterEach(async () => {
  await rm(temporaryDir, { recursive: true, force: true });
});

describe('SMTP mailer', () => {
  let peer: SmtpPeer;

  beforeEach(async () => {
    peer = await startSmtpPeer();
  });

  afterEach(async () => {
    await peer.close();
  });

  it('reports kind smtp', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(mailer.kind).toBe('smtp');
    await mailer.close();
  });

  it('delivers subject, recipient and body', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
    const { message } = authorizationMessage();

    await mailer.send(message);
    const received = await peer.waitForMessage();

    expect(received.subject).toBe(message.subject);
    expect(received.to).toEqual([RECIPIENT]);
    expect(received.from).toBe('gatehouse@localhost');
    expect(received.text.trimEnd()).toBe(message.text.trimEnd());
    await mailer.close();
  });

  it('keeps a long link intact through quoted-printable', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
    const { message, link } = authorizationMessage();

    await mailer.send(message);
    const received = await peer.waitForMessage();

    // The encoded form proves that the link crossed the wire as quoted-printable.
    expect(received.raw).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(received.raw).not.toContain(link);
    expect(extractLinks(received.text)).toEqual([link]);
    await mailer.close();
  });

  it('delivers the HTML alternative', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
    const { message } = authorizationMessage();

    await mailer.send(message);
    const received = await peer.waitForMessage();

    expect(received.html?.trimEnd()).toBe(message.html);
    await mailer.close();
  });

  it('returns the Message-ID that the server receives', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);
    const received = await peer.waitForMessage();

    expect(sent.messageId).toBe(received.messageId);
    expect(sent.file).toBeUndefined();
    await mailer.close();
  });

  it('logs mail_sent with recipient, subject and Message-ID', async () => {
    const log = captureLog();
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message } = authorizationMessage();

    const sent = await mailer.send(message);
    const entries = log.entries();

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 30, event: 'mail_sent', to: RECIPIENT, subject: message.subject, messageId: sent.messageId });
    await mailer.close();
  });

  it('keeps body and token out of the log', async () => {
    const log = captureLog();
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message, token } = authorizationMessage();

    await mailer.send(message);

    expect(log.text()).not.toContain(token);
    expect(log.text()).not.toContain('To allow this address');
    await mailer.close();
  });

  it('sends two messages in order', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    await mailer.send({ to: 'first@example.com', subject: 'First', text: 'one' });
    await mailer.send({ to: 'second@example.com', subject: 'Second', text: 'two' });

    expect(peer.messages.map((mail) => mail.subject)).toEqual(['First', 'Second']);
    await mailer.close();
  });
});

describe('SMTP mailer when the server is down', () => {
  /** Returns the SMTP URL of a port on 127.0.0.1 that a peer used and released. */
  async function closedPeerUrl(): Promise<{ url: string; port: number }> {
    const peer = await startSmtpPeer();
    await peer.close();
    return { url: peer.url, port: peer.port };
  }

  it('rejects naming the host and port', async () => {
    const { url, port } = await closedPeerUrl();
    const mailer = createMailer({ smtpUrl: url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sending = mailer.send(authorizationMessage().message);

    await expect(sending).rejects.toThrow(`Failed to send mail through SMTP server 127.0.0.1:${port}`);
  });

  it('rejects with MailDeliveryError', async () => {
    const { url, port } = await closedPeerUrl();
    const mailer = createMailer({ smtpUrl: url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const error: unknown = await mailer.send(authorizationMessage().message).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ transport: 'smtp', target: `127.0.0.1:${port}` });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('logs the failure once at error level', async () => {
    const log = captureLog();
    const { url, port } = await closedPeerUrl();
    const mailer = createMailer({ smtpUrl: url, from: FROM, outboxDir: temporaryDir, logger: log.logger });

    await mailer.send(authorizationMessage().message).catch(() => undefined);
    const errors = log.entries().filter((entry) => entry.level === 50);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ event: 'mail_failed', to: RECIPIENT, target: `127.0.0.1:${port}` });
    expect(errors[0]?.msg).toContain(`Failed to send mail through SMTP server 127.0.0.1:${port}`);
    expect(errors[0]?.err).toMatchObject({ code: 'ESOCKET' });
  });

  it('keeps body and token out of the failure log', async () => {
    const log = captureLog();
    const { url } = await closedPeerUrl();
    const mailer = createMailer({ smtpUrl: url, from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message, token } = authorizationMessage();

    await mailer.send(message).catch(() => undefined);

    expect(log.text()).not.toContain(token);
    expect(log.text()).not.toContain('To allow this address');
  });

  it('keeps the URL password out of the error and the log', async () => {
    const log = captureLog();
    const { port } = await closedPeerUrl();
    const smtpUrl = `smtp://gatehouse:s3cret-pass@127.0.0.1:${port}`;
    const mailer = createMailer({ smtpUrl, from: FROM, outboxDir: temporaryDir, logger: log.logger });

    const error: unknown = await mailer.send(authorizationMessage().message).catch((caught: unknown) => caught);

    expect((error as Error).message).not.toContain('s3cret-pass');
    expect(log.text()).not.toContain('s3cret-pass');
  });
});

describe('SMTP mailer when the server rejects the message', () => {
  let peer: SmtpPeer;

  beforeEach(async () => {
    peer = await startSmtpPeer({ rejectMessages: 'Message refused by policy' });
  });

  afterEach(async () => {
    await peer.close();
  });

  it('rejects with the server reply', async () => {
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sending = mailer.send(authorizationMessage().message);

    await expect(sending).rejects.toThrow(/Failed to send mail through SMTP server 127\.0\.0\.1:\d+: .*554 Message refused by policy/);
    await mailer.close();
  });

  it('logs the failure once without body or token', async () => {
    const log = captureLog();
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message, token } = authorizationMessage();

    await mailer.send(message).catch(() => undefined);

    expect(log.entries().filter((entry) => entry.level === 50)).toHaveLength(1);
    expect(log.text()).not.toContain(token);
    expect(log.text()).not.toContain('To allow this address');
    await mailer.close();
  });
});

describe('outbox mailer', () => {
  it('reports kind outbox', () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(mailer.kind).toBe('outbox');
  });

  it('writes a parseable .eml file and returns its path', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
    const { message, link } = authorizationMessage();

    const sent = await mailer.send(message);
    const written = await readOutboxMessage(sent.file ?? '');

    expect(path.dirname(sent.file ?? '')).toBe(temporaryDir);
    expect(written.subject).toBe(message.subject);
    expect(written.to).toEqual([RECIPIENT]);
    expect(written.from).toBe('gatehouse@localhost');
    expect(written.messageId).toBe(sent.messageId);
    expect(extractLinks(written.text)).toEqual([link]);
  });

  it('returns an absolute path for a relative folder', async () => {
    const relativeDir = path.relative(process.cwd(), path.join(temporaryDir, 'outbox'));
    const mailer = createMailer({ from: FROM, outboxDir: relativeDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);

    expect(sent.file).toBe(path.join(temporaryDir, 'outbox', path.basename(sent.file ?? '')));
  });

  it('writes CRLF line endings', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);
    const raw = await readFile(sent.file ?? '', 'utf8');

    expect(raw).toContain('\r\n');
    expect(raw).not.toMatch(/[^\r]\n/);
  });

  it('names files by UTC time with a random suffix', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
    const before = new Date().toISOString().replace(/[-:]/g, '');

    const sent = await mailer.send(authorizationMessage().message);
    const name = path.basename(sent.file ?? '');
    const after = new Date().toISOString().replace(/[-:]/g, '');

    expect(name).toMatch(/^\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{12}\.eml$/);
    expect(name.slice(0, before.length) >= before).toBe(true);
    expect(name.slice(0, after.length) <= after).toBe(true);
  });

  it('writes two quick sends to two files', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const [first, second] = await Promise.all([
      mailer.send(authorizationMessage().message),
      mailer.send(authorizationMessage().message),
    ]);

    expect(first.file).not.toBe(second.file);
    expect((await readdir(temporaryDir)).filter((name) => name.endsWith('.eml'))).toHaveLength(2);
  });

  it('leaves no temporary files behind', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);

    expect(await readdir(temporaryDir)).toEqual([path.basename(sent.file ?? '')]);
  });

  it('creates a missing outbox folder', async () => {
    const outboxDir = path.join(temporaryDir, 'data', 'outbox');
    const mailer = createMailer({ from: FROM, outboxDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);

    expect(path.dirname(sent.file ?? '')).toBe(outboxDir);
  });

  it.skipIf(process.platform === 'win32')('makes files readable by the owner only', async () => {
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const sent = await mailer.send(authorizationMessage().message);

    expect((await stat(sent.file ?? '')).mode & 0o777).toBe(0o600);
  });

  it('logs mail_written with the file path', async () => {
    const log = captureLog();
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message } = authorizationMessage();

    const sent = await mailer.send(message);
    const entries = log.entries();

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 30, event: 'mail_written', to: RECIPIENT, subject: message.subject, file: sent.file });
  });

  it('keeps body and token out of the log', async () => {
    const log = captureLog();
    const mailer = createMailer({ from: FROM, outboxDir: temporaryDir, logger: log.logger });
    const { message, token } = authorizationMessage();

    await mailer.send(message);

    expect(log.text()).not.toContain(token);
    expect(log.text()).not.toContain('To allow this address');
  });

  it('rejects naming the folder when the path is a file', async () => {
    const log = captureLog();
    const outboxDir = path.join(temporaryDir, 'not-a-folder');
    await writeFile(outboxDir, '');
    const mailer = createMailer({ from: FROM, outboxDir, logger: log.logger });

    const sending = mailer.send(authorizationMessage().message);

    await expect(sending).rejects.toThrow(`Failed to write mail to the outbox folder ${outboxDir}`);
    expect(log.entries().filter((entry) => entry.level === 50)).toHaveLength(1);
  });
});

describe('mailer input checks', () => {
  function outboxMailer() {
    return createMailer({ from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });
  }

  it('rejects an SMTP URL with another scheme', () => {
    const create = () => createMailer({ smtpUrl: 'http://127.0.0.1:2525', from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(create).toThrow('the scheme must be smtp: or smtps:');
  });

  it('rejects an SMTP URL without a host', () => {
    const create = () => createMailer({ smtpUrl: 'smtp://', from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(create).toThrow('the host is missing');
  });

  it('rejects an unparsable SMTP URL without showing its password', () => {
    const create = () => createMailer({ smtpUrl: 'smtp://user:pw-secret@[bad', from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(create).toThrow('Invalid SMTP URL "smtp://***@[bad"');
  });

  it('rejects an SMTP URL that enables debug logging', () => {
    const smtpUrl = 'smtp://127.0.0.1:2525?debug=true&logger=true';
    const create = () => createMailer({ smtpUrl, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(create).toThrow('would log message bodies');
  });

  it('rejects a sender that is not one address', () => {
    const create = () => createMailer({ from: 'a@example.com, b@example.com', outboxDir: temporaryDir, logger: captureLog().logger });

    expect(create).toThrow('Invalid sender address');
  });

  it('uses the outbox for an empty SMTP URL', () => {
    const mailer = createMailer({ smtpUrl: '', from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    expect(mailer.kind).toBe('outbox');
  });

  it('rejects a missing outbox folder without SMTP', () => {
    const create = () => createMailer({ from: FROM, outboxDir: '', logger: captureLog().logger });

    expect(create).toThrow('Missing outbox folder');
  });

  it('rejects a recipient list', async () => {
    const sending = outboxMailer().send({ to: 'a@example.com, b@example.com', subject: 'Hi', text: 'x' });

    await expect(sending).rejects.toThrow('expected exactly one address');
    expect(await readdir(temporaryDir)).toEqual([]);
  });

  it('rejects a recipient with a line break', async () => {
    const sending = outboxMailer().send({ to: 'a@example.com\r\nBcc: b@example.com', subject: 'Hi', text: 'x' });

    await expect(sending).rejects.toThrow('contains a line break');
  });

  it('rejects a recipient without a domain', async () => {
    const sending = outboxMailer().send({ to: 'admin', subject: 'Hi', text: 'x' });

    await expect(sending).rejects.toThrow('Invalid recipient address');
  });

  it('rejects an empty recipient', async () => {
    const sending = outboxMailer().send({ to: ' ', subject: 'Hi', text: 'x' });

    await expect(sending).rejects.toThrow('Missing recipient address');
  });

  it('rejects a subject with a line break', async () => {
    const sending = outboxMailer().send({ to: RECIPIENT, subject: 'Hi\r\nBcc: b@example.com', text: 'x' });

    await expect(sending).rejects.toThrow('Invalid mail subject');
  });

  it('accepts a recipient with a display name', async () => {
    const sent = await outboxMailer().send({ to: 'Ada Admin <ada@example.com>', subject: 'Hi', text: 'x' });

    expect((await readOutboxMessage(sent.file ?? '')).to).toEqual(['ada@example.com']);
  });

  it('rejects a send after close', async () => {
    const mailer = outboxMailer();
    await mailer.close();

    await expect(mailer.send(authorizationMessage().message)).rejects.toThrow('The mailer is closed');
  });
});

describe('SMTP peer helpers', () => {
  it('extracts http and https links in order', () => {
    const text = 'Open https://example.com/a?x=1&y=2. Or http://127.0.0.1:3000/b, then stop.';

    expect(extractLinks(text)).toEqual(['https://example.com/a?x=1&y=2', 'http://127.0.0.1:3000/b']);
  });

  it('extracts no links from plain text', () => {
    expect(extractLinks('No link here, only ftp://example.com/file.')).toEqual([]);
  });

  it('waits for a message that arrives later', async () => {
    const peer = await startSmtpPeer();
    const mailer = createMailer({ smtpUrl: peer.url, from: FROM, outboxDir: temporaryDir, logger: captureLog().logger });

    const waiting = peer.waitForMessage((mail) => mail.subject === 'Second');
    await mailer.send({ to: RECIPIENT, subject: 'First', text: 'one' });
    await mailer.send({ to: RECIPIENT, subject: 'Second', text: 'two' });

    expect((await waiting).text.trimEnd()).toBe('two');
    await mailer.close();
    await peer.close();
  });

  it('rejects a wait that times out', async () => {
    const peer = await startSmtpPeer();

    const waiting = peer.waitForMessage(() => true, 50);

    await expect(waiting).rejects.toThrow('No matching message arrived');
    await peer.close();
  });

  it('rejects a pending wait when the peer closes', async () => {
    const peer = await startSmtpPeer();

    const waiting = peer.waitForMessage(() => true, 5_000);
    await peer.close();

    await expect(waiting).rejects.toThrow('closed before a matching message arrived');
  });
});
