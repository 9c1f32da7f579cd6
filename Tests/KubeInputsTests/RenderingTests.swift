import Foundation
import Testing

@testable import KubeInputs

@Suite struct RenderingTests {
    @Test func buildAnnotationsAreRemovedWithTheAnnotationsKeyTheyLeaveEmpty() {
        let built = """
            apiVersion: v1
            kind: Service
            metadata:
              annotations:
                alpha.config.kubernetes.io/transformations: |
                  - configuredIn: ../kx/overlays/prod/kustomization.yaml
                    configuredBy:
                      kind: PatchTransformer
                config.kubernetes.io/origin: |
                  path: ../kx/base/service.yaml
              name: web
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              annotations:
                config.kubernetes.io/origin: |
                  path: cm.yaml
                team: shop
              name: settings
            """
        let stripped = KustomizeBuild.stripBuildAnnotations(built)
        #expect(
            stripped == """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  annotations:
                    team: shop
                  name: settings
                """)
    }

    @Test func helmSourcePathsStayInsideTheChart() {
        let chart = ChartFolder(path: "charts/web", chartFile: "charts/web/Chart.yaml")
        #expect(HelmRender.templatePath("web/templates/svc.yaml", chart: chart) == "charts/web/templates/svc.yaml")
        #expect(
            HelmRender.templatePath("web/charts/db/templates/a.yaml", chart: chart)
                == "charts/web/charts/db/templates/a.yaml")
        #expect(HelmRender.templatePath("web/../../etc/passwd", chart: chart) == nil)
        #expect(HelmRender.templatePath("web", chart: chart) == nil)
    }

    @Test func templatedLinesNeedOneCandidateBetweenLiteralNeighbours() {
        let template = ["kind: Service", "spec:", "  ports:", "    - port: {{ .Values.port }}", "      name: http"]
        let rendered = ["kind: Service", "spec:", "  ports:", "  - port: 80", "    name: http"]
        let literal = [1: 1, 2: 2, 3: 3, 5: 5]
        #expect(
            HelmRender.templatedLines(literal: literal, renderedLines: rendered, range: 1...5, templateLines: template)
                == [4: 4])
        // A value an include printed over several lines matches no single template line.
        let included = ["metadata:", "  labels:", "    {{- include \"labels\" . | nindent 4 }}"]
        #expect(
            HelmRender.templatedLines(
                literal: [1: 1, 2: 2], renderedLines: ["metadata:", "  labels:", "    app: web"], range: 1...3,
                templateLines: included
            ).isEmpty)
    }

    @Test func gitignorePatternsMatchAsGitReadsThem() {
        #expect(GitIgnore.matches(".env", "overlays/azd/.env"))  // no slash: any level
        #expect(GitIgnore.matches("*.env", "prod.env"))
        #expect(GitIgnore.matches("secrets/", "secrets/db.yaml"))  // a folder and what it holds
        #expect(!GitIgnore.matches("secrets/", "secrets"))  // a file of that name is no folder
        #expect(GitIgnore.matches("/overlays/*/.env", "overlays/azd/.env"))
        #expect(!GitIgnore.matches("/.env", "overlays/.env"))  // anchored at the .gitignore's folder
        #expect(!GitIgnore.matches("# .env", ".env"))
        #expect(!GitIgnore.matches(".env.local", ".env"))
        #expect(
            GitIgnore.missingFile(
                in: "Error: loading KV pairs: env source files: [.env]: open /r/o/.env: no such file or directory")
                == "/r/o/.env")
        #expect(GitIgnore.missingFile(in: "Error: must build at directory: not a valid directory") == nil)
    }

    @Test func relativePathsClimbToTheCommonFolder() {
        #expect(
            relativePath(from: "/tmp/kubewire-render-1", to: "/work/repo/overlays/prod")
                == "../../work/repo/overlays/prod")
        #expect(relativePath(from: "/a/b", to: "/a/b/c") == "c")
    }
}
