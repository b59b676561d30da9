// The seed's journey as a person makes it, in Debian's Chromium (headless), against the local
// server's demo (scripts/test starts it and names it in DEMO_URL). The last screenshot is the
// one in the README (docs/demo.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';
const screenshot = process.env.SCREENSHOT ?? '../../docs/demo.png';
const funnelShot = process.env.FUNNEL_SCREENSHOT ?? '../../docs/funnel.png';
const domainsShot = process.env.DOMAINS_SCREENSHOT ?? '../../docs/domains.png';
const linksShot = process.env.LINKS_SCREENSHOT ?? '../../docs/links.png';
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

async function signInAs(page, name) {
  await page.goto(base);
  // The page draws the people and who is signed in in one step, after it loads its config:
  // once the people exist, whether "Sign out" shows is settled.
  await page.locator('#people .person').first().waitFor({ state: 'attached' });
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.isVisible()) await signOut.click();
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

const pending = (page, email) => page.locator(`#pending .row[data-email="${email}"]`);

// Presses `button` until `done` shows. A refusal that says when to retry (the organization's
// cooldown for an address) disables the button until then: the next press waits for it.
async function pressUntil(page, button, done) {
  for (let attempt = 0; attempt < 5; attempt++) {
    await button.click();
    const refused = page.getByText(/Try again in \d+ s\./).first();
    // The loser of the race times out later: its rejection is caught, never unhandled.
    const outcome = await Promise.race([
      done.waitFor().then(() => 'done', () => 'timeout'),
      refused.waitFor().then(() => 'refused', () => 'timeout'),
    ]);
    if (outcome === 'timeout') break;
    if (outcome === 'done') return;
    await page.waitForFunction((b) => !b.disabled, await button.elementHandle());
  }
  assert.fail(`${await button.innerText()} never succeeded`);
}

test('an admin invites, resends and revokes; the invitee follows the email and joins', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const email = 'new.person@example.com';

  await signInAs(page, 'Ada Lovelace');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Role').selectOption('org:member');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText(`Invitation sent to ${email}.`).waitFor();
  await pending(page, email).waitFor();
  assert.match(await pending(page, email).innerText(), /Member · pending/);

  // The server this test starts keeps the organization's cooldown for an address at 1 s.
  await pressUntil(page, pending(page, email).getByRole('button', { name: 'Resend' }),
    page.getByText(`Sent the invitation to ${email} again.`));

  await pending(page, email).getByRole('button', { name: 'Revoke' }).click();
  await page.getByText('No pending invitations').waitFor();

  // Invited again; the invitee opens the newest email and follows its link.
  await page.getByLabel('Email address').fill(email);
  await pressUntil(page, page.getByRole('button', { name: 'Send invitation' }), pending(page, email));
  await page.locator('#emails .row').first().getByRole('button', { name: 'Open' }).click();
  const mail = page.frameLocator('#email-view');
  await mail.getByRole('link', { name: /accept|join/i }).first().click();

  await page.waitForURL(/__clerk_status=sign_up/);
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get('__clerk_status'), 'sign_up');
  assert.ok(landed.searchParams.get('__clerk_ticket'));
  await page.getByRole('button', { name: `Create account for ${email}` }).click();
  await page.getByText("You're now a member of Acme as Member.").waitFor();
  await page.getByText(`Signed in as ${email}`).waitFor();
  // The in-process pipeline turned the acceptance into events, as a webhook receiver gets them.
  const events = page.locator('#event-list');
  await events.locator('.row[data-type="organizationInvitation.accepted"]', { hasText: email }).waitFor();
  await events.locator('.row[data-type="organizationMembership.created"]', { hasText: email }).waitFor();
  await events.locator('.row[data-type="organizationInvitation.revoked"]', { hasText: email }).waitFor();
  await page.screenshot({ path: screenshot, fullPage: true });

  // The admin sees nothing pending: the invitation was accepted.
  await signInAs(page, 'Ada Lovelace');
  await page.getByText('No pending invitations').waitFor();

  // And the funnel, from the organization's counters: the revoked one and the accepted one
  // (at least: the server is shared with the other tests).
  const stage = (key) => page.locator(`#funnel .stage[data-stage="${key}"] .count`);
  await stage('accepted').waitFor();
  const count = async (key) => Number.parseInt(await stage(key).innerText(), 10);
  assert.ok(await count('accepted') >= 1, await stage('accepted').innerText());
  assert.ok(await count('revoked') >= 1, await stage('revoked').innerText());
  assert.ok(await count('invited') >= await count('accepted') + await count('revoked'));
  assert.match(await stage('accepted').innerText(), /\d+ \(\d+ %\)/);
  await page.locator('#funnel-card').screenshot({ path: funnelShot });
  await context.close();
});

test('a member (not an admin) is told, in place, that only admins invite', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signInAs(page, 'Grace Hopper');
  assert.equal(await page.locator('#funnel-card').isVisible(), false, 'the funnel is the admin view');
  await page.getByLabel('Email address').fill('friend@example.com');
  await page.keyboard.press('Enter');
  const refusal = page.locator('#invite-error');
  await refusal.getByText('Only admins of Acme can invite or manage members.').waitFor();
  assert.equal(await refusal.getAttribute('role'), 'alert');
  // At phone width the form stacks: the field and the button fit the screen.
  const box = await page.getByRole('button', { name: 'Send invitation' }).boundingBox();
  assert.ok(box && box.x + box.width <= 390, JSON.stringify(box));
  await context.close();
});

test('a bad address is refused in place, and the keyboard alone can invite', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'Ada Lovelace');
  await page.getByLabel('Email address').focus();
  await page.keyboard.type('not-an-address');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByText('Enter a valid email address, like name@company.com.').waitFor();
  await context.close();
});

test('an invitee who does not want to join declines from the link', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'Ada Lovelace');
  const email = 'not.interested@example.com';
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await pending(page, email).waitFor();
  await page.locator('#emails .row').first().getByRole('button', { name: 'Open' }).click();
  await page.frameLocator('#email-view').getByRole('link', { name: /accept|join/i }).first().click();
  await page.waitForURL(/__clerk_status=sign_up/);
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.getByText('You declined the invitation. Its link no longer works.').waitFor();
  await signInAs(page, 'Ada Lovelace');
  await page.getByText('No pending invitations').waitFor();
  await context.close();
});

test('an admin adds acme.test with suggestions; a newcomer there asks to join; the admin approves', async () => {
  const adminContext = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
  const admin = await adminContext.newPage();
  await signInAs(admin, 'Ada Lovelace');
  await admin.getByLabel('Domain', { exact: true }).fill('mailinator.com');
  await admin.getByRole('button', { name: 'Add domain' }).click();
  await admin.locator('#domain-error').getByText('That is a disposable email domain.').waitFor();
  await admin.getByLabel('Domain', { exact: true }).fill('acme.test');
  await admin.getByLabel('People at it').selectOption('automatic_suggestion');
  await admin.getByRole('button', { name: 'Add domain' }).click();
  const domain = admin.locator('#domains .row[data-domain="acme.test"]');
  await domain.waitFor();
  // Ada's own address is at acme.test: the domain is verified by it, no code needed.
  assert.match(await domain.innerText(), /Verified · people at it can request to join/);
  await admin.getByText('No requests to join').waitFor();

  const kenContext = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const ken = await kenContext.newPage();
  await signInAs(ken, 'Ken Thompson');
  await ken.getByText('You are not a member of any organization yet.').waitFor();
  const suggestion = ken.locator('#suggestions .row[data-suggestion="Acme"]');
  await suggestion.getByRole('button', { name: 'Request to join Acme' }).click();
  await suggestion.getByText('Request sent · an admin of Acme will answer').waitFor();

  await admin.reload();
  const request = admin.locator('#requests .row[data-request="ken@acme.test"]');
  await request.waitFor();
  assert.match(await domain.innerText(), /0 suggested/, 'the suggestion became a request');
  await admin.locator('#domains-card').screenshot({ path: domainsShot });
  await request.getByRole('button', { name: 'Approve' }).click();
  await admin.getByText('ken@acme.test joined Acme.').waitFor();
  await admin.getByText('No requests to join').waitFor();
  const events = admin.locator('#event-list');
  await events.locator('.row[data-type="organizationMembershipRequest.accepted"]').waitFor();
  await events.locator('.row[data-type="organizationDomain.created"]').waitFor();

  await ken.reload();
  await ken.getByText('You are a member of Acme.').waitFor();
  await suggestion.getByText('You joined').waitFor();
  await adminContext.close();
  await kenContext.close();
});

test('an admin makes an invite link (copy, QR); a new person opens it, signs up and joins; with approval, the admin approves', async () => {
  const adminContext = await browser.newContext({
    viewport: { width: 1100, height: 1000 }, permissions: ['clipboard-read', 'clipboard-write'],
  });
  const admin = await adminContext.newPage();
  await signInAs(admin, 'Ada Lovelace');
  await admin.getByLabel('Uses').fill('5');
  await admin.getByRole('button', { name: 'Create link' }).click();
  const url = admin.locator('#link-url');
  await url.waitFor();
  const link = await url.inputValue();
  assert.match(link, /\?organization_id=org_\w+&token=\w{59}$/);
  await admin.getByRole('button', { name: 'Copy', exact: true }).click();
  await admin.getByText('Copied.', { exact: false }).waitFor();
  assert.equal(await admin.evaluate(() => navigator.clipboard.readText()), link);
  await admin.locator('#link-qr svg').waitFor();
  const newest = admin.locator('#links .row').first();
  await newest.getByText(/0 of 5 uses · until/).waitFor();
  await admin.locator('#links-card').screenshot({ path: linksShot });

  // Someone new opens it: what it leads to, then their address, and they are in.
  const newContext = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const linus = await newContext.newPage();
  await linus.goto(link);
  await linus.getByText('Acme invites you to join as Member.').waitFor();
  await linus.getByLabel('Your email address').fill('linus@newco.test');
  await linus.getByRole('button', { name: 'Join Acme' }).click();
  await linus.getByText("You're now a member of Acme as Member.").waitFor();

  await admin.reload();
  await newest.getByText(/1 of 5 uses/).waitFor();
  const events = admin.locator('#event-list');
  await events.locator('.row[data-type="organizationInvitation.accepted"]').first().waitFor();
  await events.locator('.row[data-type="organizationInvitationLink.created"]').first().waitFor();

  // The same link again, by the same person: told, nothing used.
  await linus.goto(link);
  await linus.getByLabel('Your email address').fill('linus@newco.test');
  await linus.getByRole('button', { name: 'Join Acme' }).click();
  await linus.getByText('You are already a member.').waitFor();

  // With approval, the newcomer asks and the admin says yes.
  await admin.getByLabel('An admin approves each person').check();
  await admin.getByRole('button', { name: 'Create link' }).click();
  await admin.waitForFunction((old) => document.getElementById('link-url').value !== old, link);
  const asking = await url.inputValue();
  const margaretContext = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const margaret = await margaretContext.newPage();
  await margaret.goto(asking);
  await margaret.getByText(/an admin approves each request/).waitFor();
  await margaret.getByLabel('Your email address').fill('margaret@newco.test');
  await margaret.getByRole('button', { name: 'Ask to join Acme' }).click();
  await margaret.getByText('An admin of Acme will answer your request.').waitFor();

  await admin.reload();
  const request = admin.locator('#requests .row[data-request="margaret@newco.test"]');
  await request.getByRole('button', { name: 'Approve' }).click();
  await admin.getByText('margaret@newco.test joined Acme.').waitFor();

  // Revoked, the first link turns people away and names no one.
  // The token begins with the link's id.
  const first = admin.locator(`#links .row[data-link="orginvlnk_${link.split('token=')[1].slice(0, 27)}"]`);
  await first.getByRole('button', { name: 'Revoke' }).click();
  await admin.locator(`#links .row[data-status="revoked"][data-link="${await first.getAttribute('data-link')}"]`).waitFor();
  const late = await newContext.newPage();
  await late.goto(link);
  await late.getByText('This invite link was turned off by an admin.').waitFor();
  await adminContext.close();
  await newContext.close();
  await margaretContext.close();
});
