import type { FastifyInstance } from 'fastify';
import type { Gatehouse } from '../../gatehouse.ts';

const tokenBody = {
  type: 'object',
  required: ['token'],
  additionalProperties: false,
  properties: { token: { type: 'string', maxLength: 200 } },
} as const;

/** Admin IP authorization by email: send the link, show what it authorizes, confirm it. */
export function registerIpAuthorizationRoutes(app: FastifyInstance, gatehouse: Gatehouse): void {
  const { ipAuthorizations } = gatehouse;

  app.post<{ Body: { ticket: string } }>(
    '/api/v1/ip-authorizations',
    { schema: { body: { type: 'object', required: ['ticket'], additionalProperties: false, properties: { ticket: { type: 'string', maxLength: 200 } } } } },
    async (request, reply) => {
      const sent = await ipAuthorizations.request(request.body.ticket);
      return reply.status(202).send(sent);
    },
  );

  app.get<{ Params: { token: string } }>('/api/v1/ip-authorizations/:token', async (request) => {
    return { authorization: await ipAuthorizations.describe(request.params.token) };
  });

  app.post<{ Body: { token: string } }>('/api/v1/ip-authorizations/confirm', { schema: { body: tokenBody } }, async (request) => {
    return ipAuthorizations.confirm(request.body.token, request.clientAddressText);
  });
}
