import BlogCore
import GRDB

public struct Post: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
}

/// Posts and the outbox, in `posts.sqlite`.
struct PostStore: Sendable {
    let database: DatabasePool

    static func open(directory: String) throws -> PostStore {
        var migrator = DatabaseMigrator()
        migrator.registerOutbox()
        migrator.registerMigration("posts") { db in
            try db.execute(
                sql:
                    "CREATE TABLE posts (position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, title TEXT NOT NULL)"
            )
        }
        return PostStore(
            database: try Storage.open(directory: directory, fileName: "posts.sqlite", migrator: migrator)
        )
    }

    /// Stores the post and its `PostCreated` together; returns the post and the event's outbox position.
    func create(title: String) async throws -> (post: Post, outboxPosition: Int64) {
        try await database.write { db in
            var id = Identifier.short()
            while try Bool.fetchOne(db, sql: "SELECT 1 FROM posts WHERE id = ?", arguments: [id]) == true {
                id = Identifier.short()
            }
            try db.execute(sql: "INSERT INTO posts (id, title) VALUES (?, ?)", arguments: [id, title])
            let event = try EventEnvelope(
                id: Identifier.event(), payload: PostCreated(id: id, title: title))
            return (Post(id: id, title: title), try Outbox.enqueue(event, in: db))
        }
    }

    func all() async throws -> [Post] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title FROM posts ORDER BY position").map {
                Post(id: $0["id"], title: $0["title"])
            }
        }
    }
}
