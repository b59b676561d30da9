// Clerk's official Node Backend SDK, pointed at the Invitations API the test command started.
// Environment: INVITATIONS_API_URL (e.g. http://127.0.0.1:3000) and INVITATIONS_SECRET_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';

const apiUrl = process.env.INVITATIONS_API_URL;
const secretKey = process.env.INVITATIONS_SECRET_KEY;
assert.ok(apiUrl && secretKey, 'INVITATIONS_API_URL and INVITATIONS_SECRET_KEY must be set (the test command sets them)');

const clerk = createClerkClient({ secretKey, apiUrl });
const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const address = (name) => `${name}-${unique}@example.com`;

test('the SDK runs the whole invitation lifecycle', async () => {
  const admin = await clerk.users.createUser({ emailAddress: [address('admin')], firstName: 'Ada', lastName: 'Lovelace' });
  assert.match(admin.id, /^user_/);
  assert.equal(admin.primaryEmailAddress?.emailAddress, address('admin'));

  const org = await clerk.organizations.createOrganization({
    name: `Acme ${unique}`,
    createdBy: admin.id,
    maxAllowedMemberships: 10,
    publicMetadata: { plan: 'team' },
  });
  assert.match(org.id, /^org_/);
  assert.equal(org.maxAllowedMemberships, 10);
  assert.equal(org.membersCount, 1);

  const invitation = await clerk.organizations.createOrganizationInvitation({
    organizationId: org.id,
    emailAddress: address('grace'),
    role: 'org:member',
    inviterUserId: admin.id,
    publicMetadata: { team: 'core' },
    redirectUrl: 'https://app.example.com/welcome',
  });
  assert.match(invitation.id, /^orginv_/);
  assert.equal(invitation.emailAddress, address('grace'));
  assert.equal(invitation.role, 'org:member');
  assert.equal(invitation.roleName, 'Member');
  assert.equal(invitation.status, 'pending');
  assert.equal(invitation.organizationId, org.id);
  assert.deepEqual(invitation.publicMetadata, { team: 'core' });
  assert.ok(invitation.expiresAt > invitation.createdAt);

  const bulk = await clerk.organizations.createOrganizationInvitationBulk(org.id, [
    { emailAddress: address('alan'), role: 'org:member', inviterUserId: admin.id },
    { emailAddress: address('katherine'), role: 'org:admin', inviterUserId: admin.id },
  ]);
  assert.equal(bulk.data.length, 2);
  assert.deepEqual(bulk.data.map((i) => i.emailAddress), [address('alan'), address('katherine')]);

  const pending = await clerk.organizations.getOrganizationInvitationList({ organizationId: org.id, status: ['pending'], limit: 2 });
  assert.equal(pending.totalCount, 3);
  assert.equal(pending.data.length, 2);
  const second = await clerk.organizations.getOrganizationInvitationList({ organizationId: org.id, status: ['pending'], limit: 2, offset: 2 });
  assert.equal(second.data.length, 1);
  const seen = new Set([...pending.data, ...second.data].map((i) => i.id));
  assert.equal(seen.size, 3, 'offset pages do not overlap');

  const fetched = await clerk.organizations.getOrganizationInvitation({ organizationId: org.id, invitationId: invitation.id });
  assert.equal(fetched.id, invitation.id);
  assert.equal(fetched.status, 'pending');

  const revoked = await clerk.organizations.revokeOrganizationInvitation({
    organizationId: org.id,
    invitationId: invitation.id,
    requestingUserId: admin.id,
  });
  assert.equal(revoked.status, 'revoked');
  const afterRevoke = await clerk.organizations.getOrganizationInvitationList({ organizationId: org.id, status: ['revoked'] });
  assert.deepEqual(afterRevoke.data.map((i) => i.id), [invitation.id]);

  const memberships = await clerk.organizations.getOrganizationMembershipList({ organizationId: org.id });
  assert.equal(memberships.totalCount, 1);
  assert.equal(memberships.data[0].role, 'org:admin');
  assert.equal(memberships.data[0].organization.id, org.id);
  assert.equal(memberships.data[0].publicUserData?.userId, admin.id);
});

test('the SDK surfaces duplicate_record as its own API error', async () => {
  const org = await clerk.organizations.createOrganization({ name: `Dup ${unique}` });
  await clerk.organizations.createOrganizationInvitation({ organizationId: org.id, emailAddress: address('dup'), role: 'org:member' });
  await assert.rejects(
    clerk.organizations.createOrganizationInvitation({ organizationId: org.id, emailAddress: address('DUP').toUpperCase(), role: 'org:member' }),
    (err) => {
      assert.ok(isClerkAPIResponseError(err), `expected ClerkAPIResponseError, got ${err}`);
      assert.equal(err.status, 400);
      assert.equal(err.errors[0].code, 'duplicate_record');
      assert.ok(err.clerkTraceId, 'the trace id reaches the SDK');
      return true;
    },
  );
});

test('the SDK surfaces validation and not-found errors', async () => {
  const org = await clerk.organizations.createOrganization({ name: `Errors ${unique}` });
  await assert.rejects(
    clerk.organizations.createOrganizationInvitation({ organizationId: org.id, emailAddress: 'not-an-email', role: 'org:member' }),
    (err) => isClerkAPIResponseError(err) && err.status === 422 && err.errors[0].code === 'form_param_format_invalid',
  );
  await assert.rejects(
    clerk.organizations.getOrganizationInvitation({ organizationId: org.id, invitationId: 'orginv_000000000000000000000000000' }),
    (err) => isClerkAPIResponseError(err) && err.status === 404 && err.errors[0].code === 'resource_not_found',
  );
  const wrongKey = createClerkClient({ secretKey: 'sk_test_not_the_key_000000', apiUrl });
  await assert.rejects(
    wrongKey.organizations.getOrganization({ organizationId: org.id }),
    (err) => isClerkAPIResponseError(err) && err.status === 401 && err.errors[0].code === 'authentication_invalid',
  );
});
