import { EventEmitter, once } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerSession } from 'smtp-server';

/** A message as a test reads it: parsed fields plus the raw RFC 5322 text. */
export interface ReceivedMail {
  /** Sender address: the SMTP envelope's MAIL FROM for the peer, the From header for an .eml file. */
  from: string;
  /** Recipient addresses: the SMTP envelope's RCPT TO for the peer, the To header for an .eml file. */
  to: string[];
  subject: string;
  /** Decoded text body, after quoted-printable or base64 decoding. */
  text: string;
  html?: string;
  /** Value of the Message-ID header, with angle brackets. */
  messageId?: string;
  raw: string;
}

export interface SmtpPeer {
  /** `smtp://127.0.0.1:PORT`, ready to pass as the mailer's SMTP URL. */
  url: string;
  port: number;
  /** Messages in the order they arrived. A message is here before the client gets the 250 reply. */
  messages: ReceivedMail[];
  /** Errors that the server emitted, such as a client that reset its connection. */
  errors: Error[];
  /**
   * Resolves with the first message, received before or after the call, that
   * matches `predicate`. Rejects after `timeoutMs` (5000 by default) or when the peer closes.
   */
  waitForMessage(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpPeerOptions {
  /**
   * Reply text for a permanent rejection (554) of every message after DATA,
   * as a server that refuses a message does. Rejected messages are not added to `messages`.
   */
  rejectMessages?: string;
}

const DEFAULT_WAIT_TIMEOUT_MS = 5_000;

/**
 * Starts an SMTP server on 127.0.0.1 with a free port. It accepts every
 * message without authentication or TLS and parses it with mailparser.
 */
export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const messages: ReceivedMail[] = [];
  const errors: Error[] = [];
  const events = new EventEmitter();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // A reverse DNS lookup of the client would query a resolver outside loopback.
    disableReverseLookup: true,
    logger: false,
    // nodemailer sends QUIT after each message, so close() waits at most 1 s for a connection still open.
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      receiveMessage(stream, session).then(
        (mail) => {
          if (options.rejectMessages !== undefined) {
            callback(Object.assign(new Error(options.rejectMessages), { responseCode: 554 }));
            return;
          }
          messages.push(mail);
          events.emit('message');
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  server.on('error', (error: Error) => errors.push(error));

  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  let closing: Promise<void> | undefined;

  function waitForMessage(
    predicate: (mail: ReceivedMail) => boolean = () => true,
    timeoutMs: number = DEFAULT_WAIT_TIMEOUT_MS,
  ): Promise<ReceivedMail> {
    const found = messages.find(predicate);
    if (found !== undefined) {
      return Promise.resolve(found);
    }

    return new Promise((resolve, reject) => {
      const onMessage = (): void => {
        const match = messages.find(predicate);
        if (match !== undefined) {
          stop();
          resolve(match);
        }
      };
      const onClose = (): void => {
        stop();
        reject(new Error(`The SMTP peer on port ${port} closed before a matching message arrived.`));
      };
      const timer = setTimeout(() => {
        stop();
        reject(
          new Error(`No matching message arrived at the SMTP peer on port ${port} within ${timeoutMs} ms (${messages.length} received).`),
        );
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        events.off('message', onMessage);
        events.off('close', onClose);
      };

      events.on('message', onMessage);
      events.on('close', onClose);
    });
  }

  function close(): Promise<void> {
    closing ??= new Promise((resolve) => {
      events.emit('close');
      server.close(() => resolve());
    });
    return closing;
  }

  return { url: `smtp://127.0.0.1:${port}`, port, messages, errors, waitForMessage, close };
}

/** Parses an .eml file, such as one from the outbox mailer, into the same shape as a received message. */
export async function readOutboxMessage(file: string): Promise<ReceivedMail> {
  const raw = await readFile(file);
  const parsed = await simpleParser(raw);
  return toReceivedMail(parsed, raw.toString('utf8'), {
    from: headerAddresses(parsed.from)[0] ?? '',
    to: headerAddresses(parsed.to),
  });
}

/**
 * Returns the http and https URLs in a text body, in order. Punctuation that
 * ends a sentence after a URL, such as a final period, is not part of it.
 */
export function extractLinks(text: string): string[] {
  const links: string[] = [];
  for (const match of text.matchAll(/https?:\/\/[^\s<>"'`]+/gi)) {
    links.push(match[0].replace(/[.,;:!?)\]]+$/, ''));
  }
  return links;
}

async function receiveMessage(stream: Readable, session: SMTPServerSession): Promise<ReceivedMail> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const parsed = await simpleParser(raw);

  const { mailFrom, rcptTo } = session.envelope;
  return toReceivedMail(parsed, raw.toString('utf8'), {
    from: mailFrom === false ? '' : mailFrom.address,
    to: rcptTo.map((recipient) => recipient.address),
  });
}

function toReceivedMail(parsed: ParsedMail, raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const mail: ReceivedMail = {
    from: envelope.from,
    to: envelope.to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    raw,
  };
  if (typeof parsed.html === 'string') {
    mail.html = parsed.html;
  }
  if (parsed.messageId !== undefined) {
    mail.messageId = parsed.messageId;
  }
  return mail;
}

/** Returns the addresses of an address header, with the members of groups in place of the groups. */
function headerAddresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const addresses: string[] = [];
  const collect = (entries: EmailAddress[]): void => {
    for (const entry of entries) {
      if (entry.group !== undefined) {
        collect(entry.group);
      } else if (entry.address !== undefined && entry.address !== '') {
        addresses.push(entry.address);
      }
    }
  };
  for (const object of objects) {
    collect(object.value);
  }
  return addresses;
}
