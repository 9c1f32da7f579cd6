import BlogCore
import Foundation
import GRDB

/// The durable event log and each subscriber's delivery cursor, in `event-bus.sqlite`.
struct EventLog: Sendable {
    let database: DatabasePool

    static func open(directory: String) throws -> EventLog {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        type TEXT NOT NULL,
                        data BLOB NOT NULL)
                    """
            )
            try db.execute(
                sql:
                    "CREATE TABLE cursors (subscriber TEXT PRIMARY KEY NOT NULL, delivered_seq INTEGER NOT NULL)"
            )
        }
        return EventLog(
            database: try Storage.open(
                directory: directory, fileName: "event-bus.sqlite", migrator: migrator))
    }

    /// Appends the event unless one with the same id is already stored. Returns its sequence number.
    func append(_ event: EventEnvelope) async throws -> (seq: Int64, isNew: Bool) {
        let id = event.id ?? Identifier.event()
        let data = try JSONEncoder().encode(event.data)
        return try await database.write { db in
            if let seq = try Int64.fetchOne(
                db, sql: "SELECT seq FROM events WHERE event_id = ?", arguments: [id])
            {
                return (seq, false)
            }
            try db.execute(
                sql: "INSERT INTO events (event_id, type, data) VALUES (?, ?, ?)",
                arguments: [id, event.type, data])
            return (db.lastInsertedRowID, true)
        }
    }

    func events(after seq: Int64, limit: Int) async throws -> [EventEnvelope] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, event_id, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map { row in
                let data: Data = row["data"]
                return EventEnvelope(
                    id: row["event_id"], seq: row["seq"], type: row["type"],
                    data: (try? JSONDecoder().decode(JSONValue.self, from: data)) ?? .object([:]))
            }
        }
    }

    func cursor(for subscriber: String) async throws -> Int64 {
        try await database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT delivered_seq FROM cursors WHERE subscriber = ?", arguments: [subscriber])
                ?? 0
        }
    }

    func setCursor(_ seq: Int64, for subscriber: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO cursors (subscriber, delivered_seq) VALUES (?, ?)
                    ON CONFLICT (subscriber) DO UPDATE SET delivered_seq = excluded.delivered_seq
                    """,
                arguments: [subscriber, seq]
            )
        }
    }
}
