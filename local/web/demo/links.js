// Shareable links in the demo: the admin's card (make one, copy it, show its QR code, see its
// uses, revoke it) and the page a link opens (what it leads to; sign in or up; join or ask).
import { createClient } from '/client/invitations.js';

const client = createClient();
const $ = (id) => document.getElementById(id);

/** Link refusals in a sentence; `null` for anything else (the caller explains it). */
export function explainLink(error) {
  switch (error?.code) {
    case 'invitation_link_expired': return 'This invite link has expired. Ask for a new one.';
    case 'invitation_link_revoked': return 'This invite link was turned off by an admin.';
    case 'invitation_link_exhausted': return 'This invite link has been used as many times as it may be.';
    case 'invitation_link_email_domain_not_allowed': return 'This link is only for addresses at the domains it names.';
    case 'invitation_link_hourly_limit_reached': return 'Too many people joined with this link in the last hour. Try again later.';
    case 'invitation_link_redemption_limit_reached': return 'You have tried too many invite links in the last hour.';
    case 'invitation_link_role_not_allowed': return 'A link cannot make people admins here.';
    case 'invitation_links_not_enabled': return 'Invite links are turned off on this server.';
    case 'already_a_member_in_organization': return 'You are already a member.';
    default: return null;
  }
}

function describe(l) {
  const until = new Date(l.expiresAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const who = l.allowedEmailDomains.length ? ` · only @${l.allowedEmailDomains.join(', @')}` : '';
  const approval = l.requiresApproval ? ' · admin approves' : '';
  const state = l.status === 'active' ? `until ${until}` : l.status;
  return `${l.uses} of ${l.maxUses} uses · ${state}${who}${approval}`;
}

/** The admin's card: `ctx` has the organization id, `el`, `explain`, and `onChange`. */
export async function refreshLinks(ctx) {
  const acme = client.organization(ctx.organizationId);
  try {
    const links = await acme.getInvitationLinks({ limit: 5 });
    $('links').replaceChildren(...(links.length === 0
      ? [ctx.el('p', { class: 'empty' }, 'No invite links yet')]
      : links.map((l) => {
        const row = ctx.el('div', { class: 'row', 'data-link': l.id, 'data-status': l.status },
          ctx.el('div', {}, ctx.el('strong', {}, `${l.requiresApproval ? 'Request' : 'Join'} link`),
            ctx.el('div', { class: 'meta' }, describe(l))));
        if (l.status === 'active') {
          row.append(ctx.el('button', { class: 'small danger', type: 'button', onclick: async () => {
            try { await l.revoke(); await refreshLinks(ctx); } catch (e) { $('link-error').textContent = ctx.explain(e); }
          } }, 'Revoke'));
        }
        return row;
      })));
  } catch (e) {
    $('link-error').textContent = ctx.explain(e);
  }
}

async function drawQr(url) {
  const r = await fetch('/demo/qr', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: url }),
  });
  if (!r.ok) return;
  // Our own server's SVG, parsed as an image document, never run as markup of this page.
  const svg = new DOMParser().parseFromString(await r.text(), 'image/svg+xml').documentElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'QR code of the invite link');
  $('link-qr').replaceChildren(document.importNode(svg, true));
}

export async function makeLink(ctx, event) {
  event.preventDefault();
  $('link-error').textContent = '';
  const domains = $('link-domains').value.split(',').map((d) => d.trim()).filter(Boolean);
  try {
    const l = await client.organization(ctx.organizationId).createInvitationLink({
      maxUses: Number($('link-uses').value) || undefined,
      expiresInDays: Number($('link-days').value) || undefined,
      allowedEmailDomains: domains,
      requiresApproval: $('link-approval').checked,
    });
    $('link-made').hidden = false;
    $('link-url').value = l.url;
    $('link-copied').textContent = '';
    await Promise.all([drawQr(l.url), refreshLinks(ctx)]);
  } catch (e) {
    $('link-error').textContent = ctx.explain(e);
  }
}

export async function copyLink() {
  const url = $('link-url').value;
  try {
    await navigator.clipboard.writeText(url);
  } catch {
    $('link-url').select();
    document.execCommand('copy');
  }
  $('link-copied').textContent = 'Copied. Anyone with this link can use it until it runs out.';
}

/** The page a link opens: true when the address carries one. */
export function renderLinkLanding(ctx, params) {
  const organizationId = params.get('organization_id');
  const token = params.get('token');
  if (!organizationId || !token) { $('link-landing').hidden = true; return false; }
  $('link-landing').hidden = false;
  const title = $('link-title');
  const text = $('link-text');
  const actions = $('link-actions');
  const fail = (e) => { $('link-landing-error').textContent = explainLink(e) || ctx.explain(e); };
  client.openInvitationLink(organizationId, token).then((preview) => {
    const name = preview.organization.name;
    title.textContent = `Join ${name}`;
    const only = preview.allowedEmailDomains.length
      ? ` It is for addresses at ${preview.allowedEmailDomains.join(', ')}.` : '';
    text.textContent = preview.requiresApproval
      ? `${name} invites you to ask to join as ${preview.roleName}; an admin approves each request.${only}`
      : `${name} invites you to join as ${preview.roleName}.${only}`;
    const join = async () => {
      $('link-landing-error').textContent = '';
      try {
        const done = await client.redeemInvitationLink(organizationId, token);
        history.replaceState(null, '', '/');
        actions.replaceChildren();
        if (done.outcome === 'joined') {
          title.textContent = `Welcome to ${name}`;
          text.textContent = `You're now a member of ${name} as ${preview.roleName}.`;
        } else {
          title.textContent = 'Request sent';
          text.textContent = `An admin of ${name} will answer your request.`;
        }
      } catch (e) { fail(e); }
    };
    const email = ctx.el('input', { id: 'link-email', type: 'email', placeholder: 'you@company.com', autocomplete: 'email' });
    const signUp = ctx.el('form', { class: 'invite link-signin', novalidate: '' },
      ctx.el('label', {}, 'Your email address', email),
      ctx.el('button', { class: 'primary', type: 'submit' }, preview.requiresApproval ? `Ask to join ${name}` : `Join ${name}`));
    signUp.addEventListener('submit', async (event) => {
      event.preventDefault();
      const address = email.value.trim();
      if (!address) { $('link-landing-error').textContent = 'Enter your email address.'; return; }
      const who = await ctx.signInWithEmail(address);
      if (who) await join();
    });
    actions.replaceChildren(signUp);
  }, (e) => {
    title.textContent = 'This invite link does not work';
    text.textContent = '';
    actions.replaceChildren();
    fail(e);
  });
  return true;
}
