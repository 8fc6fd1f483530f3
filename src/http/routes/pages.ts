import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AuthorizationView } from '../../auth/ip-authorization.ts';
import { GatehouseError } from '../../errors.ts';
import type { Gatehouse } from '../../gatehouse.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const pageStyle = 'body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}dt{font-weight:600}button{font:inherit;padding:.5rem 1rem}';
const styleHash = createHash('sha256').update(pageStyle).digest('base64');

function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'sha256-" + styleHash + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · Gatehouse</title><style>${pageStyle}</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
}


function describeAuthorization(view: AuthorizationView): string {
  return `<dl><dt>IP address</dt><dd>${escapeHtml(view.address)}</dd><dt>Account</dt><dd>${escapeHtml(view.account.name)}</dd><dt>Requested by</dt><dd>${escapeHtml(view.admin.name)} (${escapeHtml(view.admin.email)})</dd><dt>Requested at</dt><dd>${escapeHtml(view.requestedAt)} (UTC)</dd><dt>Link expires at</dt><dd>${escapeHtml(view.expiresAt)} (UTC)</dd></dl>`;
}

function errorPage(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof GatehouseError)) throw error;
  const titles: Partial<Record<string, string>> = {
    AUTHORIZATION_EXPIRED: 'This link has expired',
    AUTHORIZATION_USED: 'This link has already been used',
    AUTHORIZATION_NOT_FOUND: 'This link is not valid',
  };
  const title = titles[error.code];
  if (!title) throw error;
  return sendPage(reply, error.status, title, `<p>${escapeHtml(error.message)}</p><p><a href="/">Go to sign-in</a></p>`);
}

/**
 * Server-rendered pages for the emailed authorization link. Opening the link
 * only shows what it would authorize; the address is added by the form's
 * POST, because mail scanners open links on their own.
 */
export function registerPageRoutes(app: FastifyInstance, gatehouse: Gatehouse): void {
  app.register(async (pages) => {
    // The confirm form posts url-encoded data; its body carries nothing that is read.
    pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, _body, done) => done(null, {}));

    pages.get<{ Params: { token: string } }>('/ip-authorizations/:token', async (request, reply) => {
      try {
        const view = await gatehouse.ipAuthorizations.describe(request.params.token);
        return sendPage(
          reply,
          200,
          'Authorize this IP address?',
          `<p>Confirming adds this address to the IP allowlist of the account, so that you can sign in from it.</p>${describeAuthorization(view)}<form method="post" action="/ip-authorizations/${escapeHtml(request.params.token)}/confirm"><button type="submit">Confirm and add ${escapeHtml(view.address)}</button></form>`,
        );
      } catch (error) {
        return errorPage(reply, error);
      }
    });

    pages.post<{ Params: { token: string } }>('/ip-authorizations/:token/confirm', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== 'null' && origin !== new URL(gatehouse.config.publicUrl).origin) {
        throw new GatehouseError('CSRF_REJECTED', undefined, { origin });
      }
      try {
        const { range } = await gatehouse.ipAuthorizations.confirm(request.params.token, request.clientAddressText);
        return sendPage(reply, 200, 'IP address authorized', `<p>${escapeHtml(range.start)} is now in the IP allowlist. You can sign in from it.</p><p><a href="/">Go to sign-in</a></p>`);
      } catch (error) {
        return errorPage(reply, error);
      }
    });
  });
}
