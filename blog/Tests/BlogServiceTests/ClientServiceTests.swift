import BlogCore
import ClientService
import Hummingbird
import HummingbirdTesting
import Testing

struct StubPostsSource: PostsSource {
    var result: Result<[PostView], RecordingPublisher.BusDown>

    func posts() async throws -> [PostView] {
        try result.get()
    }
}

@Suite struct ClientServiceTests {
    func render(_ result: Result<[PostView], RecordingPublisher.BusDown>) async throws -> (
        status: Int, html: String
    ) {
        try await withDataDirectory { directory in
            let app = try await buildApplication(
                configuration: ClientConfiguration(settings: settings("client", directory)),
                source: StubPostsSource(result: result))
            return try await app.test(.router) { client async throws in
                let response = try await client.get("/")
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                return (Int(response.status.code), response.text)
            }
        }
    }

    @Test func rendersPostsCommentsAndFormsWithStableHooks() async throws {
        let page = try await render(
            .success([
                PostView(
                    id: "a1b2c3d4", title: "First",
                    comments: [
                        .init(id: "c1", content: "Lovely", status: .approved),
                        .init(id: "c2", content: "hidden while pending", status: .pending),
                        .init(id: "c3", content: "oranges", status: .rejected),
                    ]),
                PostView(id: "e5f6a7b8", title: "Second", comments: []),
            ]))
        #expect(page.status == 200)
        let html = page.html
        #expect(html.contains(#"<form id="new-post-form" method="post" action="/posts/create">"#))
        #expect(html.contains(#"id="new-post-title" name="title""#))
        #expect(html.contains(#"id="new-post-submit""#))
        #expect(
            html.contains(
                #"<form class="comment-form" data-post-id="a1b2c3d4" method="post" action="/posts/a1b2c3d4/comments">"#
            ))
        #expect(html.contains(#"class="comment-content" name="content""#))
        #expect(html.contains("Lovely"))
        #expect(html.contains("This comment is awaiting moderation"))
        #expect(!html.contains("hidden while pending"))
        #expect(html.contains("This comment has been rejected"))
        #expect(!html.contains(">oranges<"))
        let first = try #require(html.range(of: "First"))
        let second = try #require(html.range(of: "Second"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(!html.contains(#"id="query-unavailable""#))
        #expect(!html.contains("http://"))
    }

    @Test func escapesUserText() async throws {
        let page = try await render(
            .success([
                PostView(
                    id: "x\"><script>", title: "<script>alert('t')</script> & co",
                    comments: [.init(id: "c1", content: "<img src=x onerror=alert(1)>", status: .approved)])
            ]))
        #expect(!page.html.contains("<script>alert"))
        #expect(!page.html.contains("<img"))
        #expect(page.html.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; co"))
        #expect(page.html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.html.contains(#"data-post-id="x&quot;&gt;&lt;script&gt;""#))
        #expect(page.html.contains(#"action="/posts/x%22%3E%3Cscript%3E/comments""#))
    }

    @Test func queryUnreachableStillRendersThePageWithANotice() async throws {
        let page = try await render(.failure(RecordingPublisher.BusDown()))
        #expect(page.status == 200)
        #expect(page.html.contains(#"id="query-unavailable""#))
        #expect(page.html.contains(#"id="new-post-form""#))
    }

    @Test func queryOrderIsKept() throws {
        let body =
            #"{"zz": {"id": "zz", "title": "older", "comments": []}, "aa": {"id": "aa", "title": "newer", "comments": [{"id": "c", "content": "{\"x\": 1}", "status": "pending"}]}}"#
        let posts = try QueryPostsSource.decodeInOrder(Array(body.utf8))
        #expect(posts.map(\.id) == ["zz", "aa"])
        #expect(posts[1].comments.first?.content == #"{"x": 1}"#)
    }
}
