/**
 * The client address of a request: the socket peer, or, when the peer is a
 * trusted proxy, the first untrusted hop of the one forwarding header that
 * the operator configured.
 *
 * Every doubt resolves to undefined, so that the allowlist denies the request
 * (fail closed): an unparsable peer, and an empty, malformed, `unknown` or
 * obfuscated hop where the client should be.
 */

import { IpParseError, IpRangeSet, parseClientAddress, parseRangeInput } from '../ip/index.ts';
import type { IpAddress, RangeSetEntry } from '../ip/index.ts';

export type ForwardingHeader = 'x-forwarded-for' | 'forwarded';

export const FORWARDING_HEADERS: readonly ForwardingHeader[] = ['x-forwarded-for', 'forwarded'];

/** The compiled trusted proxy list and the header those proxies set. */
export interface ProxyTrust {
  /** The only forwarding header read. The other one is ignored, because a client could send it through untouched. */
  readonly header: ForwardingHeader;
  /** Trusted proxy ranges. Each value is the list entry as written, for log messages. */
  readonly proxies: IpRangeSet<string>;
}

/**
 * Compiles the trusted proxy list: comma-separated addresses, CIDRs or
 * `start-end` ranges, as one string or several. Whitespace around each entry
 * and empty entries are ignored, so an empty list trusts nothing.
 *
 * @throws IpParseError naming the invalid entry in `value`.
 * @throws TypeError when `header` is not a supported forwarding header.
 */
export function compileProxyTrust(list: string | readonly string[], header: ForwardingHeader = 'x-forwarded-for'): ProxyTrust {
  if (!FORWARDING_HEADERS.includes(header)) {
    throw new TypeError(`Invalid forwarding header ${JSON.stringify(header)}: use x-forwarded-for or forwarded.`);
  }

  const items = typeof list === 'string' ? [list] : list;
  const entries: RangeSetEntry<string>[] = [];
  for (const entry of items.flatMap((item) => item.split(','))) {
    const text = entry.trim();
    if (text === '') {
      continue;
    }
    try {
      entries.push({ ...parseRangeInput(text), value: text });
    } catch (error) {
      if (error instanceof IpParseError) {
        const message = `Invalid trusted proxy entry ${JSON.stringify(text)}. ${error.message}`;
        throw new IpParseError(error.code, message, text, 'input', { cause: error });
      }
      throw error;
    }
  }

  return { header, proxies: IpRangeSet.compile(entries) };
}

/**
 * Resolves the client address of a request.
 *
 * Returns the peer address (an IPv4-mapped peer such as `::ffff:127.0.0.1`
 * as IPv4) unless the peer is a trusted proxy. Then the configured header is
 * read, with all its lines joined in order, from right to left: trusted hops
 * are skipped and the first untrusted hop is the client. When every hop is
 * trusted, the leftmost is the client, and when a trusted peer sent no such
 * header, the peer itself is. Returns undefined when the peer is missing or
 * invalid, when the hop where the client should be is empty, malformed,
 * `unknown` or obfuscated, or when a `Forwarded` header does not follow the
 * RFC 7239 syntax.
 *
 * @param headers Request headers with lower-case names, as Node's
 *   `IncomingMessage.headers` has them.
 */
export function resolveClientAddress(
  peer: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  trust: ProxyTrust,
): IpAddress | undefined {
  if (peer === undefined) {
    return undefined;
  }
  const peerAddress = parseClientAddress(peer);
  if (peerAddress === undefined) {
    return undefined;
  }
  if (trust.proxies.find(peerAddress) === undefined) {
    return peerAddress;
  }

  const field = headers[trust.header];
  if (field === undefined || (Array.isArray(field) && field.length === 0)) {
    return peerAddress;
  }
  const fieldValue = typeof field === 'string' ? field : field.join(',');
  const hops = trust.header === 'forwarded' ? parseForwardedHops(fieldValue) : parseXForwardedForHops(fieldValue);
  if (hops === undefined) {
    return undefined;
  }

  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop === undefined) {
      return undefined;
    }
    if (trust.proxies.find(hop) === undefined) {
      return hop;
    }
  }
  return hops[0];
}

// ---------------------------------------------------------------------------
// X-Forwarded-For: comma-separated hops, each an address with an optional port
// ---------------------------------------------------------------------------

/** Splits an X-Forwarded-For value into hops, with undefined for each hop that is not an address. */
export function parseXForwardedForHops(fieldValue: string): (IpAddress | undefined)[] {
  return fieldValue.split(',').map((hop) => parseXForwardedForHop(trimOptionalWhitespace(hop)));
}

/**
 * Parses one X-Forwarded-For hop: an IPv4 address with an optional `:port`,
 * a bare IPv6 address, or an IPv6 address in brackets with an optional
 * `:port`. A bare IPv6 address cannot carry a port, because `::1:80` is
 * itself an IPv6 address.
 */
function parseXForwardedForHop(hop: string): IpAddress | undefined {
  if (hop.startsWith('[')) {
    return parseBracketedIpv6(hop, isPort);
  }

  const colon = hop.indexOf(':');
  const hasOneColon = colon >= 0 && hop.indexOf(':', colon + 1) < 0;
  if (hasOneColon) {
    // IPv6 text has at least two colons, so one colon separates an IPv4 address from its port.
    return isPort(hop.slice(colon + 1)) ? parseClientAddress(hop.slice(0, colon)) : undefined;
  }
  return parseClientAddress(hop);
}

/** Parses `[ipv6]` or `[ipv6]:port`. Brackets around IPv4 text are rejected, because URI syntax reserves them for IPv6. */
function parseBracketedIpv6(text: string, isValidPort: (port: string) => boolean): IpAddress | undefined {
  const close = text.indexOf(']');
  if (close < 0) {
    return undefined;
  }
  const inner = text.slice(1, close);
  const rest = text.slice(close + 1);
  if (rest !== '' && !(rest.startsWith(':') && isValidPort(rest.slice(1)))) {
    return undefined;
  }
  if (!inner.includes(':')) {
    return undefined;
  }
  return parseClientAddress(inner);
}

/** Tells whether the text is a decimal TCP port of 1 to 5 digits, at most 65535. */
function isPort(text: string): boolean {
  if (text.length === 0 || text.length > 5) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) {
      return false;
    }
  }
  return Number(text) <= 65535;
}

/** Tells whether the text is an RFC 7239 obfuscated identifier: "_" followed by letters, digits, ".", "_" or "-". */
function isObfuscatedIdentifier(text: string): boolean {
  return /^_[A-Za-z0-9._-]+$/.test(text);
}

function isPortOrObfuscatedPort(text: string): boolean {
  return isPort(text) || isObfuscatedIdentifier(text);
}

function trimOptionalWhitespace(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

// ---------------------------------------------------------------------------
// Forwarded (RFC 7239)
// ---------------------------------------------------------------------------

/**
 * Splits a Forwarded value into hops, one per forwarded-element, with the
 * address of its `for` parameter or undefined when it has none or the node
 * is not an address. Returns undefined when the value does not follow the
 * RFC 7239 syntax, because quoted strings may then hide where an element
 * ends, so the hops cannot be separated safely.
 *
 * Parameter names are case-insensitive. Optional whitespace is accepted
 * around `,` (the list syntax of RFC 9110) and, although RFC 7239 does not
 * allow it, around `;`, because some proxies write it.
 */
export function parseForwardedHops(fieldValue: string): (IpAddress | undefined)[] | undefined {
  const hops: (IpAddress | undefined)[] = [];
  const reader = new FieldReader(fieldValue);

  for (;;) {
    const element = readForwardedElement(reader);
    if (element === undefined) {
      return undefined;
    }
    const node = element.get('for');
    hops.push(node === undefined ? undefined : parseForwardedNode(node));

    reader.skipWhitespace();
    if (reader.atEnd()) {
      return hops;
    }
    if (!reader.consume(',')) {
      return undefined;
    }
  }
}

/** Reads one forwarded-element into a map of lower-case parameter names to values. Returns undefined on a syntax error. */
function readForwardedElement(reader: FieldReader): Map<string, string> | undefined {
  const parameters = new Map<string, string>();
  for (;;) {
    reader.skipWhitespace();
    const name = reader.readToken();
    if (name !== '') {
      if (!reader.consume('=')) {
        return undefined;
      }
      const value = reader.peek() === '"' ? reader.readQuotedString() : reader.readToken();
      if (value === undefined || value === '') {
        return undefined;
      }
      // A repeated parameter leaves open which value counts, so the element is rejected.
      const key = name.toLowerCase();
      if (parameters.has(key)) {
        return undefined;
      }
      parameters.set(key, value);
    }

    reader.skipWhitespace();
    if (!reader.consume(';')) {
      return parameters;
    }
  }
}

/**
 * Parses an RFC 7239 node: an IPv4 address or a bracketed IPv6 address, each
 * with an optional port or obfuscated port. `unknown` and obfuscated
 * identifiers (`_hidden`) return undefined, because they are not addresses.
 */
function parseForwardedNode(node: string): IpAddress | undefined {
  if (node.startsWith('[')) {
    return parseBracketedIpv6(node, isPortOrObfuscatedPort);
  }

  const colon = node.indexOf(':');
  const name = colon < 0 ? node : node.slice(0, colon);
  if (colon >= 0 && !isPortOrObfuscatedPort(node.slice(colon + 1))) {
    return undefined;
  }
  // Only IPv4 is allowed without brackets, and IPv4 text has no colon.
  if (name.includes(':')) {
    return undefined;
  }
  return parseClientAddress(name);
}

/** Reads tokens and quoted strings (RFC 9110 section 5.6) from a field value. */
class FieldReader {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text.charAt(this.position);
  }

  consume(character: string): boolean {
    if (this.text.charAt(this.position) !== character) {
      return false;
    }
    this.position++;
    return true;
  }

  skipWhitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') {
      this.position++;
    }
  }

  /** Reads a token of tchar characters; the result is empty when none is there. */
  readToken(): string {
    const start = this.position;
    while (this.position < this.text.length && isTokenCharacter(this.text.charCodeAt(this.position))) {
      this.position++;
    }
    return this.text.slice(start, this.position);
  }

  /** Reads a quoted string and returns its content with escapes removed, or undefined when it is malformed. */
  readQuotedString(): string | undefined {
    this.position++; // opening quote
    let content = '';
    while (this.position < this.text.length) {
      const code = this.text.charCodeAt(this.position);
      this.position++;
      if (code === 34) {
        return content;
      }
      if (code === 92) {
        if (this.position >= this.text.length) {
          return undefined;
        }
        const escaped = this.text.charCodeAt(this.position);
        if (!isQuotedPairCharacter(escaped)) {
          return undefined;
        }
        content += String.fromCharCode(escaped);
        this.position++;
      } else if (isQuotedTextCharacter(code)) {
        content += String.fromCharCode(code);
      } else {
        return undefined;
      }
    }
    return undefined;
  }
}

const TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

/** tchar of RFC 9110: letters, digits and !#$%&'*+-.^_`|~ */
function isTokenCharacter(code: number): boolean {
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
    return true;
  }
  return code > 0 && code < 128 && TOKEN_SYMBOLS.includes(String.fromCharCode(code));
}

/** qdtext of RFC 9110: tab, space and visible characters except `"` and `\`, plus obs-text. */
function isQuotedTextCharacter(code: number): boolean {
  return (
    code === 9 ||
    code === 32 ||
    code === 33 ||
    (code >= 35 && code <= 91) ||
    (code >= 93 && code <= 126) ||
    (code >= 128 && code <= 255)
  );
}

/** Characters allowed after `\` in a quoted-pair: tab, space, visible characters and obs-text. */
function isQuotedPairCharacter(code: number): boolean {
  return code === 9 || (code >= 32 && code <= 126) || (code >= 128 && code <= 255);
}
