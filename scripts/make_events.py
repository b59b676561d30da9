"""Writes events/*.json: real API Gateway HTTP API (v2) payloads for each function.

The ids, keys and secrets match the test suite (shared/tests/lambda_events.rs and
shared/tests/common): the ticket is signed with the tests' ticket secret for the seeded
invitation and nonce, the session token with the tests' session secret. Run from the repo root:
python3 scripts/make_events.py
"""
import base64
import hashlib
import hmac
import json

TICKET_SECRET = b"test-ticket-secret-0123456789abcdef"
SESSION_SECRET = b"test-session-secret-0123456789abcdef"
T0_SECONDS = 1_790_000_000
NONCE = "fixtureNonce0000000000"
GRACE = "user_2vFixtureGraceHopper000000"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(claims: dict, secret: bytes) -> str:
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"

ORG="org_2vFixtureAcmeInc00000000000"
INV="orginv_2vFixtureGrace0000000000000"
ADMIN="user_2vFixtureAdaLovelace0000000"
KEY="sk_test_fixture_key_0123456789"
TICKET = hs256({"iss": "invitations", "aud": "invitations:ticket", "sub": INV, "org": ORG, "eml": "grace@example.com",
                "nonce": NONCE, "iat": T0_SECONDS, "exp": T0_SECONDS + 30 * 86400}, TICKET_SECRET)
# A session of the invitee, valid until 2100 (sessions are checked against the real clock).
SESSION = hs256({"sub": GRACE, "email": "grace@example.com", "email_verified": True, "iat": T0_SECONDS,
                 "exp": 4_102_444_800}, SESSION_SECRET)
print("nonce hash:", b64(hashlib.sha256(NONCE.encode()).digest()))
def event(method, path, route_path, query="", body=None, params=None, headers_extra=None, cookies=None):
    headers = {"accept": "application/json","content-length": str(len(body)) if body else "0",
        "host": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com","user-agent": "@clerk/backend@3.25.0",
        "x-amzn-trace-id": "Root=1-6745f2a0-3c5e1b7a9d2f4e6c8b0a1d3e","x-forwarded-for": "203.0.113.10",
        "x-forwarded-port": "443","x-forwarded-proto": "https","authorization": f"Bearer {KEY}"}
    if body: headers["content-type"] = "application/json"
    if headers_extra: headers.update(headers_extra)
    headers = {k: v for k, v in headers.items() if v is not None}
    ev = {"version": "2.0","routeKey": f"{method} {route_path}","rawPath": path,"rawQueryString": query,"headers": headers,
        "requestContext": {"accountId": "123456789012","apiId": "a1b2c3d4e5","domainName": "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "a1b2c3d4e5","http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10", "userAgent": headers["user-agent"]},
            "requestId": "CzvRUg2SoAMEVfA=","routeKey": f"{method} {route_path}","stage": "$default","time": "26/Nov/2026:18:00:00 +0000","timeEpoch": 1795716000000},
        "isBase64Encoded": False}
    if query:
        qs={}
        for part in query.split("&"):
            k,v=part.split("=",1); qs[k]= (qs[k]+","+v) if k in qs else v
        ev["queryStringParameters"]=qs
    if params: ev["pathParameters"]=params
    # HTTP API (v2) moves the Cookie header into this array.
    if cookies: ev["cookies"]=cookies
    if body is not None: ev["body"]=body
    return ev
fx = {
 "invite-create.json": event("POST", f"/v1/organizations/{ORG}/invitations", "/v1/organizations/{org}/invitations",
     body=json.dumps({"email_address":"margaret@example.com","role":"org:member","inviter_user_id":ADMIN,"public_metadata":{"team":"core"},"redirect_url":"https://app.example.com/welcome","expires_in_days":7}), params={"org":ORG}),
 "invite-bulk.json": event("POST", f"/v1/organizations/{ORG}/invitations/bulk", "/v1/organizations/{org}/invitations/bulk",
     body=json.dumps([{"email_address":"alan@example.com","role":"org:member"},{"email_address":"katherine@example.com","role":"org:admin","notify":False}]), params={"org":ORG}),
 "list-invitations.json": event("GET", f"/v1/organizations/{ORG}/invitations", "/v1/organizations/{org}/invitations",
     query="status=pending&status=expired&order_by=-created_at&limit=20", params={"org":ORG}),
 "list-get-invitation.json": event("GET", f"/v1/organizations/{ORG}/invitations/{INV}", "/v1/organizations/{org}/invitations/{inv}", params={"org":ORG,"inv":INV}),
 "revoke.json": event("POST", f"/v1/organizations/{ORG}/invitations/{INV}/revoke", "/v1/organizations/{org}/invitations/{inv}/revoke",
     body=json.dumps({"requesting_user_id":ADMIN}), params={"org":ORG,"inv":INV}),
 "ticket-verify-accept-link.json": event("GET", "/v1/tickets/accept", "/v1/tickets/accept", query=f"ticket={TICKET}",
     headers_extra={"accept":"text/html,application/xhtml+xml","user-agent":"Mozilla/5.0 (X11; Linux x86_64)","authorization":None}),
 "ticket-verify-accept-link-signed-in.json": event("GET", "/v1/tickets/accept", "/v1/tickets/accept", query=f"ticket={TICKET}",
     headers_extra={"accept":"text/html,application/xhtml+xml","user-agent":"Mozilla/5.0 (X11; Linux x86_64)","authorization":None},
     cookies=["theme=dark", f"__session={SESSION}"]),
 "ticket-verify-accept-post.json": event("POST", "/v1/tickets/accept", "/v1/tickets/accept",
     body=json.dumps({"ticket": TICKET}), headers_extra={"authorization": f"Bearer {SESSION}"}),
 "directory-create-organization.json": event("POST", "/v1/organizations", "/v1/organizations",
     body=json.dumps({"name":"Globex","created_by":ADMIN,"max_allowed_memberships":25})),
 "directory-list-memberships.json": event("GET", f"/v1/organizations/{ORG}/memberships", "/v1/organizations/{org}/memberships", query="limit=10&offset=0", params={"org":ORG}),
}
for name, ev in fx.items():
    with open(f"events/{name}","w") as f: json.dump(ev, f, indent=2); f.write("\n")
print(sorted(fx))
