//! Who performs an operation, and what that lets them do. Authorization lives here, in the
//! service alone: the HTTP edge only says who is calling.

use super::{NewInvitation, Service, ServiceError};
use crate::domain::role::{MANAGE_MEMBERSHIPS, READ_MEMBERSHIPS};
use crate::domain::{FieldError, OrganizationId, UserId};
use crate::store::ActorRequirement;

/// The caller of an operation on an organization's invitations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A backend holding a secret key. It may name a user it acts on behalf of
    /// (`inviter_user_id`, `requesting_user_id`), whose stored role is then checked.
    Backend,
    /// A signed-in person acting as themselves: their stored membership decides, and they never
    /// see private metadata or delivery records.
    Member(UserId),
}

impl Actor {
    pub fn is_backend(&self) -> bool {
        matches!(self, Actor::Backend)
    }

    /// The user an operation acts as: a signed-in person themselves (naming anyone else is
    /// refused), or whomever a backend names (possibly no one).
    pub fn acting_user(&self, named: Option<&UserId>) -> Result<Option<UserId>, ServiceError> {
        match (self, named) {
            (Actor::Member(me), Some(named)) if named != me => Err(ServiceError::NotAllowed(
                "a signed-in user acts as themselves",
            )),
            (Actor::Member(me), _) => Ok(Some(me.clone())),
            (Actor::Backend, named) => Ok(named.cloned()),
        }
    }
}

impl Service {
    /// The acting user must hold a role that manages memberships; checked in the write itself,
    /// so a role changed a moment ago counts.
    pub(super) fn manager(&self, user_id: Option<UserId>) -> Option<ActorRequirement> {
        user_id.map(|user_id| ActorRequirement {
            user_id,
            roles: self.roles.roles_granting(MANAGE_MEMBERSHIPS),
        })
    }

    /// Whether `user_id` manages the organization's memberships now: a replayed answer to a
    /// signed-in person is given only then (their role may have changed since). One read.
    pub async fn still_manages(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<(), ServiceError> {
        self.authorize_manager(org_id, self.manager(Some(user_id.clone())).as_ref())
            .await
    }

    /// Before anything about an invitation is read for an acting user: their stored role must
    /// manage memberships, so that a refusal tells nothing about the invitation (whether it
    /// exists, its status). One read when a user acts, none otherwise; the write checks the role
    /// again.
    pub(super) async fn authorize_manager(
        &self,
        org_id: &OrganizationId,
        requirement: Option<&ActorRequirement>,
    ) -> Result<(), ServiceError> {
        let Some(requirement) = requirement else {
            return Ok(());
        };
        match self
            .store
            .get_membership(org_id, &requirement.user_id)
            .await?
        {
            Some(m) if requirement.roles.contains(&m.role) => Ok(()),
            _ => Err(ServiceError::NotAllowed(
                "the acting user cannot manage memberships",
            )),
        }
    }

    /// An invitation as `actor` may create it: a signed-in person invites as themselves and may
    /// set no metadata, public or private (as in Clerk, metadata is backend-writable only: the
    /// public metadata is copied onto the membership, and apps authorize on it).
    pub(super) fn invitation_by(
        &self,
        actor: &Actor,
        input: &NewInvitation,
    ) -> Result<NewInvitation, ServiceError> {
        let mut input = input.clone();
        if !actor.is_backend() {
            for (param, metadata) in [
                ("public_metadata", &input.public_metadata),
                ("private_metadata", &input.private_metadata),
            ] {
                if !metadata.as_map().is_empty() {
                    return Err(FieldError::value(
                        param,
                        format!("Only a backend may set {param}."),
                    )
                    .into());
                }
            }
        }
        input.inviter_user_id = actor
            .acting_user(input.inviter_user_id.as_ref())
            .map_err(|_| ServiceError::NotAllowed("a signed-in user invites as themselves"))?;
        Ok(input)
    }

    /// A signed-in person may read an organization's invitations as a member whose role grants
    /// `org:sys_memberships:read`; to anyone else the organization does not exist. Backends may
    /// always. One read for a member, none for a backend.
    pub async fn authorize_reader(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
    ) -> Result<(), ServiceError> {
        let Actor::Member(user_id) = actor else {
            return Ok(());
        };
        match self.store.get_membership(org_id, user_id).await? {
            None => Err(ServiceError::NotFound("organization")),
            Some(m) if self.roles.grants(&m.role, READ_MEMBERSHIPS) => Ok(()),
            Some(_) => Err(ServiceError::NotAllowed(
                "the signed-in user cannot read this organization's invitations",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_acts_as_themselves_and_a_backend_as_whom_it_names() {
        let me = UserId::from("user_me");
        let other = UserId::from("user_other");
        let member = Actor::Member(me.clone());
        assert_eq!(member.acting_user(None).unwrap(), Some(me.clone()));
        assert_eq!(member.acting_user(Some(&me)).unwrap(), Some(me.clone()));
        assert!(matches!(
            member.acting_user(Some(&other)),
            Err(ServiceError::NotAllowed(_))
        ));
        assert_eq!(Actor::Backend.acting_user(None).unwrap(), None);
        assert_eq!(
            Actor::Backend.acting_user(Some(&other)).unwrap(),
            Some(other)
        );
    }
}
