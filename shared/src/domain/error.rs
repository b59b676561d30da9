use std::fmt;

/// Which of Clerk's form error codes a rejected field maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorKind {
    /// `form_param_missing`
    Missing,
    /// `form_param_format_invalid`: wrong type or unparsable value.
    FormatInvalid,
    /// `form_param_value_invalid`: well-formed but not allowed (unknown role, out of range).
    ValueInvalid,
}

/// A request field that was rejected, named as the caller sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub param: String,
    pub kind: FieldErrorKind,
    pub message: String,
}

impl FieldError {
    pub fn missing(param: impl Into<String>) -> Self {
        let param = param.into();
        Self {
            message: format!("{param} must be included."),
            param,
            kind: FieldErrorKind::Missing,
        }
    }

    pub fn format(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            kind: FieldErrorKind::FormatInvalid,
            message: message.into(),
        }
    }

    pub fn value(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            kind: FieldErrorKind::ValueInvalid,
            message: message.into(),
        }
    }

    /// The same error reported under a prefix, e.g. `[2].email_address` in a bulk request.
    pub fn within(mut self, prefix: &str) -> Self {
        self.param = format!("{prefix}.{}", self.param);
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for FieldError {}
