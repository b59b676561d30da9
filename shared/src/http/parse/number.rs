//! The one rule for whole numbers, whether they come as JSON numbers or query-string text.

use std::ops::RangeInclusive;

use serde_json::Value;

use crate::domain::FieldError;

/// `n` (`None` when the input was not a whole number) checked against `range`.
pub fn whole_in_range(
    param: &str,
    n: Option<u64>,
    range: RangeInclusive<u32>,
) -> Result<u32, FieldError> {
    let n =
        n.ok_or_else(|| FieldError::format(param, format!("{param} must be a whole number.")))?;
    u32::try_from(n)
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            FieldError::value(
                param,
                format!(
                    "{param} must be between {} and {}.",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// A JSON number without a fraction (`3` and `3.0`), not negative.
pub fn from_json(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        value
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
            .map(|f| f as u64)
    })
}

/// Query-string digits, surrounding blanks ignored.
pub fn from_text(raw: &str) -> Option<u64> {
    raw.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_and_text_read_the_same_numbers() {
        for (value, text) in [(json!(7), "7"), (json!(7.0), " 7 "), (json!(0), "0")] {
            assert_eq!(from_json(&value), from_text(text));
        }
        for bad in [json!(-1), json!(1.5), json!("7"), json!(null)] {
            assert_eq!(from_json(&bad), None, "{bad}");
        }
        for bad in ["-1", "ten", "", "1.5"] {
            assert_eq!(from_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn out_of_range_and_not_a_number_are_told_apart() {
        use crate::domain::FieldErrorKind::*;
        assert_eq!(whole_in_range("limit", Some(5), 1..=10).unwrap(), 5);
        assert_eq!(
            whole_in_range("limit", Some(0), 1..=10).unwrap_err().kind,
            ValueInvalid
        );
        assert_eq!(
            whole_in_range("limit", Some(u64::MAX), 1..=10)
                .unwrap_err()
                .kind,
            ValueInvalid
        );
        assert_eq!(
            whole_in_range("limit", None, 1..=10).unwrap_err().kind,
            FormatInvalid
        );
    }
}
