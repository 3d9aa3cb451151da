import { ApiProblem } from '../problem.js';
import { apiSchemas } from '../schemas.js';
import { claimDelivery } from '../webhooks/deliveries.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../webhooks/signature.js';
import { pathParam } from './params.js';
import { defineRoute } from './types.js';

/** `POST /v1/webhooks/:adapter`: a platform's signed notice that stones changed. */
export const receiveWebhook = defineRoute({
  method: 'post',
  path: '/v1/webhooks/:adapter',
  operationId: 'receiveWebhook',
  summary: 'A platform says stones changed',
  description: `Signed with the adapter's shared secret: ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">, ${TIMESTAMP_HEADER}: <epoch seconds>. Deliveries older than 5 minutes, and repeats of a delivery already taken in, are refused; a delivery whose ingestion failed is not remembered, so its identical re-delivery is taken in. Each named stone is read back from the platform and stored through the same ingestion as the change feeds.`,
  tag: 'webhooks',
  access: 'signed',
  pathParams: [pathParam('adapter', 'The adapter the notice comes from (gia, tracr, ...).')],
  requestBody: 'webhook-notice',
  responses: {
    200: { description: 'What became of each named stone.', schema: 'webhook-receipt' },
    404: { description: 'No adapter by that name takes webhooks.', schema: 'problem' },
    409: {
      description: 'A replay of a delivery already received, or one still being taken in.',
      schema: 'problem',
    },
    502: { description: 'A platform did not answer; re-deliver the same body.', schema: 'problem' },
    503: { description: 'Ingestion is not running in this process.', schema: 'problem' },
  },
  async handler({ services, metrics, req, body }) {
    const adapter = String(req.params.adapter);
    const secret = Object.hasOwn(services.webhookSecrets, adapter)
      ? services.webhookSecrets[adapter]
      : undefined;
    if (secret === undefined || !services.clients.has(adapter)) {
      throw new ApiProblem('not-found', `no adapter ${JSON.stringify(adapter)} takes webhooks here`);
    }
    const signature = req.get(SIGNATURE_HEADER);
    try {
      verifyWebhook({
        adapter,
        secret,
        signature,
        timestamp: req.get(TIMESTAMP_HEADER),
        rawBody: req.rawBody ?? Buffer.alloc(0),
        now: services.clock(),
      });
    } catch (error) {
      metrics.webhooks.inc({ platform: adapter, outcome: 'refused' });
      throw error;
    }
    if (!services.ingest)
      throw new ApiProblem('unavailable', 'webhook ingestion is not running in this process');
    // Checked only now: an unsigned caller learns nothing about what the body should look like.
    const problems = apiSchemas().check('webhook-notice', body);
    if (problems.length > 0)
      throw new ApiProblem(
        'invalid-request',
        problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; '),
        problems,
      );
    const { refs } = body as { refs: string[] };
    const delivery = await claimDelivery({
      redis: services.store.redis,
      prefix: services.store.keys.prefix,
      adapter,
      signature: signature as string,
    });
    let received;
    try {
      received = await services.ingest(adapter, refs, `webhook:${adapter}`);
    } catch (error) {
      // Nothing acknowledged: the sender's re-delivery of this very body must be taken in, not refused.
      await delivery.release();
      metrics.webhooks.inc({ platform: adapter, outcome: 'failed' });
      throw error;
    }
    await delivery.received();
    metrics.webhooks.inc({ platform: adapter, outcome: 'accepted' });
    return { status: 200, body: { received } };
  },
});
