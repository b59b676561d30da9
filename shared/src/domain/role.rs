use serde::Deserialize;

use super::{FieldError, RoleKey};

pub const MANAGE_MEMBERSHIPS: &str = "org:sys_memberships:manage";
pub const READ_MEMBERSHIPS: &str = "org:sys_memberships:read";
pub const ADMIN: &str = "org:admin";
pub const MEMBER: &str = "org:member";

/// A role an organization member can hold, with the permissions it grants.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Role {
    pub key: RoleKey,
    pub name: String,
    pub permissions: Vec<String>,
}

/// The roles this deployment knows: Clerk's two defaults plus any configured custom roles.
#[derive(Debug, Clone)]
pub struct RoleCatalog {
    roles: Vec<Role>,
}

impl Default for RoleCatalog {
    fn default() -> Self {
        let admin_permissions = [
            "org:sys_profile:manage",
            "org:sys_profile:delete",
            MANAGE_MEMBERSHIPS,
            READ_MEMBERSHIPS,
            "org:sys_domains:manage",
            "org:sys_domains:read",
        ];
        Self {
            roles: vec![
                Role {
                    key: ADMIN.into(),
                    name: "Admin".into(),
                    permissions: admin_permissions.iter().map(|p| p.to_string()).collect(),
                },
                Role {
                    key: MEMBER.into(),
                    name: "Member".into(),
                    permissions: vec![READ_MEMBERSHIPS.into()],
                },
            ],
        }
    }
}

impl RoleCatalog {
    /// The defaults plus custom roles given as a JSON array of `{key, name, permissions}`.
    /// A custom role with a default's key replaces it.
    pub fn with_custom_roles_json(json: &str) -> Result<Self, String> {
        let custom: Vec<Role> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut catalog = Self::default();
        for role in custom {
            if !role.key.starts_with("org:") || role.key.len() < 5 {
                return Err(format!("role key {:?} must start with \"org:\"", role.key));
            }
            catalog.roles.retain(|r| r.key != role.key);
            catalog.roles.push(role);
        }
        Ok(catalog)
    }

    /// Resolves a role key as a caller sent it, accepting Clerk's legacy keys.
    pub fn parse(&self, param: &str, raw: &str) -> Result<&Role, FieldError> {
        let key = match raw {
            "admin" => ADMIN,
            "basic_member" => MEMBER,
            other => other,
        };
        self.get(key).ok_or_else(|| {
            let known: Vec<&str> = self.roles.iter().map(|r| r.key.as_str()).collect();
            FieldError::value(
                param,
                format!("{param} must be one of: {}.", known.join(", ")),
            )
        })
    }

    pub fn get(&self, key: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.key == key)
    }

    pub fn grants(&self, role_key: &str, permission: &str) -> bool {
        self.get(role_key)
            .is_some_and(|r| r.permissions.iter().any(|p| p == permission))
    }

    /// The display name of a stored role key; a role removed from config keeps its key as name.
    pub fn name_of(&self, role_key: &str) -> String {
        self.get(role_key)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| role_key.to_string())
    }

    /// The keys of every role that grants `permission`.
    /// Every role, system roles first.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.iter()
    }

    pub fn roles_granting(&self, permission: &str) -> Vec<RoleKey> {
        self.roles
            .iter()
            .filter(|r| r.permissions.iter().any(|p| p == permission))
            .map(|r| r.key.clone())
            .collect()
    }

    pub fn permissions_of(&self, role_key: &str) -> Vec<String> {
        self.get(role_key)
            .map(|r| r.permissions.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_keys_resolve_to_the_default_roles() {
        let catalog = RoleCatalog::default();
        assert_eq!(catalog.parse("role", "admin").unwrap().key, ADMIN);
        assert_eq!(catalog.parse("role", "basic_member").unwrap().key, MEMBER);
        assert!(catalog.parse("role", "org:owner").is_err());
    }

    #[test]
    fn only_admins_manage_memberships_by_default() {
        let catalog = RoleCatalog::default();
        assert!(catalog.grants(ADMIN, MANAGE_MEMBERSHIPS));
        assert!(!catalog.grants(MEMBER, MANAGE_MEMBERSHIPS));
        assert!(!catalog.grants("org:unknown", READ_MEMBERSHIPS));
    }

    #[test]
    fn custom_roles_come_from_config() {
        let catalog = RoleCatalog::with_custom_roles_json(
            r#"[{"key":"org:recruiter","name":"Recruiter","permissions":["org:sys_memberships:manage"]}]"#,
        )
        .unwrap();
        assert!(catalog.grants("org:recruiter", MANAGE_MEMBERSHIPS));
        assert_eq!(catalog.name_of("org:recruiter"), "Recruiter");
        assert!(RoleCatalog::with_custom_roles_json(
            r#"[{"key":"x","name":"X","permissions":[]}]"#
        )
        .is_err());
    }
}
