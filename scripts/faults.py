#!/usr/bin/env python3
"""The fault suite: the local server on DynamoDB (moto) behind a proxy that answers a share of
DynamoDB calls as AWS does under trouble, a concurrent workload that retries as a careful client
does, the server killed (SIGKILL) and restarted under load, then invariant checks from a direct
read of the table and of the outbox's record of every send.

    faults.py --bin target/debug/local --moto http://127.0.0.1:PORT [--seconds 70] [--clients 8]
              [--rate 0.15] [--kills 2] [--seed N] [--json FILE]

The proxy's faults, one per faulty call, drawn among those that fit the call:
  latency          100 to 800 ms before the call goes on
  throttle         400 ThrottlingException (not applied)
  error_500        500 InternalServerError (not applied)
  tx_throttled     TransactWriteItems cancelled with a ThrottlingError reason (not applied)
  partial_batch    BatchGetItem answers half its keys, the rest in UnprocessedKeys
  applied_lost     a write applied, then answered 500
  applied_dropped  a write applied, then the connection closed with no answer

The workload: clients create (fresh and existing users' addresses), bulk-create, resend, revoke,
accept (signed in, with the link), decline (with the link) and list, each write with its own
Idempotency-Key, retried with that key on a dropped connection, 5xx, 409 or 429. One in ten
creates and resends gives up at its first failure instead (a caller that does not retry): what
it asked for must still come out whole. After the load: faults off, every write sent once more
with its key (the answer must be the first one, replayed; a key that was left in flight must be
free), the sweeper's pass left to send what a stopped request queued, then the checks.

Exit status 1 when any check fails; the figures are printed either way.
"""

import argparse
import base64
import collections
import concurrent.futures
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
DDB = "com.amazonaws.dynamodb.v20120810#"
SESSION_SECRET = "faults-session-secret-0123456789abcdef"
TICKET_KEY = "faults-ticket-signing-key-0123456789abcdef"
BACKEND_KEY = "sk_test_faults_" + "0123456789abcdef"
# Longer than the service's own wait for a key in flight to go stale (30 s), so a key is only
# counted stuck when the service would never free it.
OP_DEADLINE_S = 120
REPLAY_DEADLINE_S = 60
DRAIN_DEADLINE_S = 120
# A second send of one email is the crash's when the process died this soon after the first
# (between the send and the write recording it): SES takes no idempotency key.
CRASH_WINDOW_S = 5


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --------------------------------------------------------------------------------------------
# The proxy


class Faults:
    """Which calls fail, and how; counts every call and every fault."""

    def __init__(self, upstream, rate, seed):
        parsed = urllib.parse.urlparse(upstream)
        self.host, self.port = parsed.hostname, parsed.port
        self.rate = rate
        self.enabled = False
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.calls = collections.Counter()
        self.faults = collections.Counter()

    def draw(self, op, request):
        with self.lock:
            self.calls[op] += 1
            if not self.enabled or self.rng.random() >= self.rate:
                return None, 0.0
            kinds = [("latency", 4), ("throttle", 3), ("error_500", 2)]
            if op == "TransactWriteItems":
                kinds.append(("tx_throttled", 2))
            if op == "BatchGetItem" and sum(len(t.get("Keys", [])) for t in request.get("RequestItems", {}).values()) >= 2:
                kinds.append(("partial_batch", 3))
            if op in WRITES:
                kinds += [("applied_lost", 3), ("applied_dropped", 3)]
            total = sum(w for _, w in kinds)
            pick = self.rng.uniform(0, total)
            for kind, weight in kinds:
                pick -= weight
                if pick <= 0:
                    break
            self.faults[kind] += 1
            return kind, self.rng.uniform(0.1, 0.8)


class QuietServer(ThreadingHTTPServer):
    # A client that went away mid-answer (the server killed, a dropped call) is expected here.
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass


def make_handler(faults):
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def forward(self, body):
            conn = http.client.HTTPConnection(faults.host, faults.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "content-length")}
            conn.request(self.command, self.path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() in ("content-type", "x-amz-crc32", "x-amzn-requestid")}
            conn.close()
            return response.status, kept, data

        def reply(self, status, headers, data):
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, payload):
            self.reply(status, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(payload).encode())

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            op = self.headers.get("X-Amz-Target", "other").split(".")[-1]
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                request = {}
            kind, delay = faults.draw(op, request)
            if kind == "latency":
                time.sleep(delay)
            if kind == "throttle":
                return self.error(400, {"__type": DDB + "ThrottlingException", "message": "Rate of requests exceeds the allowed throughput."})
            if kind == "error_500":
                return self.error(500, {"__type": DDB + "InternalServerError", "message": "Internal server error"})
            if kind == "tx_throttled":
                n = len(request.get("TransactItems", []))
                reasons = [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity of your table or index."}]
                reasons += [{"Code": "None"}] * max(n - 1, 0)
                return self.error(400, {
                    "__type": DDB + "TransactionCanceledException",
                    "Message": "Transaction cancelled, please refer cancellation reasons for specific reasons [ThrottlingError]",
                    "CancellationReasons": reasons,
                })
            if kind == "partial_batch":
                return self.partial_batch(request)
            status, headers, data = self.forward(body)
            if kind == "applied_lost":
                return self.error(500, {"__type": DDB + "InternalServerError", "message": "Internal server error"})
            if kind == "applied_dropped":
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return None
            return self.reply(status, headers, data)

        def partial_batch(self, request):
            unprocessed = {}
            for table, spec in request.get("RequestItems", {}).items():
                keys = spec.get("Keys", [])
                if len(keys) >= 2:
                    half = len(keys) // 2
                    spec["Keys"] = keys[:half]
                    unprocessed[table] = {**spec, "Keys": keys[half:]}
            status, headers, data = self.forward(json.dumps(request).encode())
            if status == 200:
                answer = json.loads(data)
                answer["UnprocessedKeys"] = unprocessed
                data = json.dumps(answer).encode()
                headers["x-amz-crc32"] = str(zlib.crc32(data) & 0xFFFFFFFF)
            return self.reply(status, headers, data)

    return Proxy


# --------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, binary, env, port, log_path):
        self.binary, self.env, self.port, self.log_path = binary, env, port, log_path
        self.proc = None
        self.kills = []
        open(log_path, "w").close()

    def start(self):
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.binary], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start; see {self.log_path}")

    def kill9(self):
        self.kills.append(time.time())
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# --------------------------------------------------------------------------------------------
# The client


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def session_token(user_id):
    now = int(time.time())
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": user_id, "iat": now, "exp": now + 3600}).encode())
    sig = hmac.new(SESSION_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def ticket_of(url):
    return urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["ticket"][0]


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def code(self):
        try:
            return self.body["errors"][0]["code"]
        except (KeyError, IndexError, TypeError):
            return None


def request(port, method, path, body=None, auth=None, key=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = f"Bearer {auth}"
    if key:
        headers["Idempotency-Key"] = key
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode(errors="replace")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, parsed)
    finally:
        conn.close()


def retryable_status(status):
    return status >= 500 or status in (409, 429)


def retryable(answer):
    # A bulk answer with an item a retry could better is not kept: the same key does the rest.
    if answer.status == 207:
        return any(isinstance(e, dict) and e.get("object") == "error" and retryable_status(int(e.get("status", 0)))
                   for e in bulk_entries(answer.body))
    return retryable_status(answer.status)


class Op:
    """One logical request: sent until it has an answer that is not worth retrying."""

    def __init__(self, kind, method, path, body, auth, key, gives_up=False, target=None):
        self.kind, self.method, self.path, self.body, self.auth, self.key = kind, method, path, body, auth, key
        self.gives_up, self.target = gives_up, target
        self.attempts = 0
        self.dropped = 0
        self.final = None
        self.outcome = None  # answered, abandoned, stuck

    def run(self, port, deadline_s=OP_DEADLINE_S):
        deadline = time.time() + deadline_s
        while True:
            self.attempts += 1
            try:
                answer = request(port, self.method, self.path, self.body, self.auth, self.key)
            except (OSError, http.client.HTTPException):
                self.dropped += 1
                answer = None
            if answer is not None and not retryable(answer):
                self.final, self.outcome = answer, "answered"
                return self
            if self.gives_up:
                self.final, self.outcome = answer, "abandoned"
                return self
            if time.time() > deadline:
                self.final, self.outcome = answer, "stuck"
                return self
            wait = random.uniform(0.1, 0.5)
            if answer is not None and answer.headers.get("retry-after", "").isdigit():
                wait = min(float(answer.headers["retry-after"]), 2.0) + random.uniform(0, 0.2)
            time.sleep(wait)


class World:
    """What the clients know: organizations, users, and the invitations answered to them."""

    def __init__(self, rng):
        self.rng = rng
        self.lock = threading.Lock()
        self.orgs = []
        self.users = []  # (id, address)
        self.invitations = {}  # id -> {org, address, user, url}
        self.ops = []
        self.counter = 0

    def next(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def record(self, op):
        with self.lock:
            self.ops.append(op)

    def learn(self, invitation, org, user=None):
        with self.lock:
            self.invitations[invitation["id"]] = {
                "org": org, "address": invitation["email_address"], "user": user, "url": invitation.get("url"),
                "ended": False,
            }

    def pick(self, with_user=False):
        with self.lock:
            live = [(i, v) for i, v in self.invitations.items() if not v["ended"] and v["url"] and (v["user"] or not with_user)]
            return self.rng.choice(live) if live else (None, None)


def address_of_user(world, rng):
    user_id, address = rng.choice(world.users)
    return user_id, address


def invite_item(world, rng, client, op_key, index):
    if rng.random() < 0.5:
        user_id, address = address_of_user(world, rng)
    else:
        user_id, address = None, f"c{client}-{world.next()}@faults.test"
    notify = rng.random() < 0.85
    return user_id, {
        "email_address": address, "role": "org:member", "notify": notify,
        "private_metadata": {"op": op_key, "item": index, "notify": notify},
    }


def one_op(world, rng, client, port):
    kind = rng.choices(
        ["create", "bulk", "resend", "revoke", "accept", "decline", "list"],
        weights=[24, 8, 10, 12, 14, 8, 24],
    )[0]
    key = f"faults-{client}-{world.next()}-{rng.randrange(1 << 30)}"
    org = rng.choice(world.orgs)
    if kind == "create":
        user_id, item = invite_item(world, rng, client, key, 0)
        op = Op(kind, "POST", f"/v1/organizations/{org}/invitations", item, BACKEND_KEY, key,
                gives_up=rng.random() < 0.1)
        op.run(port)
        if op.outcome == "answered" and op.final.status == 200:
            world.learn(op.final.body, org, user_id)
    elif kind == "bulk":
        made = [invite_item(world, rng, client, key, i) for i in range(3)]
        op = Op(kind, "POST", f"/v1/organizations/{org}/invitations/bulk", [m[1] for m in made], BACKEND_KEY, key)
        op.run(port)
        if op.outcome == "answered" and op.final.status in (200, 207):
            for (user_id, _), entry in zip(made, bulk_entries(op.final.body)):
                if entry.get("object") == "organization_invitation":
                    world.learn(entry, org, user_id)
    elif kind in ("resend", "revoke", "accept", "decline"):
        inv, known = world.pick(with_user=kind == "accept")
        if inv is None:
            return
        org = known["org"]
        if kind == "resend":
            notify = rng.random() < 0.7
            op = Op(kind, "POST", f"/v1/organizations/{org}/invitations/{inv}/resend", {"notify": notify},
                    BACKEND_KEY, key, gives_up=rng.random() < 0.1, target=inv)
            op.notify = notify
        elif kind == "revoke":
            op = Op(kind, "POST", f"/v1/organizations/{org}/invitations/{inv}/revoke", {}, BACKEND_KEY, key, target=inv)
        elif kind == "accept":
            op = Op(kind, "POST", "/v1/tickets/accept", {"ticket": ticket_of(known["url"])},
                    session_token(known["user"]), key, target=inv)
        else:
            op = Op(kind, "POST", "/v1/tickets/decline", {"ticket": ticket_of(known["url"])}, None, key, target=inv)
        op.run(port)
        if op.outcome == "answered" and op.final.status == 200:
            with world.lock:
                if kind == "resend":
                    world.invitations[inv]["url"] = op.final.body.get("url")
                else:
                    world.invitations[inv]["ended"] = True
    else:
        path = rng.choice([
            f"/v1/organizations/{org}/invitations?status=pending&limit=10",
            f"/v1/organizations/{org}/invitations?status=expired&limit=1",
            f"/v1/organizations/{org}/invitations?status=revoked&status=accepted&limit=10",
            f"/v1/organizations/{org}/invitations?limit=20",
        ])
        op = Op(kind, "GET", path, None, BACKEND_KEY, None)
        op.run(port)
    world.record(op)


def bulk_entries(body):
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return body["data"]
    return []


def setup(world, port, orgs, users, rng):
    for i in range(users):
        answer = request(port, "POST", "/v1/users", {"email_address": [f"user{i}@faults.test"]}, BACKEND_KEY)
        assert answer.status == 200, (answer.status, answer.body)
        world.users.append((answer.body["id"], f"user{i}@faults.test"))
    for i in range(orgs):
        # One organization with few seats, so the seat condition is raced too.
        seats = 25 if i == 0 else 0
        answer = request(port, "POST", "/v1/organizations",
                         {"name": f"Faults {i}", "max_allowed_memberships": seats}, BACKEND_KEY)
        assert answer.status == 200, (answer.status, answer.body)
        world.orgs.append(answer.body["id"])


# --------------------------------------------------------------------------------------------
# The checks


def scan(table, endpoint):
    import boto3

    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name=os.environ.get("AWS_REGION", "us-east-1"),
                          aws_access_key_id="test", aws_secret_access_key="test")
    items = []
    for page in client.get_paginator("scan").paginate(TableName=table):
        for item in page["Items"]:
            items.append({k: next(iter(v.values())) for k, v in item.items()})
    return items


def sends_of(outbox):
    """Every send the outbox recorded: (time in ms, email id, invitation id)."""
    path = os.path.join(outbox, "sent.log")
    if os.path.exists(path):
        with open(path) as f:
            return [(int(r["at"]), r["delivery_id"], r["invitation_id"]) for r in map(json.loads, f)]
    # A build before the sent log: one file per send, named `{ms}-{invitation}`.
    sends = []
    for name in os.listdir(outbox) if os.path.isdir(outbox) else []:
        if name.endswith(".eml"):
            at, _, inv = name[:-4].partition("-")
            sends.append((int(at), None, inv))
    return sends


def sweeper_sent(log_path):
    """The emails the sweeper's passes sent (their requests had stopped), from the server's log."""
    import re

    with open(log_path, errors="replace") as f:
        text = re.sub(r"\x1b\[[0-9;]*m", "", f.read())
    return sum(int(n) for n in re.findall(r"queued emails whose request stopped, sent.*?\bsent=(\d+)", text))


def check(world, items, sends, kills, violations):
    def fail(kind, detail):
        violations[kind].append(detail)

    inv_items = [i for i in items if i["SK"].startswith("INV#")]
    by_id = {i["id"]: i for i in inv_items}
    orgs = {i["PK"][4:]: i for i in items if i["SK"] == "META" and i["PK"].startswith("ORG#")}

    # Invariants of the table.
    for org_id, org in orgs.items():
        mine = [i for i in inv_items if i["organization_id"] == org_id]
        members = [i for i in items if i["PK"] == f"ORG#{org_id}" and i["SK"].startswith("MEM#")]
        statuses = collections.Counter(i["status"] for i in mine)
        expect = {
            "pending_invitations_count": statuses["pending"],
            "accepted_invitations_count": statuses["accepted"],
            "revoked_invitations_count": statuses["revoked"],
            "declined_invitations_count": statuses["declined"],
            "expired_invitations_count": statuses["expired"],
            "members_count": len(members),
            "seats_used": len(members) + statuses["pending"],
        }
        for name, want in expect.items():
            got = int(org.get(name, 0))
            if got != want:
                fail("counter differs from the items", f"{org_id} {name}: {got}, items say {want}")
        cap = int(org.get("max_allowed_memberships", 0))
        if cap and len(members) + statuses["pending"] > cap:
            fail("seats over the limit", f"{org_id}: {len(members)} members + {statuses['pending']} pending > {cap}")
        pending_by_address = collections.Counter(i["email_address"].lower() for i in mine if i["status"] == "pending")
        for address, n in pending_by_address.items():
            if n > 1:
                fail("two pending invitations to one address", f"{org_id} {address}: {n}")
        slots = {i["SK"][5:]: i for i in items if i["PK"] == f"ORG#{org_id}" and i["SK"].startswith("SLOT#")}
        for i in mine:
            if i["status"] == "pending":
                slot = slots.get(i["email_address"].lower())
                if not slot or slot.get("invitation_id") != i["id"]:
                    fail("pending invitation without its slot", i["id"])
        for address, slot in slots.items():
            held = by_id.get(slot.get("invitation_id"))
            if not held or held["status"] != "pending":
                fail("slot held by no pending invitation", f"{org_id} {address}")
        by_address = collections.defaultdict(collections.Counter)
        for i in mine:
            by_address[i["email_address"].lower()][i["status"]] += 1
        counted = {i["SK"][len("ADDRCOUNT#"):]: i for i in items
                   if i["PK"] == f"ORG#{org_id}" and i["SK"].startswith("ADDRCOUNT#")}
        for address in set(by_address) | set(counted):
            have, statuses_of = counted.get(address, {}), by_address[address]
            want = {"invitations_count": sum(statuses_of.values())}
            want.update({f"{s}_invitations_count": statuses_of[s] for s in ("accepted", "revoked", "declined", "expired")})
            for name, n in want.items():
                if int(have.get(name, 0)) != n:
                    fail("counter differs from the items", f"{org_id} {address} {name}: {have.get(name, 0)}, items say {n}")
        member_ids = {m["SK"][4:] for m in members}
        for i in mine:
            if i["status"] == "accepted" and i.get("accepted_user_id") not in member_ids:
                fail("accepted without a membership", i["id"])

    # Effects against answers: every invitation was asked for by one item of one request.
    asked = {}
    for op in world.ops:
        if op.kind in ("create", "bulk"):
            bodies = op.body if op.kind == "bulk" else [op.body]
            entries = []
            if op.outcome == "answered":
                if op.kind == "bulk":
                    entries = bulk_entries(op.final.body) if op.final.status in (200, 207) else [None] * len(bodies)
                else:
                    entries = [op.final.body if op.final.status == 200 else None]
            for index, _ in enumerate(bodies):
                entry = entries[index] if index < len(entries) else None
                made = entry.get("id") if isinstance(entry, dict) and entry.get("object") == "organization_invitation" else None
                asked[(op.key, index)] = (op, made)
    made_by = collections.defaultdict(list)
    for i in inv_items:
        meta = json.loads(i.get("private_metadata") or "{}")
        made_by[(meta.get("op"), meta.get("item"))].append(i)
    for (key, index), found in made_by.items():
        if (key, index) not in asked:
            fail("invitation no request asked for", ", ".join(i["id"] for i in found))
            continue
        op, made = asked[(key, index)]
        if len(found) > 1:
            fail("one request item made two invitations", f"{op.kind} {key}[{index}]")
        for i in found:
            if op.outcome == "answered" and made != i["id"]:
                fail("a write that took effect answered as a failure",
                     f"{op.kind} {key}[{index}] answered {op.final.status} {op.final.code()}, {i['id']} exists")
    for (key, index), (op, made) in asked.items():
        if made and made not in by_id:
            fail("2xx without its effect", f"{op.kind} {key}[{index}] answered {made}, not in the table")

    ends = {"revoke": "revoked", "accept": "accepted", "decline": "declined"}
    succeeded = collections.defaultdict(list)
    for op in world.ops:
        if op.kind in ends and op.outcome == "answered":
            if op.final.status == 200:
                succeeded[op.target].append(op)
                got = by_id.get(op.target, {}).get("status")
                if got != ends[op.kind]:
                    fail("2xx without its effect", f"{op.kind} of {op.target} answered 200, it is {got}")
    for i in inv_items:
        end = i["status"]
        if end in ("revoked", "accepted", "declined"):
            kinds = [o.kind for o in succeeded.get(i["id"], [])]
            if not any(ends[k] == end for k in kinds):
                tried = [f"{o.kind} {o.final.status if o.final else o.outcome} {o.final.code() if o.final else ''}"
                         for o in world.ops if o.target == i["id"] and o.kind in ends]
                fail("a write that took effect answered as a failure", f"{i['id']} is {end}; its requests: {tried}")

    # The audit log: each invitation's creation and its end recorded exactly once, and no entry
    # about an invitation that is not there (an entry is written in its change's transaction).
    audits = [json.loads(i["entry"]) for i in items if i.get("entity") == "audit"]
    recorded = collections.Counter((a["action"], t["id"]) for a in audits
                                   for t in a["targets"] if t["type"] == "invitation")
    replaced = {a["metadata"].get("replaced_invitation_id") for a in audits
                if a["action"] == "invitation.created"}
    for i in inv_items:
        if recorded[("invitation.created", i["id"])] != 1:
            fail("audit entries differ from the changes",
                 f"{i['id']}: {recorded[('invitation.created', i['id'])]} invitation.created")
        end = i["status"]
        if end in ("revoked", "accepted", "declined", "expired"):
            n = recorded[(f"invitation.{end}", i["id"])]
            if n != 1 and not (end == "expired" and n == 0 and i["id"] in replaced):
                fail("audit entries differ from the changes", f"{i['id']} is {end}: {n} invitation.{end}")
    for (action, inv_id), n in recorded.items():
        if inv_id not in by_id:
            fail("audit entry without its change", f"{action} of {inv_id}")

    # Emails: exactly one per invitation and ticket asked for; none lost.
    per_delivery = collections.defaultdict(list)
    per_invitation = collections.Counter()
    deliveries_of = collections.defaultdict(set)
    for at, delivery, inv in sends:
        per_invitation[inv] += 1
        if delivery:
            per_delivery[delivery].append(at)
            deliveries_of[inv].add(delivery)
    duplicates_across_crash = []
    for delivery, times in per_delivery.items():
        if len(times) > 1:
            first = min(times) / 1000
            if any(first <= k <= first + CRASH_WINDOW_S for k in kills):
                # The process died between the send and its record: SES has no idempotency key.
                gap = min(k - first for k in kills if k >= first)
                duplicates_across_crash.append(f"{delivery}: {len(times)} sends, killed {gap:.3f} s after the first")
            else:
                fail("an email sent twice", f"{delivery}: {len(times)} sends")
    resent = collections.Counter()
    resend_tries = collections.Counter()
    for op in world.ops:
        if op.kind == "resend" and getattr(op, "notify", False):
            resend_tries[op.target] += 1
            if op.outcome == "answered" and op.final.status == 200:
                resent[op.target] += 1
    for i in inv_items:
        meta = json.loads(i.get("private_metadata") or "{}")
        delivery = json.loads(i.get("delivery") or "null")
        if delivery and delivery.get("status") == "queued" and i["status"] == "pending":
            fail("an email asked for and never sent", i["id"])
        if meta.get("notify") and per_invitation[i["id"]] == 0 and not (delivery and delivery.get("status") == "failed"):
            fail("an email asked for and never sent", f"{i['id']} ({i['status']})")
        if per_delivery:
            emails = deliveries_of[i["id"]]
            least = (1 if meta.get("notify") else 0) + resent[i["id"]]
            most = (1 if meta.get("notify") else 0) + resend_tries[i["id"]]
            if not least <= len(emails) <= most:
                fail("emails differ from the requests that asked for them",
                     f"{i['id']}: {len(emails)} emails, {least} to {most} asked")
        else:
            # Without the send log only the counts per invitation can be compared.
            most = (1 if meta.get("notify") else 0) + resend_tries[i["id"]]
            if per_invitation[i["id"]] > most:
                fail("an email sent twice", f"{i['id']}: {per_invitation[i['id']]} sends, at most {most} asked")
    return duplicates_across_crash


# --------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--moto", default=os.environ.get("DYNAMODB_ENDPOINT"))
    parser.add_argument("--seconds", type=float, default=70)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0.15)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--json")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if not args.moto:
        sys.exit("--moto (or DYNAMODB_ENDPOINT) names the moto server")

    rng = random.Random(args.seed)
    random.seed(args.seed)
    workdir = args.workdir or tempfile.mkdtemp(prefix="faults-")
    os.makedirs(workdir, exist_ok=True)
    outbox = os.path.join(workdir, "outbox")
    shutil.rmtree(outbox, ignore_errors=True)
    faults = Faults(args.moto, args.rate, args.seed)
    proxy = QuietServer(("127.0.0.1", 0), make_handler(faults))
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    port = free_port()
    table = f"faults-{args.seed}-{port}"
    env = {
        **os.environ,
        "PORT": str(port), "STORE": "dynamodb", "TABLE_NAME": table,
        "DYNAMODB_ENDPOINT": f"http://127.0.0.1:{proxy.server_address[1]}",
        "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
        "INVITATIONS_SECRET_KEY": BACKEND_KEY, "SESSION_JWT_SECRET": SESSION_SECRET,
        "TICKET_SIGNING_KEY": TICKET_KEY, "OUTBOX_DIR": outbox, "SWEEP_EVERY_SECONDS": "3",
        "EMAIL_COOLDOWN_SECONDS": "1", "LIMIT_EMAILS_PER_ORGANIZATION_PER_HOUR": "100000",
        "LIMIT_EMAILS_PER_INVITER_PER_HOUR": "100000", "LIMIT_EMAILS_PER_ADDRESS_PER_DAY": "100000",
        "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
    }
    server = Server(args.bin, env, port, os.path.join(workdir, "server.log"))
    print(f"fault suite: seed {args.seed}, {args.clients} clients, {args.seconds:.0f} s, "
          f"{args.rate:.0%} of DynamoDB calls faulty, {args.kills} kill -9; logs in {workdir}", flush=True)
    started = time.time()
    try:
        server.start()
        world = World(rng)
        setup(world, port, orgs=4, users=48, rng=rng)
        faults.enabled = True
        stop_at = time.time() + args.seconds

        def client(n):
            crng = random.Random(args.seed * 1000 + n)
            while time.time() < stop_at:
                one_op(world, crng, n, port)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for k in range(args.kills):
            time.sleep(max(0.0, started + (k + 1) * args.seconds / (args.kills + 1) - time.time()))
            server.kill9()
            time.sleep(rng.uniform(0.3, 1.5))
            server.start()
        for t in threads:
            t.join()
        faults.enabled = False
        workload_s = time.time() - started

        # Every write again, with its key: the first answer, replayed; no key left stuck.
        replay = collections.Counter()
        mismatches = []
        replayed = [op for op in world.ops if op.key is not None and op.outcome != "stuck"]
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            agains = list(pool.map(
                lambda op: Op(op.kind, op.method, op.path, op.body, op.auth, op.key).run(port, REPLAY_DEADLINE_S),
                replayed))
        for op, again in zip(replayed, agains):
            if again.outcome == "stuck":
                replay["stuck"] += 1
                mismatches.append(f"{op.kind} {op.key}: still {again.final.status if again.final else 'no answer'}")
            elif op.outcome == "answered" and op.final.status in (401, 403):
                # A refusal is never kept (a quota full now may have a seat later): the same
                # key runs again, and what it makes must come out whole.
                replay["refused, not kept: ran again"] += 1
                if again.final.headers.get("idempotent-replayed") == "true":
                    mismatches.append(f"{op.kind} {op.key}: its {op.final.status} was kept")
                op.final = again.final
                if op.kind == "create" and again.final.status == 200:
                    world.learn(again.final.body, op.path.split("/")[3])
            elif op.outcome == "answered":
                same = again.final.status == op.final.status and again.final.headers.get("idempotent-replayed") == "true"
                replay["same answer" if same else "different answer"] += 1
                if not same:
                    mismatches.append(f"{op.kind} {op.key}: {op.final.status} then {again.final.status}")
            else:
                # It gave up: now it has its answer, and what it made must come out whole.
                replay["abandoned, now answered"] += 1
                op.final, op.outcome = again.final, "answered"
                if op.kind == "create" and again.final.status == 200:
                    world.learn(again.final.body, op.path.split("/")[3])

        # The sweeper's pass sends what a stopped request queued (after its 60 s grace).
        drain_started = time.time()
        while time.time() - drain_started < DRAIN_DEADLINE_S:
            queued = [i for i in scan(table, args.moto) if i["SK"].startswith("INV#") and i["status"] == "pending"
                      and json.loads(i.get("delivery") or "null") and json.loads(i["delivery"]).get("status") == "queued"]
            if not queued:
                break
            time.sleep(2)
        drain_s = time.time() - drain_started

        items = scan(table, args.moto)
        sends = sends_of(outbox)
        violations = collections.defaultdict(list)
        crash_duplicates = check(world, items, sends, server.kills, violations)
        for m in mismatches:
            violations["replay is not the first answer / key stuck"].append(m)
        for op in world.ops:
            if op.outcome == "stuck":
                violations["a request never answered (its key stuck)"].append(
                    f"{op.kind} {op.key}: {op.attempts} attempts, last {op.final.status if op.final else 'no answer'}")
    finally:
        server.stop()
        proxy.shutdown()

    answers = collections.defaultdict(collections.Counter)
    for op in world.ops:
        label = op.outcome if op.outcome != "answered" else " ".join(filter(None, [str(op.final.status), op.final.code()]))
        answers[op.kind][label] += 1
        if op.kind == "bulk" and op.outcome == "answered":
            for entry in bulk_entries(op.final.body):
                if entry.get("object") == "error":
                    code = (entry.get("errors") or [{}])[0].get("code")
                    answers["bulk items refused"][f"{entry.get('status')} {code}"] += 1
    figures = {
        "seed": args.seed,
        "seconds": round(workload_s, 1),
        "drain_seconds": round(drain_s, 1),
        "requests": len(world.ops),
        "attempts": sum(op.attempts for op in world.ops),
        "dropped_connections": sum(op.dropped for op in world.ops),
        "dynamodb_calls": dict(faults.calls),
        "faults": dict(faults.faults),
        "kills": len(server.kills),
        "answers": {k: dict(v) for k, v in answers.items()},
        "replays": dict(replay),
        "invitations": sum(1 for i in items if i["SK"].startswith("INV#")),
        "emails_sent": len(sends),
        "emails_sent_by_the_sweeper": sweeper_sent(os.path.join(workdir, "server.log")),
        "duplicate_emails_across_a_crash": crash_duplicates,
        "kill_times_ms": [int(k * 1000) for k in server.kills],
        "violations": {k: len(v) for k, v in violations.items()},
    }
    print(json.dumps(figures, indent=2))
    for kind, details in violations.items():
        print(f"VIOLATION {kind}: {len(details)}")
        for d in details[:10]:
            print(f"  {d}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({**figures, "violation_details": {k: v[:50] for k, v in violations.items()}}, f, indent=2)
    if violations:
        sys.exit(1)
    print(f"fault suite: no violation in {sum(faults.calls.values())} DynamoDB calls, "
          f"{sum(faults.faults.values())} of them faulty, and {len(server.kills)} kill -9")


if __name__ == "__main__":
    main()
