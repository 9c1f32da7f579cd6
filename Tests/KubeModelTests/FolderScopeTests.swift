import KubeModel
import Testing

@Suite("folders applied together")
struct FolderScopeTests {
    @Test func aFolderGoesWithItsAncestorsAndDescendants() {
        #expect(FolderScope.related("base/sa.yaml", "base/app.yaml"))
        #expect(FolderScope.related("base/sa.yaml", "base/workloads/app.yaml"))
        #expect(FolderScope.related("base/workloads/app.yaml", "base/sa.yaml"))
        #expect(FolderScope.related("sa.yaml", "deploy/app.yaml"))
        #expect(FolderScope.related("./sa.yaml", "./deploy/app.yaml"))
    }

    @Test func siblingFoldersAreAlternatives() {
        #expect(!FolderScope.related("demo/sa.yaml", "variant/app.yaml"))
        #expect(!FolderScope.related("envs/dev/sa.yaml", "envs/prod/app.yaml"))
        // A common name prefix is no common folder.
        #expect(!FolderScope.related("app/sa.yaml", "app2/deploy.yaml"))
        // The current folder is no ancestor of an absolute path.
        #expect(!FolderScope.related("sa.yaml", "/etc/k8s/app.yaml"))
    }

    @Test func foldersCompareAsTheirBytes() {
        #expect(FolderScope.related("équipe/sa.yaml", "équipe/web/app.yaml"))
        #expect(FolderScope.related("/srv/équipe/web/app.yaml", "/srv/équipe/sa.yaml"))
        #expect(!FolderScope.related("équipe/sa.yaml", "équipes/app.yaml"))
        #expect(!FolderScope.related("équipe/a/sa.yaml", "équipe/b/app.yaml"))
        // A folder named `.` is the current one; `..` is not.
        #expect(FolderScope.related("./sa.yaml", "web/app.yaml"))
        #expect(!FolderScope.related("../sa.yaml", "web/app.yaml"))
    }
}
