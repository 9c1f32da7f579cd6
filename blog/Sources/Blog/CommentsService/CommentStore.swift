import BlogCore
import GRDB

public struct Comment: Codable, Sendable, Equatable {
    public var id: String
    public var content: String
    public var status: CommentStatus
}

/// Comments by post, the posts heard of through `PostCreated`, applied event ids and the outbox,
/// in `comments.sqlite`.
struct CommentStore: Sendable {
    let database: DatabasePool

    static func open(directory: String) throws -> CommentStore {
        var migrator = DatabaseMigrator()
        migrator.registerOutbox()
        migrator.registerAppliedEvents()
        migrator.registerMigration("comments") { db in
            try db.execute(sql: "CREATE TABLE known_posts (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID")
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
            try db.execute(sql: "CREATE INDEX comments_by_post ON comments (post_id, position)")
        }
        return CommentStore(
            database: try Storage.open(
                directory: directory, fileName: "comments.sqlite", migrator: migrator))
    }

    func isKnownPost(_ postID: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM known_posts WHERE id = ?", arguments: [postID])
                == true
        }
    }

    /// Stores a pending comment with its `CommentCreated`; returns the post's comments and the event's outbox position.
    func create(postID: String, content: String) async throws -> (
        comments: [Comment], outboxPosition: Int64
    ) {
        try await database.write { db in
            var id = Identifier.short()
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM comments WHERE id = ?", arguments: [id])
                == true
            {
                id = Identifier.short()
            }
            try db.execute(
                sql: "INSERT INTO comments (id, post_id, content, status) VALUES (?, ?, ?, ?)",
                arguments: [id, postID, content, CommentStatus.pending.rawValue]
            )
            let payload = CommentCreated(id: id, content: content, postId: postID, status: .pending)
            let position = try Outbox.enqueue(
                try EventEnvelope(id: Identifier.event(), payload: payload), in: db)
            return (try Self.comments(of: postID, in: db), position)
        }
    }

    func comments(of postID: String) async throws -> [Comment] {
        try await database.read { db in try Self.comments(of: postID, in: db) }
    }

    private static func comments(of postID: String, in db: Database) throws -> [Comment] {
        try Row.fetchAll(
            db, sql: "SELECT id, content, status FROM comments WHERE post_id = ? ORDER BY position",
            arguments: [postID]
        ).map { row in
            Comment(
                id: row["id"], content: row["content"],
                status: CommentStatus(rawValue: row["status"]) ?? .pending)
        }
    }

    /// Applies an event once. Returns true when it enqueued an outgoing event.
    func apply(_ event: EventEnvelope) async throws -> Bool {
        try await database.write { db in
            if let id = event.id, try !AppliedEvents.markApplied(id, in: db) { return false }
            switch event.type {
            case PostCreated.eventType:
                guard let post = try? event.payload(as: PostCreated.self) else { return false }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO known_posts (id) VALUES (?)", arguments: [post.id])
                return false
            case CommentModerated.eventType:
                guard let moderated = try? event.payload(as: CommentModerated.self),
                    let row = try Row.fetchOne(
                        db, sql: "SELECT post_id, content FROM comments WHERE id = ?", arguments: [moderated.id]
                    )
                else { return false }
                try db.execute(
                    sql: "UPDATE comments SET status = ? WHERE id = ?",
                    arguments: [moderated.status.rawValue, moderated.id]
                )
                let postID: String = row["post_id"]
                let content: String = row["content"]
                let updated = CommentUpdated(
                    id: moderated.id, status: moderated.status, postId: postID, content: content)
                // Derived from the cause, so a re-run can never publish a second, different event.
                let eventID = "\(event.id ?? moderated.id):updated"
                try Outbox.enqueue(try EventEnvelope(id: eventID, payload: updated), in: db)
                return true
            default:
                return false
            }
        }
    }
}
