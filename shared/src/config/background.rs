//! The background functions that serve no route: the sweeper (expiry on time) and the bounces
//! function (SES's reports). Each reads its store and nothing else: no key, no address.

use super::{store, ConfigError, HoldsSecrets, Secret, StoreConfig, Vars};

#[derive(Debug, Clone)]
pub struct SweeperConfig {
    pub store: StoreConfig,
}

impl SweeperConfig {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            store: store(false, &Vars::new(lookup))?,
        })
    }
}

#[derive(Debug, Clone)]
pub struct BouncesConfig {
    pub store: StoreConfig,
}

impl BouncesConfig {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            store: store(false, &Vars::new(lookup))?,
        })
    }
}

impl HoldsSecrets for SweeperConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        Vec::new()
    }
}

impl HoldsSecrets for BouncesConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        Vec::new()
    }
}
