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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
