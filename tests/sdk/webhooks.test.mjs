// Clerk's own webhook check (`verifyWebhook` from @clerk/backend/webhooks) over the deliveries
// the events function made from DynamoDB stream records on moto. The Rust test
// `events::dynamodb::a_life_on_dynamodb_streams_makes_clerks_events_signed_and_valid` writes
// them (with real timestamps) to target/webhook-deliveries.json; the test command runs it just
// before this file, inside the five minutes a signature stays fresh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { verifyWebhook } from '@clerk/backend/webhooks';

const file = process.env.WEBHOOK_DELIVERIES ?? new URL('../../target/webhook-deliveries.json', import.meta.url);
const { secret, deliveries } = JSON.parse(readFileSync(file, 'utf8'));

const request = (headers, body) =>
  new Request('https://app.example.com/webhooks/clerk', { method: 'POST', headers, body });

test('every delivery passes Clerk\'s verifyWebhook and reads as the event it carries', async () => {
  assert.ok(deliveries.length >= 10, `deliveries: ${deliveries.length}`);
  const types = new Set();
  for (const { headers, body } of deliveries) {
    const evt = await verifyWebhook(request(headers, body), { signingSecret: secret });
    const sent = JSON.parse(body);
    assert.equal(evt.type, sent.type);
    assert.equal(evt.object, 'event');
    assert.equal(evt.data.id, sent.data.id);
    types.add(evt.type);
  }
  for (const t of ['organizationInvitation.created', 'organizationInvitation.accepted',
    'organizationInvitation.revoked', 'organizationMembership.created']) {
    assert.ok(types.has(t), `${t} among ${[...types]}`);
  }
});

test('a changed body, another secret or another id is refused', async () => {
  const { headers, body } = deliveries[0];
  const tampered = body.replace('"object":"event"', '"object":"evil"');
  assert.notEqual(tampered, body);
  await assert.rejects(verifyWebhook(request(headers, tampered), { signingSecret: secret }));
  const other = 'whsec_' + Buffer.from('another-key-of-thirty-two-bytes!').toString('base64');
  await assert.rejects(verifyWebhook(request(headers, body), { signingSecret: other }));
  await assert.rejects(verifyWebhook(request({ ...headers, 'svix-id': 'evt_other' }, body), { signingSecret: secret }));
});
