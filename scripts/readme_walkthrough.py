"""Runs the README's "A walk through the API" block, as written, against the local server the
test command started with the README's first command, and checks what the block's comments say
each step answers. Usage: readme_walkthrough.py README.md"""
import re
import subprocess
import sys

readme = open(sys.argv[1]).read()
section = readme.split("## A walk through the API", 1)[1]
block = section.split("```sh", 1)[1].split("```", 1)[0]
run = subprocess.run(["bash", "-c", "set -euo pipefail\n" + block], capture_output=True, text=True, timeout=120)
out = run.stdout
if run.returncode != 0:
    sys.exit(f"the walk-through failed ({run.returncode}):\n{out}\n{run.stderr}")

# What the block's comments promise, in its order.
promises = [
    ("the same address again is refused", r'"code":"duplicate_record"'),
    ("bulk answers one result per item", r'"object":"organization_invitation".*"object":"organization_invitation"'),
    ("the list pages with a cursor", r'"next_cursor"'),
    ("the link answers 302 to sign_up", r"^302 \S*__clerk_status=sign_up"),
    ("the revoked link is refused", r'"code":"ticket_revoked"'),
    ("the members are listed", r'"object":"organization_membership"'),
    ("the audit log shows the revoke first", r'"data":\[\{"object":"audit_log_entry","id":"[^"]+","organization_id":"[^"]+","action":"invitation.revoked"'),
]
for what, pattern in promises:
    if not re.search(pattern, out, re.M | re.S):
        sys.exit(f"the walk-through did not show that {what} ({pattern}):\n{out}")
print(f"walk-through: {len(promises)} promises of the README held")
