import BlogCore

// The page's stable hooks, for people and for the headless browser test:
//   form#new-post-form (POST /posts/create)   input#new-post-title[name=title]   button#new-post-submit
//   div.post[data-post-id]   h3.post-title   ul.comments > li.comment[data-comment-id][data-status]
//   form.comment-form[data-post-id] (POST /posts/<id>/comments)   input.comment-content[name=content]
//   button.comment-submit   p#query-unavailable (only when query could not be reached)   p#form-error
// Every URL is relative, so the page works behind the ingress on one origin. The forms post as
// urlencoded without JavaScript (posts and comments answer 303 to /); the inline script sends
// JSON with fetch instead and reloads.

enum PageRenderer {
    static func render(posts: [PostView]?) -> String {
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Blog</title>
            <style>
            body { font-family: sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
            .post { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 1rem; margin: 1rem 0; }
            .comment[data-status=pending], .comment[data-status=rejected] { color: #777; font-style: italic; }
            #query-unavailable, #form-error { color: #a00; }
            </style>
            </head>
            <body>
            <h1>Create Post</h1>
            <form id="new-post-form" method="post" action="/posts/create">
            <label for="new-post-title">Title</label>
            <input id="new-post-title" name="title" required maxlength="\(TextLimits.maxLength)">
            <button id="new-post-submit" type="submit">Submit</button>
            </form>
            <p id="form-error" hidden></p>
            <hr>
            <h1>Posts</h1>

            """
        if let posts {
            html += "<div id=\"posts\">\n"
            for post in posts { renderPost(post, into: &html) }
            html += "</div>\n"
        } else {
            html +=
                "<p id=\"query-unavailable\">Posts are unavailable right now; try again in a moment.</p>\n"
        }
        html += script + "</body>\n</html>\n"
        return html
    }

    private static func renderPost(_ post: PostView, into html: inout String) {
        let id = escape(post.id)
        html += "<div class=\"post\" data-post-id=\"\(id)\">\n"
        html += "<h3 class=\"post-title\">\(escape(post.title))</h3>\n"
        html += "<ul class=\"comments\">\n"
        for comment in post.comments {
            html +=
                "<li class=\"comment\" data-comment-id=\"\(escape(comment.id))\" data-status=\"\(comment.status.rawValue)\">"
            html += escape(displayText(of: comment)) + "</li>\n"
        }
        html += "</ul>\n"
        html += """
            <form class="comment-form" data-post-id="\(id)" method="post" action="/posts/\(escape(pathSegment(post.id)))/comments">
            <input class="comment-content" name="content" required maxlength="\(TextLimits.maxLength)" aria-label="New comment">
            <button class="comment-submit" type="submit">Submit</button>
            </form>
            </div>

            """
    }

    static func displayText(of comment: PostView.CommentView) -> String {
        switch comment.status {
        case .approved: comment.content
        case .pending: "This comment is awaiting moderation"
        case .rejected: "This comment has been rejected"
        }
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func pathSegment(_ text: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
        var encoded = ""
        for byte in text.utf8 {
            if allowed.contains(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    private static let script = """
        <script>
        (function () {
          function send(form, body) {
            fetch(form.getAttribute("action"), {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify(body)
            }).then(function (response) {
              if (!response.ok) { throw new Error("HTTP " + response.status); }
              window.location.reload();
            }).catch(function (error) {
              var note = document.getElementById("form-error");
              note.textContent = "Could not save: " + error.message;
              note.hidden = false;
            });
          }
          document.getElementById("new-post-form").addEventListener("submit", function (event) {
            event.preventDefault();
            send(event.target, { title: document.getElementById("new-post-title").value });
          });
          document.querySelectorAll("form.comment-form").forEach(function (form) {
            form.addEventListener("submit", function (event) {
              event.preventDefault();
              send(form, { content: form.querySelector("input.comment-content").value });
            });
          });
        })();
        </script>

        """
}
