#!/usr/bin/env node
// A peer to compare with: oidc-provider (node-oidc-provider, the certified OpenID provider for
// Node) with the device flow on, one public client, and its own in-memory adapter. The bench
// issues codes at its device authorization endpoint and polls its token endpoint with them,
// the same pending poll auth answers. Run as its own process, like the services:
//   PEER_PORT=0 PEER_CLIENT_ID=bench-cli node bench/peer-oidc-server.mjs
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import Provider from 'oidc-provider';

export function createPeer(issuer, clientId) {
  return new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'none',
      },
    ],
    features: { deviceFlow: { enabled: true }, devInteractions: { enabled: false } },
    // The lifetime auth gives its device codes.
    ttl: { DeviceCode: 900 },
    // Quiet, as the services run at LOG_LEVEL=warn.
    renderError: async (ctx, out) => {
      ctx.body = out;
    },
  });
}

async function main() {
  const server = http.createServer();
  await new Promise((resolve) =>
    server.listen(Number(process.env.PEER_PORT ?? 0), '127.0.0.1', resolve),
  );
  const { port } = server.address();
  const provider = createPeer(
    `http://127.0.0.1:${port}`,
    process.env.PEER_CLIENT_ID ?? 'bench-cli',
  );
  // Its routes plus the readiness probe the bench waits on.
  const callback = provider.callback();
  server.on('request', (request, response) => {
    if (request.url === '/health/ready') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    callback(request, response);
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => server.close(() => process.exit(0)));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
