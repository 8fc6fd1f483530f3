import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

/** Replaces the tokens of authorization links in a URL, so that logs never hold one. */
export function redactPath(url: string): string {
  return url.replace(/(\/ip-authorizations\/)(?!confirm(?:[/?#]|$))[^/?#]+/g, '$1[redacted]');
}

/**
 * Creates the JSON logger. Requests are logged with the method, the URL
 * (authorization tokens replaced) and the socket address; cookies,
 * authorization headers and passwords are never written.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'gatehouse' },
      serializers: {
        req: (request: { method?: string; url?: string; socket?: { remoteAddress?: string } }) => ({
          method: request.method,
          url: redactPath(request.url ?? ''),
          remoteAddress: request.socket?.remoteAddress,
        }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      },
      redact: {
        paths: ['password', '*.password', 'token', '*.token', 'ticket', '*.ticket', 'headers.cookie', 'headers.authorization', '*.headers.cookie', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
