# What scripts/bench-load and scripts/bench-grown share: the key, the limits, a free port, a
# local server started with folders of its own, and the wait for it to answer. Sourced.

key="sk_test_bench_$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
# The load is one organization's, far past the abuse limits a deployment keeps; they are raised
# here (never off) so that the figures are the request path's, not the 429 path's.
limits=(LIMIT_EMAILS_PER_ORGANIZATION_PER_HOUR=100000000 LIMIT_EMAILS_PER_INVITER_PER_HOUR=100000000
        LIMIT_EMAILS_PER_ADDRESS_PER_DAY=100000000 EMAIL_COOLDOWN_SECONDS=1)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a local server binary ($1) on a port ($2), its outbox, events and log in a directory ($3).
# Start it with `&`: it replaces its subshell, so `$!` is the server.
serve_local() {
  # The events folder inside the run's own directory: beside it (the server's default) it
  # outlived every run, and a directory of millions of files made each event's write slower.
  exec env "${limits[@]}" RUST_LOG=warn PORT="$2" OUTBOX_DIR="$3/outbox" LOCAL_EVENTS_DIR="$3/events" \
    INVITATIONS_SECRET_KEY="$key" "$1" > "$3/server.log" 2>&1
}

wait_up() {
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done
}
