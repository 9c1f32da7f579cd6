import BlogCore
import GRDB

/// The course's rule: a case-sensitive substring test, so "oranges" is rejected and "Orange" approved.
public func moderationStatus(for content: String) -> CommentStatus {
    content.contains("orange") ? .rejected : .approved
}

/// Moderation owns no entities, only what makes it idempotent and reliable: applied event ids and
/// the outbox, in `moderation.sqlite`.
struct ModerationStore: Sendable {
    let database: DatabasePool

    static func open(directory: String) throws -> ModerationStore {
        var migrator = DatabaseMigrator()
        migrator.registerOutbox()
        migrator.registerAppliedEvents()
        return ModerationStore(
            database: try Storage.open(
                directory: directory, fileName: "moderation.sqlite", migrator: migrator))
    }

    /// Moderates a `CommentCreated` once; returns true when it enqueued `CommentModerated`.
    func apply(_ event: EventEnvelope) async throws -> Bool {
        guard event.type == CommentCreated.eventType,
            let comment = try? event.payload(as: CommentCreated.self)
        else { return false }
        return try await database.write { db in
            if let id = event.id, try !AppliedEvents.markApplied(id, in: db) { return false }
            let moderated = CommentModerated(
                id: comment.id, postId: comment.postId, status: moderationStatus(for: comment.content),
                content: comment.content)
            // Derived from the cause, so moderating the same comment again is deduped by the bus.
            let eventID = "\(event.id ?? comment.id):moderated"
            try Outbox.enqueue(try EventEnvelope(id: eventID, payload: moderated), in: db)
            return true
        }
    }
}
