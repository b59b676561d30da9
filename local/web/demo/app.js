// The demo: Clerk's InviteMember and InvitationList, the outbox, and the page an invitation
// link lands on, written against the browser client as an app would be.
import { createClient, InvitationsError } from '/client/invitations.js';
import { copyLink, explainLink, makeLink, refreshLinks, renderLinkLanding } from '/demo/links.js';

const client = createClient();
const $ = (id) => document.getElementById(id);
const state = { config: null, person: JSON.parse(localStorage.getItem('demo-person') || 'null') };

/** A readable sentence for an API refusal, shown where the person acted. */
function explain(error) {
  if (!(error instanceof InvitationsError)) return 'Something went wrong. Please try again.';
  const aboutLink = explainLink(error);
  if (aboutLink && error.code !== 'already_a_member_in_organization') return aboutLink;
  const wait = error.retryAfter ? ` Try again in ${error.retryAfter} s.` : '';
  switch (error.code) {
    case 'duplicate_record': return error.errors[0]?.meta?.param_name === 'name'
      ? 'Acme already has that domain.'
      : 'There is already a pending invitation for this address.';
    case 'already_a_member_in_organization': return 'That person is already a member of Acme.';
    case 'organization_membership_quota_exceeded': return 'Acme has no free seats left for another member.';
    case 'not_allowed_access': return 'Only admins of Acme can invite or manage members.';
    case 'form_param_missing':
    case 'form_param_format_invalid':
    case 'form_param_value_invalid':
      return error.errors[0]?.meta?.param_name === 'email_address'
        ? 'Enter a valid email address, like name@company.com.'
        : error.message;
    case 'resend_cooldown': return `This address was emailed moments ago.${wait}`;
    case 'recipient_email_limit_reached': return `This address has had all the invitation emails it may get today.${wait}`;
    case 'organization_email_limit_reached':
    case 'inviter_email_limit_reached': return `Too many invitations sent in the last hour.${wait}`;
    case 'organization_domain_common': return 'That is a public email provider: anyone can have an address there.';
    case 'organization_domain_blocked': return 'That is a disposable email domain.';
    case 'organization_domain_public_suffix': return 'Enter your own domain, like acme.com, not a public suffix.';
    case 'organization_domain_invalid': return 'Enter a domain name, like acme.com.';
    case 'organization_domain_verified_by_another_organization': return 'Another organization has verified that domain.';
    case 'organization_domain_quota_exceeded': return 'Acme has as many domains as it may have.';
    case 'organization_membership_request_already_pending': return 'Your request is already waiting for an admin.';
    case 'organization_membership_request_not_pending': return 'That request was already answered.';
    case 'ticket_revoked': return 'This invitation was revoked.';
    case 'ticket_already_accepted': return 'This invitation was already accepted.';
    case 'ticket_declined': return 'This invitation was declined.';
    case 'ticket_superseded': return 'A newer invitation email was sent: use its link.';
    case 'ticket_expired': return 'This invitation has expired. Ask for a new one.';
    default: return error.message;
  }
}

/** After a refusal that says when to retry, the buttons stay disabled until then. */
function holdOff(buttons, error) {
  if (!(error instanceof InvitationsError) || !error.retryAfter) return;
  for (const b of buttons) b.disabled = true;
  setTimeout(() => { for (const b of buttons) b.disabled = false; }, error.retryAfter * 1000);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

async function post(path, body) {
  const r = await fetch(path, {
    method: 'POST', credentials: 'include',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(await r.text());
  return r.json();
}

function remember(person) {
  state.person = person;
  if (person) localStorage.setItem('demo-person', JSON.stringify(person));
  else localStorage.removeItem('demo-person');
}

function renderWho() {
  const who = $('who');
  who.replaceChildren();
  if (!state.person) return;
  who.append(
    el('span', {}, 'Signed in as ', el('strong', {}, state.person.name),
      state.person.role ? el('span', { class: 'badge' }, state.person.role) : ''),
    el('button', { class: 'small', onclick: signOut }, 'Sign out'),
  );
}

async function signIn(person) {
  await post('/demo/session', { as: person.key });
  remember(person);
  render();
}

async function signOut() {
  await fetch('/demo/session', { method: 'DELETE', credentials: 'include' });
  remember(null);
  render();
}

function renderPeople() {
  const list = $('people');
  list.replaceChildren(...state.config.people.map((p) =>
    el('button', { class: 'person', type: 'button', onclick: () => signIn(p) },
      el('strong', {}, `${p.name}`), el('span', { class: 'muted' }, `${p.role} · ${p.email}`))));
}

async function refreshPending() {
  refreshFunnel();
  const list = $('pending');
  const acme = client.organization(state.config.organization_id);
  try {
    const { data } = await acme.getInvitations({ status: ['pending'] });
    if (data.length === 0) {
      list.replaceChildren(el('p', { class: 'empty' }, 'No pending invitations'));
      return;
    }
    list.replaceChildren(...data.map((inv) => {
      const error = el('span', { class: 'error', role: 'alert' });
      const buttons = el('div', { class: 'buttons' });
      const act = (fn, done) => async () => {
        error.textContent = '';
        try { await fn(); $('invite-notice').textContent = done; await Promise.all([refreshPending(), refreshOutbox()]); }
        catch (e) { error.textContent = explain(e); holdOff(buttons.querySelectorAll('button'), e); }
      };
      buttons.append(
        el('button', { class: 'small', type: 'button', onclick: act(() => inv.resend(), `Sent the invitation to ${inv.emailAddress} again.`) }, 'Resend'),
        el('button', { class: 'small danger', type: 'button', onclick: act(() => inv.revoke(), `Revoked the invitation to ${inv.emailAddress}.`) }, 'Revoke'));
      return el('div', { class: 'row', 'data-email': inv.emailAddress },
        el('div', {}, el('strong', {}, inv.emailAddress), el('div', { class: 'meta' }, `${inv.roleName} · pending`), error),
        buttons);
    }));
  } catch (e) {
    list.replaceChildren(el('p', { class: 'error', role: 'alert' }, explain(e)));
  }
}

const MODES = {
  automatic_suggestion: 'people at it can request to join',
  automatic_invitation: 'people at it are invited',
  manual_invitation: 'only by invitation',
};

// The admin's domains and the requests they bring in.
async function refreshDomains() {
  const card = $('domains-card');
  card.hidden = state.person?.key !== 'admin';
  if (card.hidden) return;
  const acme = client.organization(state.config.organization_id);
  try {
    const domains = await acme.getDomains();
    $('domains').replaceChildren(...(domains.length === 0
      ? [el('p', { class: 'empty' }, 'No domains yet')]
      : domains.map((d) => el('div', { class: 'row', 'data-domain': d.name },
        el('div', {}, el('strong', {}, d.name),
          el('div', { class: 'meta' }, `${d.verified ? 'Verified' : 'Not verified'} · ${MODES[d.enrollmentMode]}`)),
        el('span', { class: 'badge' }, `${d.totalPendingSuggestions} suggested`)))));
    const requests = await acme.getMembershipRequests({ status: 'pending' });
    $('requests').replaceChildren(...(requests.length === 0
      ? [el('p', { class: 'empty' }, 'No requests to join')]
      : requests.map((r) => {
        const error = el('span', { class: 'error', role: 'alert' });
        const answer = (fn, done) => async () => {
          error.textContent = '';
          try { await fn(); $('invite-notice').textContent = done; await refreshDomains(); }
          catch (e) { error.textContent = explain(e); }
        };
        return el('div', { class: 'row', 'data-request': r.identifier },
          el('div', {}, el('strong', {}, r.identifier), el('div', { class: 'meta' }, 'wants to join Acme'), error),
          el('div', { class: 'buttons' },
            el('button', { class: 'small primary', type: 'button', onclick: answer(() => r.accept(), `${r.identifier} joined Acme.`) }, 'Approve'),
            el('button', { class: 'small danger', type: 'button', onclick: answer(() => r.reject(), `Turned down ${r.identifier}'s request.`) }, 'Decline')));
      })));
  } catch (e) {
    $('domain-error').textContent = explain(e);
  }
}

async function addDomain(event) {
  event.preventDefault();
  $('domain-error').textContent = '';
  $('invite-notice').textContent = '';
  const name = $('domain-name').value.trim();
  try {
    const d = await client.organization(state.config.organization_id).createDomain({ name, enrollmentMode: $('domain-mode').value });
    $('invite-notice').textContent = `Added ${d.name}${d.verified ? ', verified by your address' : ''}.`;
    $('domain-name').value = '';
    await refreshDomains();
  } catch (e) {
    $('domain-error').textContent = explain(e);
  }
}

// The newcomer's side: their organizations, and what their address's domain suggests.
async function refreshJoin() {
  const r = await fetch('/demo/memberships', { credentials: 'include' });
  const mine = r.ok ? (await r.json()).organizations : [];
  $('join-orgs').textContent = mine.length === 0
    ? 'You are not a member of any organization yet.'
    : `You are a member of ${mine.map((o) => o.name).join(', ')}.`;
  $('join-error').textContent = '';
  try {
    const suggestions = await client.mySuggestions();
    $('suggestions').replaceChildren(...suggestions.map((s) => {
      const joined = mine.some((o) => o.id === s.organization.id);
      const row = el('div', { class: 'row', 'data-suggestion': s.organization.name },
        el('div', {}, el('strong', {}, s.organization.name),
          el('div', { class: 'meta' }, joined ? 'You joined'
            : s.status === 'accepted' ? `Request sent · an admin of ${s.organization.name} will answer`
              : `Your email address is at one of ${s.organization.name}'s domains`)));
      if (s.status === 'pending' && !joined) {
        row.append(el('button', { class: 'small primary', type: 'button', onclick: async () => {
          try { await client.acceptSuggestion(s.id); await refreshJoin(); }
          catch (e) { $('join-error').textContent = explain(e); }
        } }, `Request to join ${s.organization.name}`));
      }
      return row;
    }));
  } catch (e) {
    $('join-error').textContent = explain(e);
  }
}

const STAGES = [
  ['invited', 'Invited', 'all'],
  ['accepted', 'Accepted', 'good'],
  ['pending', 'Pending', 'wait'],
  ['declined', 'Declined', 'end'],
  ['revoked', 'Revoked', 'end'],
  ['expired', 'Expired', 'end'],
];

// The organization's funnel, from the counters the store keeps: each invitation counted
// once, where it is now. Admins only.
async function refreshFunnel() {
  const card = $('funnel-card');
  card.hidden = state.person?.key !== 'admin';
  if (card.hidden) return;
  const r = await fetch('/demo/funnel', { credentials: 'include' });
  if (!r.ok) return;
  const f = await r.json();
  const most = Math.max(f.invited, 1);
  $('funnel').replaceChildren(...STAGES.map(([key, label, kind]) => {
    const n = f[key];
    const share = key === 'invited' || f.invited === 0 ? '' : ` (${Math.round((100 * n) / f.invited)} %)`;
    return el('div', { class: 'stage', 'data-stage': key },
      el('span', { class: 'label' }, label),
      el('span', { class: 'track', 'aria-hidden': 'true' },
        ...(n > 0 ? [el('span', { class: `fill ${kind}`, style: `width: ${(100 * n) / most}%` })] : [])),
      el('span', { class: 'count' }, `${n}${share}`));
  }));
  const m = f.last_7_days;
  $('funnel-mail').textContent = `Last 7 days, as SES reported: ${m.delivered} delivered, ${m.bounced} bounced, ${m.complained} complaints (the local outbox reports none).`;
}

async function invite(event) {
  event.preventDefault();
  $('invite-error').textContent = '';
  $('invite-notice').textContent = '';
  const emailAddress = $('email').value.trim();
  try {
    await client.organization(state.config.organization_id).inviteMember({ emailAddress, role: $('role').value });
    $('invite-notice').textContent = `Invitation sent to ${emailAddress}.`;
    $('email').value = '';
    await Promise.all([refreshPending(), refreshOutbox()]);
  } catch (e) {
    $('invite-error').textContent = explain(e);
    holdOff([event.target.querySelector('button[type=submit]')], e);
  }
}

async function refreshOutbox() {
  const r = await fetch('/demo/outbox', { credentials: 'include' });
  const { emails } = await r.json();
  const list = $('emails');
  if (emails.length === 0) {
    list.replaceChildren(el('p', { class: 'empty' }, 'No emails yet.'));
    return;
  }
  list.replaceChildren(...emails.map((m) => el('div', { class: 'row' },
    el('div', {}, el('strong', {}, m.subject), el('div', { class: 'meta' }, `To ${m.to}`)),
    el('button', { class: 'small', type: 'button', onclick: () => openEmail(m) }, 'Open'))));
}

async function refreshEvents() {
  const r = await fetch('/demo/events', { credentials: 'include' });
  const { events } = await r.json();
  const list = $('event-list');
  if (events.length === 0) {
    list.replaceChildren(el('p', { class: 'empty' }, 'No events yet.'));
    return;
  }
  list.replaceChildren(...events.map((e) => el('div', { class: 'row', 'data-type': e.type },
    el('div', {}, el('strong', {}, e.type),
      el('div', { class: 'meta' }, `${e.about} · ${new Date(e.timestamp).toLocaleTimeString()}`)))));
}

function openEmail(m) {
  const view = $('email-view');
  // Links in the email open in this window, as they would from a mail client.
  view.setAttribute('sandbox', 'allow-top-navigation-by-user-activation');
  view.srcdoc = `<base target="_top">${m.html}`;
  view.hidden = false;
  view.focus();
}

/** What the ticket says about itself (read for display only; the API verifies it). */
function ticketClaims(ticket) {
  try {
    const payload = ticket.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload));
  } catch { return {}; }
}

function renderLanding(params) {
  const status = params.get('__clerk_status');
  const ticket = params.get('__clerk_ticket');
  if (!status) { $('landing').hidden = true; return false; }
  $('landing').hidden = false;
  const email = ticketClaims(ticket || '').eml || 'your address';
  const text = $('landing-text');
  const actions = $('landing-actions');
  actions.replaceChildren();
  const accept = (label) => el('button', { class: 'primary', type: 'button', onclick: async () => {
    $('landing-error').textContent = '';
    try {
      const who = await post('/demo/session', { email });
      const membership = await client.acceptTicket(ticket);
      remember({ key: 'invitee', name: email, email, role: `${membership.roleName} of ${membership.organization.name}`, user_id: who.user_id });
      history.replaceState(null, '', '/');
      $('landing-title').textContent = `Welcome to ${membership.organization.name}`;
      text.textContent = `You're now a member of ${membership.organization.name} as ${membership.roleName}.`;
      actions.replaceChildren();
      renderWho();
    } catch (e) {
      $('landing-error').textContent = explain(e);
    }
  } }, label);
  const decline = el('button', { type: 'button', onclick: async () => {
    $('landing-error').textContent = '';
    try {
      await client.declineTicket(ticket);
      history.replaceState(null, '', '/');
      $('landing-title').textContent = 'Invitation declined';
      text.textContent = 'You declined the invitation. Its link no longer works.';
      actions.replaceChildren();
    } catch (e) {
      $('landing-error').textContent = explain(e);
    }
  } }, 'Decline');
  if (status === 'sign_up') {
    text.textContent = `An invitation to join Acme was sent to ${email}. Create your account to accept it.`;
    actions.append(accept(`Create account for ${email}`), decline);
  } else if (status === 'sign_in') {
    text.textContent = `${email} already has an account. Sign in to accept the invitation.`;
    actions.append(accept(`Sign in as ${email}`), decline);
  } else if (status === 'complete') {
    $('landing-title').textContent = 'You joined the organization';
    text.textContent = 'The invitation is accepted: you are a member now.';
  } else {
    text.textContent = 'This link could not be read.';
  }
  return true;
}

/** The links card's needs: the organization, how to draw and explain. */
function linkContext() {
  return {
    organizationId: state.config.organization_id, el, explain,
    // As the app's identity provider would after its own sign-in or sign-up form.
    signInWithEmail: async (email) => {
      try {
        const who = await post('/demo/session', { email });
        remember({ key: 'invitee', name: email, email, role: '', user_id: who.user_id });
        renderWho();
        return who;
      } catch { $('link-landing-error').textContent = 'Could not sign you in.'; return null; }
    },
  };
}

function refreshLinksCard() {
  const card = $('links-card');
  card.hidden = state.person?.key !== 'admin';
  if (!card.hidden) refreshLinks(linkContext());
}

function render() {
  renderWho();
  const params = new URLSearchParams(location.search);
  const landing = renderLanding(params) || renderLinkLanding(linkContext(), params);
  const seeded = state.person && !['invitee', 'newcomer'].includes(state.person.key);
  $('signin').hidden = landing || Boolean(state.person);
  $('team').hidden = landing || !seeded;
  $('join').hidden = landing || state.person?.key !== 'newcomer';
  if (seeded && !landing) { refreshPending(); refreshDomains(); refreshLinksCard(); }
  if (!$('join').hidden) refreshJoin();
  refreshOutbox();
}

async function main() {
  state.config = await (await fetch('/demo/config')).json();
  $('role').replaceChildren(...state.config.roles.map((r) =>
    el('option', { value: r.key, ...(r.key === 'org:member' ? { selected: '' } : {}) }, r.name)));
  $('invite').addEventListener('submit', invite);
  $('domain-form').addEventListener('submit', addDomain);
  $('link-form').addEventListener('submit', (event) => makeLink(linkContext(), event));
  $('link-copy').addEventListener('click', copyLink);
  renderPeople();
  render();
  // Events are written a moment after each change, by the pipeline following the store.
  refreshEvents();
  setInterval(refreshEvents, 1500);
}

main();
