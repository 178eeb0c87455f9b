"""Serve moto from ONE thread.

moto_server always serves on several threads, and then DynamoDB transactions are not atomic
(concurrent conditional appends lose acknowledged writes). Served from one thread every request
runs alone, so TransactWriteItems behaves as documented.

Usage: python moto_single_thread.py PORT
Prints "eventfold-moto ready <port>" once the socket listens.
"""
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


def main():
    port = int(sys.argv[1])
    app = DomainDispatcherApplication(create_backend_app)
    # threaded=False, processes=1: one request at a time (run_simple's single-threaded server).
    server = make_server("127.0.0.1", port, app, threaded=False, processes=1)
    print("eventfold-moto ready %d" % server.server_port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
