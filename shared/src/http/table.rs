//! What a route is: the columns of the one route table (`routes`). Each route is declared once,
//! with its method, path, the function that serves it, who may call it, its handler and its
//! OpenAPI operation; the routers, each function's route list, the OpenAPI document and the
//! template's cross-check are all read from that declaration.

use axum::routing::{MethodFilter, MethodRouter};

use super::openapi::builder::Op;
use super::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    GET,
    /// Declared for the template and the document only: axum answers `HEAD` with the path's
    /// `GET` handler (without its body), so the routers mount no handler of its own.
    HEAD,
    POST,
    PATCH,
    DELETE,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::GET => "GET",
            Verb::HEAD => "HEAD",
            Verb::POST => "POST",
            Verb::PATCH => "PATCH",
            Verb::DELETE => "DELETE",
        }
    }

    pub fn filter(self) -> MethodFilter {
        match self {
            Verb::GET => MethodFilter::GET,
            Verb::HEAD => MethodFilter::HEAD,
            Verb::POST => MethodFilter::POST,
            Verb::PATCH => MethodFilter::PATCH,
            Verb::DELETE => MethodFilter::DELETE,
        }
    }
}

/// The Lambda functions that serve HTTP, by their name in `functions/` and `template.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Function {
    Invite,
    List,
    Revoke,
    TicketVerify,
    Directory,
}

impl Function {
    pub const ALL: [Function; 5] = [
        Function::Invite,
        Function::List,
        Function::Revoke,
        Function::TicketVerify,
        Function::Directory,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Function::Invite => "invite",
            Function::List => "list",
            Function::Revoke => "revoke",
            Function::TicketVerify => "ticket-verify",
            Function::Directory => "directory",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// It signs tickets (creates and resends issue links).
    pub fn issues_tickets(self) -> bool {
        self == Function::Invite
    }

    /// It verifies tickets (the link, accept and decline).
    pub fn verifies_tickets(self) -> bool {
        self == Function::TicketVerify
    }

    /// It sends invitation email.
    pub fn sends_mail(self) -> bool {
        self == Function::Invite
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A backend holding a secret key.
    Backend,
    /// A backend, or a signed-in person acting as themselves.
    BackendOrSignedIn,
    /// A signed-in person.
    SignedIn,
    /// Whoever holds an invitation link (a session is used when one comes along).
    LinkHolder,
    /// Anyone.
    Anyone,
}

impl Audience {
    /// Whether a backend secret key is accepted.
    pub fn backend(self) -> bool {
        matches!(self, Audience::Backend | Audience::BackendOrSignedIn)
    }

    /// Whether a session is read.
    pub fn sessions(self) -> bool {
        matches!(
            self,
            Audience::BackendOrSignedIn | Audience::SignedIn | Audience::LinkHolder
        )
    }
}

/// One route.
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub function: Function,
    pub audience: Audience,
    /// The handler, served for `verb`.
    pub handler: fn(MethodFilter) -> MethodRouter<AppState>,
    /// Its operation in the OpenAPI document.
    pub operation: fn() -> Op,
}

/// Declares a route of the table: `route!(POST "/v1/…", Invite, Backend, handler, operation)`.
/// The handler may be given as `layered(handler, layer)` form by passing a closure instead.
macro_rules! route {
    ($verb:ident $path:expr, $function:ident, $audience:ident, handler = $handler:expr, $op:expr) => {
        $crate::http::table::Route {
            verb: $crate::http::table::Verb::$verb,
            path: $path,
            function: $crate::http::table::Function::$function,
            audience: $crate::http::table::Audience::$audience,
            handler: $handler,
            operation: || $op,
        }
    };
    ($verb:ident $path:expr, $function:ident, $audience:ident, $handler:path, $op:expr) => {
        route!($verb $path, $function, $audience,
            handler = |filter| axum::routing::on(filter, $handler), $op)
    };
}
pub(crate) use route;
