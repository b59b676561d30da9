//! The Lambda side of events: a DynamoDB Streams batch in, batch item failures out; SNS
//! notifications of SES events in, delivery records out.

use std::collections::HashMap;

use aws_lambda_events::event::dynamodb::Event as StreamEvent;
use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

use super::{Change, ChangeRecord, Pipeline};
use crate::service::MailFeedback;
use crate::store::dynamodb::stream::change_from_images;

/// The batch's changes, and each change's sequence number (what a batch item failure names).
/// A record that cannot be read is handed back at once (it would fail every retry the same
/// way, and bisecting then isolates it for the failure destination).
pub fn changes_of(event: StreamEvent) -> (Vec<Change>, HashMap<String, String>, Vec<String>) {
    let mut changes = Vec::new();
    let mut sequence = HashMap::new();
    let mut unreadable = Vec::new();
    for record in event.records {
        let seq = record.change.sequence_number.clone().unwrap_or_default();
        let at = record
            .change
            .approximate_creation_date_time
            .timestamp_millis();
        let change = change_from_images(
            record.event_id.clone(),
            (at > 0).then_some(at),
            record.change.old_image.into(),
            record.change.new_image.into(),
        );
        match change {
            Ok(change) => {
                sequence.insert(change.id.clone(), seq);
                changes.push(change);
            }
            Err(e) => {
                tracing::error!(record = %record.event_id, error = %e, "unreadable stream record");
                unreadable.push(seq);
            }
        }
    }
    (changes, sequence, unreadable)
}

/// One batch: every change through the pipeline; what did not finish goes back by sequence
/// number, so the stream retries from the earliest of them.
pub async fn handle_stream(pipeline: &Pipeline, event: StreamEvent) -> DynamoDbEventResponse {
    let (changes, sequence, mut failed) = changes_of(event);
    let relevant = changes
        .iter()
        .filter(|c| !matches!(c.record, ChangeRecord::Other))
        .count();
    let outcome = pipeline.process(&changes).await;
    tracing::info!(
        records = changes.len(),
        relevant,
        events = outcome.events,
        delivered = outcome.delivered,
        dead_lettered = outcome.dead_lettered,
        failed = outcome.failed.len(),
        "stream batch"
    );
    failed.extend(
        outcome
            .failed
            .iter()
            .filter_map(|id| sequence.get(id).cloned()),
    );
    let mut response = DynamoDbEventResponse::default();
    for seq in failed {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(seq);
        response.batch_item_failures.push(failure);
    }
    response
}

/// What one SNS batch of SES events did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FeedbackReport {
    pub recorded: u32,
    pub ignored: u32,
}

/// Each SES event recorded on its invitation. A store failure fails the invocation (SNS
/// retries it); a message that is not an SES event is logged and skipped, as retrying cannot
/// mend it.
pub async fn handle_sns(
    recorder: &MailFeedback,
    event: SnsEvent,
) -> Result<FeedbackReport, crate::service::ServiceError> {
    let mut report = FeedbackReport::default();
    for record in event.records {
        match crate::mail::feedback::parse(&record.sns.message) {
            Ok(Some((message_id, feedback))) => {
                match recorder.record(&message_id, &feedback).await?.invitation {
                    Some(inv) => {
                        tracing::info!(invitation = %inv.id, ?feedback, "mail feedback recorded");
                        report.recorded += 1;
                    }
                    None => report.ignored += 1,
                }
            }
            Ok(None) => report.ignored += 1,
            Err(e) => {
                tracing::warn!(error = %e, "not an SES event; skipped");
                report.ignored += 1;
            }
        }
    }
    Ok(report)
}
