import Foundation
import GRDB

/// Each service's own SQLite file under `DATA_DIR` (database per service).
public enum Storage {
    public static func open(directory: String, fileName: String, migrator: DatabaseMigrator) throws
        -> DatabasePool
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL + NORMAL: durable across process crashes, which is what a restart test exercises.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool = try DatabasePool(
            path: (directory as NSString).appendingPathComponent(fileName), configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }
}

extension DatabaseMigrator {
    /// Ids of consumed events, written in the same transaction as their effect.
    public mutating func registerAppliedEvents() {
        registerMigration("applied_events") { db in
            try db.execute(
                sql: "CREATE TABLE applied_events (event_id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID")
        }
    }

    /// Events waiting for the relay to hand them to the bus.
    public mutating func registerOutbox() {
        registerMigration("outbox") { db in
            try db.execute(
                sql:
                    "CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, body BLOB NOT NULL)"
            )
        }
    }
}

public enum AppliedEvents {
    /// Records `eventID` as applied; false when it already was, so the caller skips the effect.
    public static func markApplied(_ eventID: String, in db: Database) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO applied_events (event_id) VALUES (?)", arguments: [eventID])
        return db.changesCount > 0
    }
}
