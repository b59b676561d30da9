// @ts-check
/**
 * A browser client for the Invitations API: an ES module with no build step, whose calls read
 * like Clerk's (`organization.inviteMember({ emailAddress, role })`, `invitation.revoke()`).
 * It sends the `__session` cookie (`credentials: 'include'`) and JSON bodies, which is what the
 * API requires of a cookie-signed write; or a session token, when `getToken` is given.
 *
 *   import { createClient } from '/client/invitations.js';
 *   const client = createClient({ baseUrl: 'https://api.example.com' });
 *   const acme = client.organization('org_123');
 *   await acme.inviteMember({ emailAddress: 'new.person@example.com', role: 'org:member' });
 *   const { data } = await acme.getInvitations({ status: ['pending'] });
 *   await data[0].revoke();
 */

/**
 * @typedef {{ code: string, message: string, longMessage: string, meta: Record<string, unknown> }} ClerkErrorEntry
 * @typedef {{ id: string, emailAddress: string, role: string, roleName: string, status: string,
 *   organizationId: string, publicMetadata: Record<string, unknown>, url: string | null,
 *   expiresAt: number, createdAt: number, updatedAt: number,
 *   revoke: () => Promise<Invitation>, resend: () => Promise<Invitation> }} Invitation
 * @typedef {{ id: string, role: string, roleName: string,
 *   organization: { id: string, name: string, slug: string } }} Membership
 * @typedef {{ data: Invitation[], totalCount: number, nextCursor: string | null }} InvitationPage
 * @typedef {{ id: string, name: string, enrollmentMode: string, verified: boolean,
 *   totalPendingInvitations: number, totalPendingSuggestions: number }} OrganizationDomain
 * @typedef {{ id: string, status: string, organization: { id: string, name: string, slug: string } }} Suggestion
 * @typedef {{ id: string, status: string, userId: string, identifier: string, createdAt: number,
 *   accept: () => Promise<MembershipRequest>, reject: () => Promise<MembershipRequest> }} MembershipRequest
 * @typedef {{ id: string, role: string, status: string, maxUses: number, uses: number,
 *   lastUsedAt: number | null, allowedEmailDomains: string[], requiresApproval: boolean,
 *   expiresAt: number, createdAt: number, token: string | null, url: string | null,
 *   revoke: () => Promise<InvitationLink> }} InvitationLink
 * @typedef {{ organization: { id: string, name: string, slug: string }, role: string, roleName: string,
 *   requiresApproval: boolean, allowedEmailDomains: string[], expiresAt: number }} LinkPreview
 * @typedef {{ outcome: 'joined' | 'requested', organization: { id: string, name: string, slug: string },
 *   role: string, invitationId: string | null, membershipRequestId: string | null }} LinkRedemption
 */

/** An answer other than 2xx, in Clerk's shape: `errors[0].code` says why. */
export class InvitationsError extends Error {
  /**
   * @param {number} status
   * @param {ClerkErrorEntry[]} errors
   * @param {string | undefined} clerkTraceId
   * @param {number | undefined} retryAfter seconds, when the API says when to retry
   */
  constructor(status, errors, clerkTraceId, retryAfter) {
    super(errors[0]?.longMessage || errors[0]?.message || `HTTP ${status}`);
    this.name = 'InvitationsError';
    this.status = status;
    this.errors = errors;
    this.clerkTraceId = clerkTraceId;
    this.retryAfter = retryAfter;
  }

  /** The first error's code, e.g. `duplicate_record`. */
  get code() {
    return this.errors[0]?.code;
  }
}

/**
 * @param {{ baseUrl?: string, getToken?: () => Promise<string | null> }} [options]
 */
export function createClient(options = {}) {
  const baseUrl = (options.baseUrl || '').replace(/\/$/, '');

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function call(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = options.getToken ? await options.getToken() : null;
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      credentials: 'include',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const errors = (json?.errors || []).map((/** @type {any} */ e) => ({
        code: e.code,
        message: e.message,
        longMessage: e.long_message,
        meta: e.meta || {},
      }));
      const retry = Number(response.headers.get('retry-after')) || undefined;
      throw new InvitationsError(response.status, errors, json?.clerk_trace_id, retry);
    }
    return json;
  }

  /**
   * @param {any} raw
   * @returns {Invitation}
   */
  function invitation(raw) {
    const path = `/v1/organizations/${encodeURIComponent(raw.organization_id)}/invitations/${encodeURIComponent(raw.id)}`;
    return {
      id: raw.id,
      emailAddress: raw.email_address,
      role: raw.role,
      roleName: raw.role_name,
      status: raw.status,
      organizationId: raw.organization_id,
      publicMetadata: raw.public_metadata,
      url: raw.url ?? null,
      expiresAt: raw.expires_at,
      createdAt: raw.created_at,
      updatedAt: raw.updated_at,
      revoke: async () => invitation(await call('POST', `${path}/revoke`, {})),
      resend: async () => invitation(await call('POST', `${path}/resend`, {})),
    };
  }

  /**
   * @param {any} raw
   * @returns {Membership}
   */
  function membership(raw) {
    return {
      id: raw.id,
      role: raw.role,
      roleName: raw.role_name,
      organization: { id: raw.organization.id, name: raw.organization.name, slug: raw.organization.slug },
    };
  }

  /**
   * @param {any} raw
   * @returns {InvitationPage}
   */
  function page(raw) {
    return { data: raw.data.map(invitation), totalCount: raw.total_count, nextCursor: raw.next_cursor ?? null };
  }

  /**
   * @param {any} raw
   * @returns {OrganizationDomain}
   */
  function domain(raw) {
    return {
      id: raw.id, name: raw.name, enrollmentMode: raw.enrollment_mode,
      verified: raw.affiliation_verification?.status === 'verified' || raw.ownership_verification?.status === 'verified',
      totalPendingInvitations: raw.total_pending_invitations, totalPendingSuggestions: raw.total_pending_suggestions,
    };
  }

  /**
   * @param {any} raw
   * @returns {Suggestion}
   */
  function suggestion(raw) {
    const o = raw.public_organization_data;
    return { id: raw.id, status: raw.status, organization: { id: o.id, name: o.name, slug: o.slug } };
  }

  /**
   * @param {any} raw
   * @returns {MembershipRequest}
   */
  function request(raw) {
    const path = `/v1/organizations/${encodeURIComponent(raw.organization_id)}/membership_requests/${encodeURIComponent(raw.id)}`;
    return {
      id: raw.id, status: raw.status, userId: raw.public_user_data.user_id,
      identifier: raw.public_user_data.identifier, createdAt: raw.created_at,
      accept: async () => request(await call('POST', `${path}/accept`, {})),
      reject: async () => request(await call('POST', `${path}/reject`, {})),
    };
  }

  /**
   * @param {any} raw
   * @returns {InvitationLink}
   */
  function link(raw) {
    const path = `/v1/organizations/${encodeURIComponent(raw.organization_id)}/invitation_links/${encodeURIComponent(raw.id)}`;
    return {
      id: raw.id, role: raw.role, status: raw.status, maxUses: raw.max_uses, uses: raw.uses,
      lastUsedAt: raw.last_used_at, allowedEmailDomains: raw.allowed_email_domains,
      requiresApproval: raw.requires_approval, expiresAt: raw.expires_at, createdAt: raw.created_at,
      token: raw.token ?? null, url: raw.url ?? null,
      revoke: async () => link(await call('POST', `${path}/revoke`, {})),
    };
  }

  /** @param {any} o */
  function org(o) {
    return { id: o.id, name: o.name, slug: o.slug };
  }

  /** @param {string} organizationId @param {string} token */
  function joinPath(organizationId, token) {
    return `/v1/join/${encodeURIComponent(organizationId)}/${encodeURIComponent(token)}`;
  }

  /** @param {Record<string, string | number | string[] | undefined>} params */
  function query(params) {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) q.append(key, String(v));
    }
    const s = q.toString();
    return s ? `?${s}` : '';
  }

  return {
    /** @param {string} organizationId */
    organization(organizationId) {
      const orgPath = `/v1/organizations/${encodeURIComponent(organizationId)}`;
      const base = `${orgPath}/invitations`;
      return {
        /**
         * @param {{ emailAddress: string, role: string, redirectUrl?: string }} input
         * @returns {Promise<Invitation>}
         */
        async inviteMember({ emailAddress, role, redirectUrl }) {
          return invitation(
            await call('POST', base, { email_address: emailAddress, role, redirect_url: redirectUrl }),
          );
        },
        /**
         * @param {{ status?: string[], limit?: number, cursor?: string }} [params]
         * @returns {Promise<InvitationPage>}
         */
        async getInvitations(params = {}) {
          return page(await call('GET', `${base}${query(params)}`));
        },
        /**
         * Claims an email domain: verified at once when the signed-in admin's own address is
         * at it. `enrollmentMode`: `automatic_suggestion`, `automatic_invitation` or
         * `manual_invitation`.
         * @param {{ name: string, enrollmentMode?: string }} input
         * @returns {Promise<OrganizationDomain>}
         */
        async createDomain({ name, enrollmentMode }) {
          return domain(await call('POST', `${orgPath}/domains`, { name, enrollment_mode: enrollmentMode }));
        },
        /** @returns {Promise<OrganizationDomain[]>} */
        async getDomains() {
          return (await call('GET', `${orgPath}/domains`)).data.map(domain);
        },
        /**
         * @param {{ status?: string }} [params]
         * @returns {Promise<MembershipRequest[]>}
         */
        async getMembershipRequests(params = {}) {
          return (await call('GET', `${orgPath}/membership_requests${query(params)}`)).data.map(request);
        },
        /**
         * Makes a shareable link. Its `token` and `url` are in this answer only: the API keeps a
         * digest. Unset, a link has one use and lives 7 days.
         * @param {{ role?: string, maxUses?: number, expiresInDays?: number,
         *   allowedEmailDomains?: string[], requiresApproval?: boolean }} [input]
         * @returns {Promise<InvitationLink>}
         */
        async createInvitationLink(input = {}) {
          return link(await call('POST', `${orgPath}/invitation_links`, {
            role: input.role, max_uses: input.maxUses, expires_in_days: input.expiresInDays,
            allowed_email_domains: input.allowedEmailDomains, requires_approval: input.requiresApproval,
          }));
        },
        /**
         * @param {{ limit?: number, offset?: number }} [params]
         * @returns {Promise<InvitationLink[]>}
         */
        async getInvitationLinks(params = {}) {
          return (await call('GET', `${orgPath}/invitation_links${query(params)}`)).data.map(link);
        },
      };
    },

    /**
     * What a shareable link leads to, for anyone holding it (no session; nothing is used).
     * Refused with `invitation_link_expired`, `_revoked` or `_exhausted` when it admits no one.
     * @param {string} organizationId
     * @param {string} token
     * @returns {Promise<LinkPreview>}
     */
    async openInvitationLink(organizationId, token) {
      const raw = await call('GET', joinPath(organizationId, token));
      return {
        organization: org(raw.public_organization_data), role: raw.role, roleName: raw.role_name,
        requiresApproval: raw.requires_approval, allowedEmailDomains: raw.allowed_email_domains,
        expiresAt: raw.expires_at,
      };
    },

    /**
     * The signed-in person joins with the link (or, when it needs approval, asks to).
     * @param {string} organizationId
     * @param {string} token
     * @returns {Promise<LinkRedemption>}
     */
    async redeemInvitationLink(organizationId, token) {
      const raw = await call('POST', joinPath(organizationId, token), {});
      return {
        outcome: raw.outcome, organization: org(raw.public_organization_data), role: raw.role,
        invitationId: raw.organization_invitation_id,
        membershipRequestId: raw.organization_membership_request?.id ?? null,
      };
    },

    /**
     * Organizations the domains of the signed-in person's verified addresses suggest.
     * @returns {Promise<Suggestion[]>}
     */
    async mySuggestions() {
      return (await call('GET', '/v1/me/organization_suggestions')).data.map(suggestion);
    },

    /**
     * Requests to join the suggested organization: an admin accepts or rejects the request.
     * @param {string} id
     * @returns {Promise<Suggestion>}
     */
    async acceptSuggestion(id) {
      return suggestion(await call('POST', `/v1/me/organization_suggestions/${encodeURIComponent(id)}/accept`, {}));
    },

    /**
     * The signed-in invitee accepts with the ticket from the link (`__clerk_ticket`).
     * @param {string} ticket
     * @returns {Promise<Membership>}
     */
    async acceptTicket(ticket) {
      return membership(await call('POST', '/v1/tickets/accept', { ticket }));
    },

    /**
     * Whoever holds the link declines the invitation (no session needed). The answer says
     * only that it is declined: the invitation is its organization's business.
     * @param {string} ticket
     * @returns {Promise<'declined'>}
     */
    async declineTicket(ticket) {
      return (await call('POST', '/v1/tickets/decline', { ticket })).status;
    },

    /**
     * The signed-in person's invitations, across organizations.
     * @param {{ status?: string[], limit?: number, cursor?: string }} [params]
     * @returns {Promise<InvitationPage>}
     */
    async myInvitations(params = {}) {
      return page(await call('GET', `/v1/me/organization_invitations${query(params)}`));
    },
  };
}
