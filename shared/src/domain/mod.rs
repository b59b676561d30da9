//! The vocabulary of organization invitations. Nothing here performs I/O or knows of HTTP or AWS.

pub mod audit;
pub mod delivery;
pub mod email;
pub mod error;
pub mod id;
pub mod invitation;
pub mod invitation_link;
pub mod limits;
pub mod listing;
pub mod membership;
pub mod membership_request;
pub mod metadata;
pub mod org_domain;
pub mod organization;
pub mod person_list;
pub mod redirect;
pub mod reminder;
pub mod reputation;
pub mod request;
pub mod role;
pub mod user;

pub use delivery::{Delivery, DeliveryStatus, MailFeedback};
pub use email::EmailAddress;
pub use error::{FieldError, FieldErrorKind};
pub use id::{DomainId, MembershipRequestId, OrganizationId, RoleKey, SuggestionId, UserId};
pub use invitation::{DeclineChannel, DomainOffer, Invitation, InvitationId, InvitationStatus};
pub use listing::{InvitationOrder, InvitationQuery, Page, PageRequest};
pub use membership::Membership;
pub use metadata::Metadata;
pub use organization::{Organization, PublicOrganizationData, SettledInvitations};
pub use redirect::RedirectPolicy;
pub use request::{RequestKey, RequestScope};
pub use role::{Role, RoleCatalog};
pub use user::{PublicUserData, User, UserEmail};
