import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface SentMail {
  messageId: string;
  /** Absolute path of the .eml file when the message went to the outbox. */
  file?: string;
}

export interface Mailer {
  /** Sends one message, or writes it to the outbox. Rejects with `MailDeliveryError` when that fails. */
  send(message: MailMessage): Promise<SentMail>;
  /** Releases the transport. Later sends reject. */
  close(): Promise<void>;
  readonly kind: 'smtp' | 'outbox';
}

export interface MailerOptions {
  /** `smtp://host:port` or `smtps://user:password@host:port`. Unset or empty selects the outbox. */
  smtpUrl?: string;
  /** Sender address, for example `Gatehouse <gatehouse@localhost>`. */
  from: string;
  /** Folder for .eml files when no SMTP URL is set. It is created on the first send. */
  outboxDir: string;
  logger: Logger;
}

/** A message that the SMTP server did not accept or that could not be written to the outbox. */
export class MailDeliveryError extends Error {
  readonly transport: 'smtp' | 'outbox';
  /** `host:port` of the SMTP server, or the outbox folder. */
  readonly target: string;
  /** Error code of the failed step, such as `ESOCKET`, `EAUTH` or `ENOTDIR`, when one is known. */
  readonly code: string | undefined;

  constructor(message: string, transport: 'smtp' | 'outbox', target: string, cause: unknown) {
    super(message, { cause });
    this.name = 'MailDeliveryError';
    this.transport = transport;
    this.target = target;
    this.code = errorCode(cause);
  }
}

// Sign-in waits for the authorization mail, so a server that does not respond
// must fail within seconds rather than after nodemailer's defaults (2 minutes
// to connect, 10 minutes of socket inactivity). Query parameters of the SMTP
// URL, such as `?connectionTimeout=30000`, override these values (nodemailer 10
// merges them over the options object).
const SMTP_CONNECTION_TIMEOUT_MS = 10_000;
const SMTP_GREETING_TIMEOUT_MS = 10_000;
const SMTP_SOCKET_TIMEOUT_MS = 30_000;

// These nodemailer options would write the SMTP traffic, message bodies
// included, to a logger. The bodies carry single-use tokens.
const FORBIDDEN_SMTP_URL_PARAMETERS = ['logger', 'debug', 'transactionLog'];

/**
 * Creates an SMTP mailer when `smtpUrl` is set, and an outbox mailer that
 * writes each message as an RFC 5322 .eml file under `outboxDir` otherwise.
 * Throws a TypeError on an invalid SMTP URL or sender address.
 */
export function createMailer(options: MailerOptions): Mailer {
  assertSingleAddress(options.from, 'sender address');

  // An empty SMTP URL counts as unset, so that `SMTP_URL=` in an environment file selects the outbox.
  if (options.smtpUrl !== undefined && options.smtpUrl.trim() !== '') {
    return createSmtpMailer(options.smtpUrl, options);
  }
  if (typeof options.outboxDir !== 'string' || options.outboxDir.trim() === '') {
    throw new TypeError('Missing outbox folder: set outboxDir when no SMTP URL is configured.');
  }
  return createOutboxMailer(path.resolve(options.outboxDir), options);
}

// ---------------------------------------------------------------------------
// SMTP

interface SmtpEndpoint {
  /** `host:port`, with brackets around an IPv6 address, for messages and logs. */
  target: string;
}

function createSmtpMailer(smtpUrl: string, options: MailerOptions): Mailer {
  const endpoint = parseSmtpUrl(smtpUrl);

  // Without `pool`, nodemailer opens a new connection for each message. That
  // suits rare authorization mail and keeps working after a server restart.
  const transport = nodemailer.createTransport({
    url: smtpUrl.trim(),
    connectionTimeout: SMTP_CONNECTION_TIMEOUT_MS,
    greetingTimeout: SMTP_GREETING_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    logger: false,
    debug: false,
  });
  const { logger } = options;
  let closed = false;

  return {
    kind: 'smtp',

    async send(message: MailMessage): Promise<SentMail> {
      assertOpen(closed);
      assertValidMessage(message);

      let messageId: string;
      try {
        const info = await transport.sendMail(composeMail(options.from, message));
        messageId = info.messageId;
      } catch (error) {
        const failure = new MailDeliveryError(
          `Failed to send mail through SMTP server ${endpoint.target}: ${errorMessage(error)}`,
          'smtp',
          endpoint.target,
          error,
        );
        logFailure(logger, message, failure);
        throw failure;
      }

      logger.info({ event: 'mail_sent', to: message.to, subject: message.subject, messageId }, 'Mail sent');
      return { messageId };
    },

    async close(): Promise<void> {
      closed = true;
      transport.close();
    },
  };
}

/** Parses the SMTP URL into its endpoint, so that a typo fails at startup instead of at the first sign-in. */
function parseSmtpUrl(smtpUrl: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(smtpUrl.trim());
  } catch {
    throw new TypeError(`Invalid SMTP URL "${redactUserInfo(smtpUrl)}": expected smtp://host:port or smtps://user:password@host:port.`);
  }

  const urlWithoutCredentials = `${url.protocol}//${url.host}`;
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new TypeError(`Invalid SMTP URL "${urlWithoutCredentials}": the scheme must be smtp: or smtps:.`);
  }
  if (url.hostname === '') {
    throw new TypeError(`Invalid SMTP URL "${urlWithoutCredentials}": the host is missing.`);
  }
  for (const name of FORBIDDEN_SMTP_URL_PARAMETERS) {
    if (url.searchParams.has(name)) {
      throw new TypeError(
        `Invalid SMTP URL "${urlWithoutCredentials}": the parameter "${name}" is not supported because it would log message bodies.`,
      );
    }
  }

  // nodemailer connects to port 587 for smtp: and 465 for smtps: when the URL has none.
  let port = url.port;
  if (port === '') {
    port = url.protocol === 'smtps:' ? '465' : '587';
  }
  return { target: `${url.hostname}:${port}` };
}

/** Replaces user name and password in a URL that `URL` could not parse. */
function redactUserInfo(value: string): string {
  return value.replace(/^([^:/]*:\/\/)[^/]*@/, '$1***@');
}

// ---------------------------------------------------------------------------
// Outbox

function createOutboxMailer(outboxDir: string, options: MailerOptions): Mailer {
  // The stream transport builds the same RFC 5322 message that SMTP would carry.
  // CRLF line endings make the file a valid message rather than a Unix text file.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const { logger } = options;
  let closed = false;

  return {
    kind: 'outbox',

    async send(message: MailMessage): Promise<SentMail> {
      assertOpen(closed);
      assertValidMessage(message);

      let messageId: string;
      let file: string;
      try {
        const info = await transport.sendMail(composeMail(options.from, message));
        messageId = info.messageId;
        file = await writeOutboxFile(outboxDir, toBuffer(info.message));
      } catch (error) {
        const failure = new MailDeliveryError(
          `Failed to write mail to the outbox folder ${outboxDir}: ${errorMessage(error)}`,
          'outbox',
          outboxDir,
          error,
        );
        logFailure(logger, message, failure);
        throw failure;
      }

      logger.info({ event: 'mail_written', to: message.to, subject: message.subject, file }, 'Mail written to the outbox');
      return { messageId, file };
    },

    async close(): Promise<void> {
      closed = true;
      transport.close();
    },
  };
}

/**
 * Writes the message under a name such as `20261204T195501.123Z-3f9c1a0b7e24.eml`,
 * so that a listing sorts by time. The file appears complete or not at all:
 * it is written under a dot-prefixed temporary name and then renamed.
 */
async function writeOutboxFile(outboxDir: string, content: Buffer): Promise<string> {
  // Owner-only modes because the messages carry single-use tokens. mkdir sets
  // the mode only on a folder that it creates.
  await mkdir(outboxDir, { recursive: true, mode: 0o700 });

  const name = `${formatOutboxTimestamp(new Date())}-${randomBytes(6).toString('hex')}.eml`;
  const file = path.join(outboxDir, name);
  const temporaryFile = path.join(outboxDir, `.${name}.tmp`);

  // 'wx' fails on an existing file, so a failed open leaves nothing of ours to remove.
  const handle = await open(temporaryFile, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryFile, file);
  } catch (error) {
    await rm(temporaryFile, { force: true });
    throw error;
  }
  return file;
}

/** Formats a time as ISO 8601 basic format in UTC with milliseconds: `20261204T195501.123Z`. */
function formatOutboxTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

function toBuffer(message: unknown): Buffer {
  if (Buffer.isBuffer(message)) {
    return message;
  }
  throw new Error('nodemailer returned a stream instead of a buffer for the outbox message.');
}

// ---------------------------------------------------------------------------
// Shared

function composeMail(from: string, message: MailMessage): SendMailOptions {
  const mail: SendMailOptions = { from, to: message.to, subject: message.subject, text: message.text };
  if (message.html !== undefined) {
    mail.html = message.html;
  }
  return mail;
}

/**
 * Logs a failure with the underlying error as `err`. The message already
 * contains the cause's text, and pino's error serializer would repeat it.
 */
function logFailure(logger: Logger, message: MailMessage, failure: MailDeliveryError): void {
  logger.error(
    { event: 'mail_failed', to: message.to, subject: message.subject, transport: failure.transport, target: failure.target, err: failure.cause },
    failure.message,
  );
}

function assertOpen(closed: boolean): void {
  if (closed) {
    throw new Error('The mailer is closed. Create a new one to send mail.');
  }
}

/** Rejects input that would change the message's headers or recipients beyond what the caller wrote. */
function assertValidMessage(message: MailMessage): void {
  assertSingleAddress(message.to, 'recipient address');
  if (typeof message.subject !== 'string' || /[\r\n]/.test(message.subject)) {
    throw new TypeError('Invalid mail subject: expected a single line of text.');
  }
  if (typeof message.text !== 'string') {
    throw new TypeError('Invalid mail text: expected a string.');
  }
  if (message.html !== undefined && typeof message.html !== 'string') {
    throw new TypeError('Invalid mail HTML: expected a string or undefined.');
  }
}

/**
 * Accepts one mailbox, such as `agent@example.com` or `Name <agent@example.com>`.
 * A list or a line break would let the value add recipients or headers.
 */
function assertSingleAddress(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Missing ${field}.`);
  }
  if (/[\r\n]/.test(value)) {
    throw new TypeError(`Invalid ${field} ${JSON.stringify(value)}: it contains a line break.`);
  }

  const addresses = addressparser(value);
  const first = addresses[0];
  const valid =
    addresses.length === 1 && first !== undefined && first.group === undefined && /^[^@\s]+@[^@\s]+$/.test(first.address);
  if (!valid) {
    throw new TypeError(`Invalid ${field} ${JSON.stringify(value)}: expected exactly one address such as agent@example.com.`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
