use serde_json::{Map, Value};

use super::FieldError;

/// A metadata object (`public_metadata`, `private_metadata`), at most 8 KB serialized.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(transparent)]
pub struct Metadata(Map<String, Value>);

impl Metadata {
    pub const MAX_BYTES: usize = 8 * 1024;

    pub fn parse(param: &str, value: Value) -> Result<Self, FieldError> {
        match value {
            Value::Null => Ok(Self::default()),
            Value::Object(map) => {
                let size = serde_json::to_vec(&map)
                    .map(|v| v.len())
                    .unwrap_or(usize::MAX);
                if size > Self::MAX_BYTES {
                    return Err(FieldError::value(
                        param,
                        format!("{param} exceeds the maximum allowed size of 8KB ({size} bytes)."),
                    ));
                }
                Ok(Self(map))
            }
            _ => Err(FieldError::format(
                param,
                format!("{param} must be a JSON object."),
            )),
        }
    }

    /// Clerk's metadata update: `patch` is deep-merged into this one (nested objects merge
    /// too), a `null` value removes its key at any level; the result obeys the size limit.
    pub fn merged(&self, param: &str, patch: Value) -> Result<Self, FieldError> {
        let patch = match patch {
            Value::Null => return Ok(self.clone()),
            Value::Object(map) => map,
            _ => {
                return Err(FieldError::format(
                    param,
                    format!("{param} must be a JSON object."),
                ))
            }
        };
        let mut merged = self.0.clone();
        merge_into(&mut merged, patch);
        Self::parse(param, Value::Object(merged))
    }

    pub fn from_stored(map: Map<String, Value>) -> Self {
        Self(map)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

fn merge_into(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match (target.get_mut(&key), value) {
            (_, Value::Null) => {
                target.remove(&key);
            }
            (Some(Value::Object(existing)), Value::Object(nested)) => merge_into(existing, nested),
            (_, value) => {
                target.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_merges_deeply_and_null_removes() {
        let stored = Metadata::parse(
            "m",
            json!({"plan": "pro", "limits": {"seats": 5, "sso": true}, "old": 1}),
        )
        .unwrap();
        let merged = stored
            .merged(
                "m",
                json!({"limits": {"seats": 10, "sso": null}, "old": null, "new": [1]}),
            )
            .unwrap();
        assert_eq!(
            merged.to_value(),
            json!({"plan": "pro", "limits": {"seats": 10}, "new": [1]})
        );
        assert_eq!(stored.merged("m", Value::Null).unwrap(), stored);
        assert!(stored.merged("m", json!([1])).is_err());
        let huge = json!({ "k": "x".repeat(Metadata::MAX_BYTES) });
        assert!(stored.merged("m", huge).is_err());
    }

    #[test]
    fn accepts_an_object_up_to_eight_kilobytes() {
        // `{"k":""}` is 8 bytes of JSON around the filler.
        let filler = "x".repeat(Metadata::MAX_BYTES - 8);
        let at_limit = json!({ "k": filler });
        assert_eq!(
            serde_json::to_vec(&at_limit).unwrap().len(),
            Metadata::MAX_BYTES
        );
        assert!(Metadata::parse("public_metadata", at_limit).is_ok());
    }

    #[test]
    fn rejects_one_byte_over_the_limit_and_non_objects() {
        let over = json!({ "k": "x".repeat(Metadata::MAX_BYTES - 7) });
        assert!(Metadata::parse("public_metadata", over).is_err());
        for bad in [json!([1]), json!("s"), json!(3), json!(true)] {
            assert!(Metadata::parse("public_metadata", bad).is_err());
        }
    }

    #[test]
    fn null_means_empty() {
        assert_eq!(
            Metadata::parse("p", Value::Null).unwrap(),
            Metadata::default()
        );
    }
}
