"""moto's server (DynamoDB and SES v2 on loopback), handling one request at a time.

moto applies a DynamoDB transaction item by item and restores the tables if a condition fails.
That is atomic only while no other request runs at the same moment, and `moto_server` serves
requests on parallel threads; DynamoDB itself serializes transactions that touch the same items.
Serving one request at a time makes the emulator keep the guarantee our conditions rely on, so
the concurrency tests test our code rather than the emulator's threading.

Usage: python moto_serialized.py HOST PORT
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def serialized(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            # Consume the whole body inside the lock: moto builds it while handling the request.
            return [b"".join(app(environ, start_response))]

    return handle


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, serialized(app), threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
