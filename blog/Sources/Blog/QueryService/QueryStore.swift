import BlogCore
import GRDB

/// The joined view built from events only, with the last applied sequence number and applied
/// event ids, in `query.sqlite`.
struct QueryStore: Sendable {
    enum Outcome: Equatable {
        case applied
        case alreadyApplied
        /// The event's `seq` is beyond the next one expected: earlier events must be fetched first.
        case gap
    }

    let database: DatabasePool

    static func open(directory: String) throws -> QueryStore {
        var migrator = DatabaseMigrator()
        migrator.registerAppliedEvents()
        migrator.registerMigration("view") { db in
            try db.execute(
                sql:
                    "CREATE TABLE posts (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL)"
            )
            try db.execute(
                sql: """
                    CREATE TABLE comments (
                        position INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        post_id TEXT NOT NULL,
                        content TEXT NOT NULL,
                        status TEXT NOT NULL)
                    """
            )
            try db.execute(
                sql:
                    "CREATE TABLE sync_state (id INTEGER PRIMARY KEY CHECK (id = 1), last_seq INTEGER NOT NULL)"
            )
            try db.execute(sql: "INSERT INTO sync_state (id, last_seq) VALUES (1, 0)")
        }
        return QueryStore(
            database: try Storage.open(directory: directory, fileName: "query.sqlite", migrator: migrator)
        )
    }

    func lastSeq() async throws -> Int64 {
        try await database.read { db in try Self.lastSeq(in: db) }
    }

    /// Applies one event at most once. With `contiguous`, an event numbered beyond the next
    /// expected `seq` is not applied (`.gap`); catch-up passes false since the bus's answer is
    /// the log itself, in order. An event whose data does not fit its type still advances `seq`.
    func apply(_ event: EventEnvelope, contiguous: Bool) async throws -> Outcome {
        try await database.write { db in
            let last = try Self.lastSeq(in: db)
            if let seq = event.seq {
                if seq <= last { return .alreadyApplied }
                if contiguous && seq != last + 1 { return .gap }
                try db.execute(sql: "UPDATE sync_state SET last_seq = ? WHERE id = 1", arguments: [seq])
            }
            if let id = event.id, try !AppliedEvents.markApplied(id, in: db) { return .alreadyApplied }
            try Self.applyEffect(of: event, in: db)
            return .applied
        }
    }

    private static func lastSeq(in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT last_seq FROM sync_state WHERE id = 1") ?? 0
    }

    private static func applyEffect(of event: EventEnvelope, in db: Database) throws {
        switch event.type {
        case PostCreated.eventType:
            guard let post = try? event.payload(as: PostCreated.self) else { return }
            try db.execute(
                sql: "INSERT OR IGNORE INTO posts (id, title) VALUES (?, ?)",
                arguments: [post.id, post.title])
        case CommentCreated.eventType:
            // Kept even when its post is unknown: it shows once the post arrives.
            guard let comment = try? event.payload(as: CommentCreated.self) else { return }
            try db.execute(
                sql: "INSERT OR IGNORE INTO comments (id, post_id, content, status) VALUES (?, ?, ?, ?)",
                arguments: [comment.id, comment.postId, comment.content, comment.status.rawValue]
            )
        case CommentUpdated.eventType:
            guard let comment = try? event.payload(as: CommentUpdated.self) else { return }
            try db.execute(
                sql: """
                    INSERT INTO comments (id, post_id, content, status) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET content = excluded.content, status = excluded.status
                    """,
                arguments: [comment.id, comment.postId, comment.content, comment.status.rawValue]
            )
        default:
            return
        }
    }

    /// `GET /posts`: `{"<id>": {"id", "title", "comments": [{"id", "content", "status"}]}}`, oldest first.
    func renderPostsJSON() async throws -> String {
        try await database.read { db in
            var commentsByPost: [String: [Row]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, post_id, content, status FROM comments ORDER BY position")
            {
                commentsByPost[row["post_id"], default: []].append(row)
            }
            var json = "{"
            var firstPost = true
            for post in try Row.fetchAll(db, sql: "SELECT id, title FROM posts ORDER BY position") {
                let id: String = post["id"]
                if !firstPost { json.append(",") }
                firstPost = false
                JSONText.appendString(id, to: &json)
                json.append(#":{"id":"#)
                JSONText.appendString(id, to: &json)
                json.append(#","title":"#)
                JSONText.appendString(post["title"], to: &json)
                json.append(#","comments":["#)
                for (index, comment) in (commentsByPost[id] ?? []).enumerated() {
                    if index > 0 { json.append(",") }
                    json.append(#"{"id":"#)
                    JSONText.appendString(comment["id"], to: &json)
                    json.append(#","content":"#)
                    JSONText.appendString(comment["content"], to: &json)
                    json.append(#","status":"#)
                    JSONText.appendString(comment["status"], to: &json)
                    json.append("}")
                }
                json.append("]}")
            }
            json.append("}")
            return json
        }
    }
}
