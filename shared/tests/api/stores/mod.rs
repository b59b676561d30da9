//! The stores themselves: the conformance suite both must pass, and DynamoDB on moto.

mod address_counts;
mod conformance;
mod dynamodb;
mod feedback;
mod list_cost;
mod lost_answers;
mod record_race;
mod retention;
mod units;
