// A peer's pending poll: oidc-provider (bench/peer-oidc-server.mjs) answering the device-code
// token request for codes it issued, from its in-memory adapter. Our direct poll is reported
// as a multiple of it.
//
// Its memory adapter is an LRU of 1,000 entries (a device code and its user code take two), so
// the pool stays at 400 codes and each is polled many times within 5 s. oidc-provider does not
// throttle polls per code (it never answers slow_down), so its answers stay authorization_pending;
// it also writes nothing on a poll, where auth records the poll time: both favour the peer.
import { DeviceCodePool } from '../fixtures.mjs';
import { measure } from '../load.mjs';

const PEER_POOL = 400;
const PEER_CLIENT_ID = 'bench-cli';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export default {
  id: 'peer-poll',
  title: 'pending poll, oidc-provider (peer)',
  target: { multipleOf: 'poll-direct', min: 2 },
  async run(ctx) {
    const peer = await ctx.startPeer({ PEER_CLIENT_ID });
    try {
      const pool = new DeviceCodePool();
      const issuance = await measure({
        url: peer.url,
        request: {
          method: 'POST',
          path: '/device/auth',
          headers: FORM,
          body: `client_id=${PEER_CLIENT_ID}`,
        },
        expect: { status: 200, body: '"device_code":"' },
        collect: {
          js: /"device_code":"([^"]+)"/,
          lua: '"device_code":"([^"]+)"',
          into: (code) => pool.add(code),
        },
        connections: 10,
        amount: PEER_POOL,
      });
      if (pool.size < PEER_POOL) {
        return {
          unavailable: `peer issued ${pool.size} of ${PEER_POOL} codes: ${JSON.stringify(issuance.unexpectedByKind)}`,
        };
      }
      const load = await measure({
        url: peer.url,
        request: {
          method: 'POST',
          path: '/token',
          headers: FORM,
          body: `grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=${PEER_CLIENT_ID}&device_code={code}`,
        },
        pool,
        expect: { status: 400, body: '"error":"authorization_pending"' },
        ...ctx.load,
      });
      return {
        load,
        details: { poolSize: pool.size, peer: 'oidc-provider 9.13.3, memory adapter' },
      };
    } finally {
      await peer.stop();
    }
  },
};
