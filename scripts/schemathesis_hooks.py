"""Hooks for the schemathesis run in scripts/test.

Generated invitations name no inviter and no redirect target: a random user id is no member of
the organization (403) and a random URL is off the redirect allow-list (422), so nearly every
generated invitation would be refused and the stateful sequences (create, then get, resend,
revoke) would never start. Both refusals are tested elsewhere (tests/api).
"""
import schemathesis

UNREALISTIC = ("inviter_user_id", "redirect_url", "created_by")


def _realistic(item):
    if isinstance(item, dict):
        for field in UNREALISTIC:
            item.pop(field, None)
    return item


@schemathesis.hook
def map_body(ctx, body):
    path = ctx.operation.path
    if ctx.operation.method.upper() == "POST" and (
        path.endswith("/invitations") or path.endswith("/invitations/bulk") or path == "/v1/organizations"
    ):
        if isinstance(body, list):
            return [_realistic(item) for item in body]
        return _realistic(body)
    return body
