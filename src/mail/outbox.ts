import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface OutboxMessage {
  file: string;
  to: string;
  subject: string;
  date: string;
  text: string;
}

/** Decodes a quoted-printable body (RFC 2045 §6.7) as UTF-8. */
export function decodeQuotedPrintable(body: string): string {
  const unfolded = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < unfolded.length; index++) {
    const character = unfolded[index] as string;
    const hex = unfolded.slice(index + 1, index + 3);
    if (character === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(character, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeader(value: string): string {
  // Encoded words (RFC 2047) in Q or B encoding, as nodemailer writes non-ASCII subjects.
  return value.replace(/=\?utf-8\?([QqBb])\?([^?]*)\?=\s*/g, (_match, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

/** Parses a single-part text message as the outbox mailer writes it. */
export function parseOutboxMessage(file: string, raw: string): OutboxMessage {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  let text = body;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return {
    file,
    to: decodeHeader(headers.get('to') ?? ''),
    subject: decodeHeader(headers.get('subject') ?? ''),
    date: headers.get('date') ?? '',
    text: text.replace(/\r\n/g, '\n'),
  };
}

/** Reads the newest `limit` messages of an outbox folder, oldest first; an absent folder has none. */
export async function readOutbox(outboxDir: string, limit = Infinity): Promise<OutboxMessage[]> {
  let names: string[];
  try {
    names = (await readdir(outboxDir)).filter((name) => name.endsWith('.eml') && !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const selected = Number.isFinite(limit) ? names.slice(-limit) : names;
  return Promise.all(selected.map(async (name) => parseOutboxMessage(join(outboxDir, name), await readFile(join(outboxDir, name), 'utf8'))));
}
