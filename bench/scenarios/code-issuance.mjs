// (d) Device authorization requests at auth. The per-IP limit is raised out of the way for the
// bench, so this measures issuance (user-code claim, start script, the limiter's own round trip),
// not 429s. The codes it issues also seed the pool the pending polls rotate through.
import { codeRequest, collectCode, issued, probeIssuance } from '../device-codes.mjs';
import { measure } from '../load.mjs';

export default {
  id: 'code-issuance',
  title: 'code issuance, auth',
  target: { minRatio: 0.6 },
  async run(ctx) {
    const probe = await probeIssuance(ctx.urls.auth);
    if (!probe.ok) return { unavailable: probe.reason };
    const load = await measure({
      url: ctx.urls.auth,
      request: codeRequest,
      expect: issued,
      collect: collectCode(ctx.pools.auth),
      ...ctx.load,
    });
    return { load, details: { codesIssued: ctx.pools.auth.size } };
  },
};
