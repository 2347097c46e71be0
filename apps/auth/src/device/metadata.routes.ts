import type { FastifyInstance } from 'fastify';
import {
  authorizationServerMetadata,
  issuerOf,
  metadataPaths,
} from './authorization-server-metadata';

/**
 * RFC 8414 discovery, so generic OAuth clients find the device and token endpoints. Served as
 * plain Fastify routes because its paths follow the configured issuer (RFC 8414 §3.1's path
 * form).
 */
export function registerMetadataRoutes(fastify: FastifyInstance, consoleApiUrl: string): void {
  const issuer = issuerOf(consoleApiUrl);
  const document = JSON.stringify(authorizationServerMetadata(issuer));
  for (const path of metadataPaths(issuer)) {
    fastify.get(path, async (_request, reply) =>
      reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(document),
    );
  }
}
