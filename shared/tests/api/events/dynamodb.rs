//! The same life on DynamoDB (moto): the table's stream records, fed to the events function's
//! handler as Lambda hands them over, make the same events.
