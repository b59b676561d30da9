use super::*;

#[test]
fn every_action_reads_back_and_each_question_has_its_own_partition() {
    for action in AuditAction::ALL {
        assert_eq!(AuditAction::parse(action.as_str()), Some(action));
    }
    let org = OrganizationId::new("org_1");
    let q = |action, actor: Option<&str>| AuditQuery {
        action,
        actor: actor.map(String::from),
        before: None,
        limit: 10,
    };
    let partitions = [
        q(None, None).partition(&org),
        q(Some(AuditAction::InvitationCreated), None).partition(&org),
        q(None, Some("user:u1")).partition(&org),
        q(Some(AuditAction::InvitationCreated), Some("user:u1")).partition(&org),
    ];
    let unique: std::collections::HashSet<_> = partitions.iter().collect();
    assert_eq!(unique.len(), 4);
    assert!(is_sort_key("1790000000000#audit_abc"));
    assert!(!is_sort_key("1790000000000"));
    assert!(!is_sort_key("179000000000x#audit_abc"));
    assert!(!is_sort_key("1790000000000#a\"b"));
}
