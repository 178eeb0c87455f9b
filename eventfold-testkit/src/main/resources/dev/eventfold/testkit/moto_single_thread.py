"""Serve moto from ONE thread.

moto_server always serves on several threads, and then DynamoDB transactions are not atomic
(concurrent conditional appends lose acknowledged writes). Served from one thread every request
runs alone, so TransactWriteItems behaves as documented.

Usage: python moto_single_thread.py PORT
Prints "eventfold-moto ready <port>" once the socket listens.
"""
import copy
import sys

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server


class _TouchedItemsBackup:
    """Stands in for the `copy` module inside moto's transact_write_items.

    moto backs up a whole table with copy.deepcopy once per *action* of a TransactWriteItems (100
    copies for a 99-event append) to roll back a cancelled transaction. Time and memory then grow
    with table size x actions, and the cyclic copies pile up until the process is killed for memory
    (10,000 events: over 10 GB). The same rollback only needs the item and stream containers copied,
    and deep copies of the items this transaction touches: the rest are not modified in place.
    """

    def __init__(self, transact_items):
        self.touched = {}
        for action in transact_items:
            kind, op = next(iter(action.items()))
            table = op.get("TableName")
            key = op.get("Key") or op.get("Item")
            if table and key:
                self.touched.setdefault(table, []).append(key)
        self.backups = {}

    def deepcopy(self, value, memo=None):
        if not isinstance(value, Table):
            return copy.deepcopy(value, memo)
        if id(value) not in self.backups:  # tables stay alive for the whole call
            self.backups[id(value)] = self._backup(value)
        return self.backups[id(value)]

    def _backup(self, table):
        backup = copy.copy(table)
        backup.items = type(table.items)(dict)
        for hash_key, partition in table.items.items():
            backup.items[hash_key] = dict(partition) if isinstance(partition, dict) else partition
        for key in self.touched.get(table.name, []):
            hash_key = DynamoType(key[table.hash_key_attr])
            if table.range_key_attr is None:
                if hash_key in table.items:
                    backup.items[hash_key] = copy.deepcopy(table.items[hash_key])
                continue
            range_key = DynamoType(key[table.range_key_attr])
            partition = table.items.get(hash_key)
            if partition is not None and range_key in partition:
                backup.items[hash_key][range_key] = copy.deepcopy(partition[range_key])
        if table.stream_shard is not None:
            shard = copy.copy(table.stream_shard)
            shard.items = list(table.stream_shard.items)
            shard.table = backup
            backup.stream_shard = shard
        return backup


_original_transact_write_items = DynamoDBBackend.transact_write_items


def _transact_write_items(self, transact_items):
    saved = dynamodb_models.copy
    dynamodb_models.copy = _TouchedItemsBackup(transact_items)
    try:
        return _original_transact_write_items(self, transact_items)
    finally:
        dynamodb_models.copy = saved


DynamoDBBackend.transact_write_items = _transact_write_items


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
