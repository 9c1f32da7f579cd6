import Foundation
import Testing

/// `kubewire check` on whole repositories: kustomizations built by the real kustomize (kubectl),
/// charts rendered by the real helm, findings at the lines of the files the user wrote.
/// `make test` installs both into .build/tools/bin (KUBEWIRE_TOOLS_DIR).
@Suite(.serialized) struct RepositoryLayoutTests {
    static let toolsDirectory: String? = {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [
            environment["KUBEWIRE_TOOLS_DIR"], packageRoot.appendingPathComponent(".build/tools/bin").path,
        ].compactMap { $0 }.filter { !$0.isEmpty }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/helm") }) {
            return found
        }
        // Else the tools on PATH.
        let path = environment["PATH"] ?? ""
        return path.split(separator: ":").map(String.init).first {
            FileManager.default.isExecutableFile(atPath: $0 + "/helm")
                && FileManager.default.isExecutableFile(atPath: $0 + "/kubectl")
        }
    }()

    /// Runs kubewire with kubectl and helm on PATH.
    func check(_ arguments: [String], in directory: URL, stdin: String? = nil) throws -> RunResult {
        let tools = try #require(
            Self.toolsDirectory, "kubectl and helm are needed: `make kube-tools`, or set KUBEWIRE_TOOLS_DIR")
        return try run(
            kubewireBinary.path, ["check", "--color", "never"] + arguments, stdin: stdin.map { Array($0.utf8) },
            environment: ["PATH": tools + ":/usr/bin:/bin"], in: directory)
    }

    static let repository = packageRoot.appendingPathComponent("repositories/shop")

    @Test func aRepositoryRootChecksOverlaysChartAndPlainManifestsAndSkipsTheRest() throws {
        let result = try check(["."], in: Self.repository)
        #expect(result.status == 1, "\(result)")
        let out = result.stdout
        // The overlay broken by its patch: once, in the base file, naming the overlay.
        #expect(out.components(separatedBy: "error[service-target-port]").count == 2, "\(result)")
        #expect(out.contains("--> deploy/base/service.yaml:10:19"), "\(result)")
        #expect(out.contains("--> deploy/overlays/production/ports.yaml:12:13"), "\(result)")
        #expect(out.contains("found in the output of `kustomize build deploy/overlays/production`"), "\(result)")
        #expect(!out.contains("found in the output of `kustomize build deploy/overlays/staging"), "\(result)")
        // Its did-you-mean stays words: staging builds the same base line, where it is right.
        #expect(
            out.contains(
                "did you mean `web`? kubewire cannot make this edit: deploy/base/service.yaml is also built by `kustomize build deploy/overlays/staging`, where this is not a finding"
            ), "\(result)")
        // The chart's Ingress: at the template line.
        #expect(out.contains("error[ingress-backend]"), "\(result)")
        #expect(out.contains("--> charts/shop/templates/ingress.yaml:17:27"), "\(result)")
        // Nothing reported at rendered text, nothing from node_modules, patches, templates or values.
        #expect(!out.contains("(kustomize build)") && !out.contains("(helm template)"), "\(result)")
        #expect(!out.contains("node_modules") && !out.contains("not-an-object") && !out.contains("yaml-syntax"))
        // The helm test pod shares the app's labels but is no routing target.
        #expect(!out.contains("release-name-shop-test"), "\(result)")
        #expect(out.contains("error: 2 errors in 4 files"), "\(result)")
        #expect(out.contains("3 files skipped: not Kubernetes objects"), "\(result)")
        #expect(!out.contains("skipped (not Kubernetes objects): docker-compose.yml"))

        let verbose = try check([".", "--verbose"], in: Self.repository)
        for file in ["docker-compose.yml", "docs/openapi.yaml", "mkdocs.yml"] {
            #expect(verbose.stdout.contains("skipped (not Kubernetes objects): \(file)"), "\(verbose)")
        }
    }

    @Test func aSharedBaseFindingIsReportedOnceNamingEveryOverlay() throws {
        let scratch = try Scratch()
        let root = scratch.url.path
        try FileManager.default.createDirectory(atPath: root + "/base", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/dev", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/prod", withIntermediateDirectories: true)
        try scratch.write("base/kustomization.yaml", "resources: [app.yaml]\n")
        try scratch.write(
            "base/app.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector:
                app: wbe
              ports:
                - port: 80
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27

            """)
        try scratch.write("dev/kustomization.yaml", "namespace: dev\nresources: [../base]\n")
        try scratch.write("prod/kustomization.yaml", "namespace: prod\nnameSuffix: -prod\nresources: [../base]\n")
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.components(separatedBy: "error[service-selector]").count == 2, "\(result)")
        #expect(result.stdout.contains("--> base/app.yaml:7:10"), "\(result)")
        #expect(
            result.stdout.contains("found in the output of `kustomize build dev` and `kustomize build prod`"),
            "\(result)")
        // Positions inside messages name source lines too, never the rendered text.
        #expect(result.stdout.contains("(Deployment web, base/app.yaml:20:21)"), "\(result)")
        #expect(!result.stdout.contains("(kustomize build)"), "\(result)")
    }

    @Test func aKustomizationKustomizeCannotBuildIsAnInputErrorWithItsMessage() throws {
        let scratch = try Scratch()
        try scratch.write("kustomization.yaml", "resources:\n  - missing.yaml\n")
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[render-failed]: kustomize cannot build ."), "\(result)")
        #expect(result.stdout.contains("missing.yaml"), "\(result)")
        #expect(result.stdout.contains("--> kustomization.yaml:2:5"), "\(result)")  // the entry kustomize names
    }

    @Test func aFileTheRepositoryIgnoresIsMadeAtDeployTimeNotMissing() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/.git", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/overlays/azd", withIntermediateDirectories: true)
        try scratch.write(".gitignore", "# dotenv files\n.env\n.env.local\n")
        try scratch.write(
            "overlays/azd/kustomization.yaml", "configMapGenerator:\n  - name: api\n    envs:\n      - .env\n")
        let result = try check(["overlays"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout.contains(
                "note[not-rendered]: kustomization overlays/azd was not checked: it reads .env, which .gitignore keeps out"
            ), "\(result)")

        // A missing file the repository does not ignore is the kustomization's mistake.
        try scratch.write(".gitignore", "node_modules/\n")
        let broken = try check(["overlays"], in: scratch.url)
        #expect(broken.status == 2, "\(broken)")
        #expect(broken.stdout.contains("error[render-failed]: kustomize cannot build overlays/azd"), "\(broken)")
    }

    @Test func aChartHelmCannotRenderIsAnInputErrorAtTheChart() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/chart/templates", withIntermediateDirectories: true)
        try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: broken\nversion: 0.1.0\n")
        try scratch.write("chart/templates/cm.yaml", "kind: ConfigMap\nmetadata:\n  name: {{ .Values.name \n")
        let result = try check(["chart"], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[render-failed]: helm cannot render chart"), "\(result)")
        #expect(result.stdout.contains("--> chart/Chart.yaml:1:1"), "\(result)")
    }

    @Test func withoutTheToolsEachKustomizationAndChartIsNotCheckedAndSaysHow() throws {
        let empty = try Scratch()
        let result = try run(
            kubewireBinary.path, ["check", "--color", "never", "."],
            environment: [
                "PATH": empty.url.path, "KUBEWIRE_KUBECTL": "", "KUBEWIRE_HELM": "", "KUBEWIRE_KUSTOMIZE": "",
            ],
            in: Self.repository)
        #expect(result.status == 0, "\(result)")  // k8s/ is still checked (clean); nothing rendered
        #expect(result.stdout.contains("note[not-rendered]: chart charts/shop was not checked: helm is not on PATH"))
        #expect(
            result.stdout.components(separatedBy: "note[not-rendered]: kustomization").count == 3, "\(result)")
        #expect(!result.stdout.contains("error[ingress-backend]"), "\(result)")

        let required = try run(
            kubewireBinary.path, ["check", "--color", "never", "--require-render", "charts"],
            environment: ["PATH": empty.url.path], in: Self.repository)
        #expect(required.status == 2, "\(required)")
        #expect(required.stdout.contains("error[not-rendered]"), "\(required)")
    }

    @Test func noKubernetesObjectAtAllIsExitTwo() throws {
        let scratch = try Scratch()
        let empty = try check(["."], in: scratch.url)
        #expect(empty.status == 2, "\(empty)")
        #expect(empty.stdout.contains("error[no-objects]: no Kubernetes object in .: nothing was checked"), "\(empty)")

        let emptyInput = try check(["-"], in: scratch.url, stdin: "")
        #expect(emptyInput.status == 2, "\(emptyInput)")
        #expect(emptyInput.stdout.contains("error[no-objects]"), "\(emptyInput)")

        try scratch.write("docker-compose.yml", "services:\n  web:\n    image: nginx\n")
        let composeOnly = try check(["."], in: scratch.url)
        #expect(composeOnly.status == 2, "\(composeOnly)")
        #expect(composeOnly.stdout.contains("(1 file skipped: not Kubernetes objects)"), "\(composeOnly)")

        // Named explicitly, it is checked as given.
        let named = try check(["docker-compose.yml"], in: scratch.url)
        #expect(named.status == 2, "\(named)")
        #expect(named.stdout.contains("error[not-an-object]"), "\(named)")
    }

    @Test func aWalkedManifestThatDoesNotParseIsStillReported() throws {
        let scratch = try Scratch()
        try scratch.write("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n")
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("error[yaml-syntax]"), "\(result)")
    }

    @Test func oneFileReachedUnderSeveralSpellingsIsReadOnce() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/infra/k8s", withIntermediateDirectories: true)
        try scratch.write("infra/k8s/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n")
        let result = try check(
            ["./infra", "infra//k8s", "infra/./k8s", "infra/k8s/cm.yaml", "--context", "./infra/k8s"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("duplicate-object"), "\(result)")
        #expect(result.stdout.contains("in 1 file (1 object)"), "\(result)")
    }

    @Test func aKustomizationThatRunsPluginsIsNotCheckedNotAnError() throws {
        let scratch = try Scratch()
        try scratch.write("kustomization.yaml", "generators:\n  - gen.yaml\n")
        try scratch.write(
            "gen.yaml",
            """
            apiVersion: example.com/v1
            kind: Nginx
            metadata:
              name: demo
              annotations:
                config.kubernetes.io/function: |
                  container:
                    image: example/nginx-fn:1.0

            """)
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout.contains(
                "note[not-rendered]: kustomization . was not checked: it runs kustomize plugins or KRM functions"),
            "\(result)")
    }

    @Test func walkedTemplatesAndTestDataAreSkippedButNamedOnesAreChecked() throws {
        let scratch = try Scratch()
        let template = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Name }}

            """
        try scratch.write("cm.template.yaml", template)
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/testdata", withIntermediateDirectories: true)
        try scratch.write("testdata/invalid.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: [1]\n")
        // A real manifest whose `{{` sits in a block scalar (an alert template) is kept.
        try scratch.write(
            "alerts.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: alerts
            data:
              template: |
                {{ define "slack.text" }}{{ .CommonAnnotations.summary }}{{ end }}

            """)
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("in 1 file (1 object); 1 file skipped"), "\(result)")

        let named = try check(["cm.template.yaml"], in: scratch.url)
        #expect(named.status == 1, "\(named)")
        #expect(named.stdout.contains("error[field-type]"), "\(named)")
    }

    @Test func walkedEnvsubstAndQuotedActionTemplatesAreSkippedButNamedOnesAreChecked() throws {
        let scratch = try Scratch()
        // `envsubst < pool.yaml | kubectl apply -f -`: every placeholder would be an error of its own.
        try scratch.write(
            "pool-variables.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: ${POOL_NAME:-pool}
              namespace: ${NAMESPACE}
            spec:
              type: ${SERVICE_TYPE:-ClusterIP}
              ports:
                - port: ${PORT:-9002}

            """)
        // A chart's template whose actions are quoted: `{{` in a label value.
        try scratch.write(
            "crd-labels.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels:
                release: "{{ .Release.Name }}"

            """)
        // A real manifest whose `${…}` sits in its data (an application's own placeholders) is kept.
        try scratch.write(
            "config.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: config
            data:
              url: ${DATABASE_URL}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: ${SERVICE_TYPE}
              ports:
                - port: 80

            """)
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("in 1 file (2 objects); 2 files skipped"), "\(result)")
        #expect(result.stdout.contains("--> config.yaml:13:9"), "\(result)")
        #expect(!result.stdout.contains("pool-variables.yaml") && !result.stdout.contains("crd-labels"), "\(result)")

        let named = try check(["pool-variables.yaml"], in: scratch.url)
        #expect(named.status == 1, "\(named)")
        #expect(named.stdout.contains("error[name-format]"), "\(named)")
    }

    @Test func moreHelmValuesFilesComeFromTheOptionAndTheConfiguration() throws {
        let scratch = try Scratch()
        let chart = Self.repository.appendingPathComponent("charts/shop").path
        try scratch.write("port.yaml", "service:\n  port: 8080\n")
        let plain = try check([chart], in: scratch.url)
        #expect(plain.status == 1 && plain.stdout.contains("error[ingress-backend]"), "\(plain)")

        let option = try check([chart, "--helm-values", "port.yaml"], in: scratch.url)
        #expect(option.status == 0, "\(option)")

        try scratch.write(".kubewire.yaml", "helmValues: [port.yaml]\n")
        let configured = try check([chart], in: scratch.url)
        #expect(configured.status == 0, "\(configured)")

        try scratch.write(".kubewire.yaml", "helmValues: port.yaml\n")
        let wrong = try check([chart], in: scratch.url)
        #expect(wrong.status == 2 && wrong.stdout.contains("`helmValues` takes a list of values files"), "\(wrong)")
    }

    @Test func chartsRenderForTheTargetedKubernetesRelease() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.path("chart/templates"), withIntermediateDirectories: true)
        _ = try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: gated\nversion: 0.1.0\n")
        // helm's own default release (1.35) would pick the removed policy/v1beta1 here.
        _ = try scratch.write(
            "chart/templates/pdb.yaml",
            """
            apiVersion: {{ if semverCompare ">=1.36-0" .Capabilities.KubeVersion.Version }}policy/v1{{ else }}policy/v1beta1{{ end }}
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              minAvailable: 1
              selector:
                matchLabels: {app: web}

            """)
        let newest = try check(["chart", "--kube-version", "1.37"], in: scratch.url)
        #expect(newest.status == 0, "\(newest)")
        let older = try check(["chart", "--kube-version", "1.30"], in: scratch.url)
        #expect(older.status == 1 && older.stdout.contains("error[api-removed]"), "\(older)")
    }

    @Test func theActionsDefaultPathsChecksARepositoryRoot() throws {
        let tools = try #require(Self.toolsDirectory, "kubectl and helm are needed: `make kube-tools`")
        let scratch = try Scratch()
        let copy = try run("/bin/cp", ["-R", Self.repository.path + "/.", scratch.url.path], in: scratch)
        #expect(copy.status == 0, "\(copy)")
        // `paths: .`, the input's default, given explicitly: runActionStep's `.string` reads the plain `.` default as nil.
        let check = try DistributionTests.runActionStep(
            "check", index: 1, inputs: ["paths": "."], toolsPath: tools, in: scratch)
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("::error file=deploy/base/service.yaml,line=10,col=19"), "\(check)")
        #expect(check.stdout.contains("::error file=charts/shop/templates/ingress.yaml,line=17,col=27"), "\(check)")
        #expect(!check.stdout.contains("node_modules"), "\(check)")
    }

    @Test func aValueHelmPrintedIsReportedAtTheTemplateLineThatPrintsIt() throws {
        let scratch = try Scratch()
        let values = try scratch.write("port.yaml", "service:\n  port: 70000\n")
        let result = try check(["charts/shop", "--helm-values", values], in: Self.repository)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[field-value]"), "\(result)")
        #expect(result.stdout.contains("--> charts/shop/templates/service.yaml:10:13"), "\(result)")
        #expect(result.stdout.contains("helm renders it as `port: 70000`"), "\(result)")
    }

    @Test func findingsThatOnlyReachTheirTemplatesObjectStayApart() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/chart/templates", withIntermediateDirectories: true)
        try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        try scratch.write(
            "chart/values.yaml",
            "service:\n  type: Nodeport\n  ports:\n    - port: 70000\n")
        try scratch.write(
            "chart/templates/service.yaml",
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
            {{ toYaml .Values.service | indent 2 }}

            """)
        let result = try check(["chart"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.components(separatedBy: "error[field-value]").count == 3, "\(result)")
        #expect(result.stdout.contains("helm renders this line of chart as `type: Nodeport`"), "\(result)")
        #expect(result.stdout.contains("helm renders this line of chart as `- port: 70000`"), "\(result)")
    }

    @Test func alternativeFilesAreNotDuplicatesUnlessAppliedTogether() throws {
        let scratch = try Scratch()
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {MODE: x}\n"
        for folder in ["envs/dev", "envs/prod", "k8s"] {
            try FileManager.default.createDirectory(
                atPath: scratch.url.path + "/" + folder, withIntermediateDirectories: true)
        }
        try scratch.write("envs/dev/settings.yaml", configMap)
        try scratch.write("envs/prod/settings.yaml", configMap)
        let variants = try check(["."], in: scratch.url)
        #expect(variants.status == 0, "\(variants)")

        // Two files of one folder (one per scenario, install.yaml beside namespace-install.yaml):
        // nothing says they are applied together.
        try scratch.write("k8s/settings.yaml", configMap)
        try scratch.write("k8s/settings-copy.yaml", configMap)
        let alternatives = try check(["k8s"], in: scratch.url)
        #expect(alternatives.status == 0, "\(alternatives)")

        // One skaffold manifests glob deploys both: a true duplicate.
        try scratch.write(
            "skaffold.yaml", "apiVersion: skaffold/v4beta3\nkind: Config\nmanifests:\n  rawYaml: [k8s/*.yaml]\n")
        let deployed = try check(["."], in: scratch.url)
        #expect(deployed.status == 1 && deployed.stdout.contains("error[duplicate-object]"), "\(deployed)")
        #expect(deployed.stdout.components(separatedBy: "error[duplicate-object]").count == 2, "\(deployed)")

        // Named explicitly, two files are one deployment.
        let named = try check(["envs/dev/settings.yaml", "envs/prod/settings.yaml"], in: scratch.url)
        #expect(named.status == 1 && named.stdout.contains("error[duplicate-object]"), "\(named)")
    }

    @Test func templatesWithWindowsLineEndingsMapToTheirLines() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/chart/templates", withIntermediateDirectories: true)
        try scratch.write("chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n")
        let service = [
            "apiVersion: v1", "kind: Service", "metadata:", "  name: {{ .Release.Name }}", "spec:", "  ports:",
            "    - port: 70000", "",
        ].joined(separator: "\r\n")
        try scratch.write("chart/templates/service.yaml", service)
        let result = try check(["chart"], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("--> chart/templates/service.yaml:7:13"), "\(result)")
    }

    @Test func aFieldAnInlinePatchSetsIsReportedAtTheKustomizationLine() throws {
        let scratch = try Scratch()
        for folder in ["base", "prod"] {
            try FileManager.default.createDirectory(
                atPath: scratch.url.path + "/" + folder, withIntermediateDirectories: true)
        }
        let base = Self.repository.appendingPathComponent("deploy/base")
        for file in ["deployment.yaml", "service.yaml"] {
            try scratch.write("base/" + file, String(contentsOf: base.appendingPathComponent(file), encoding: .utf8))
        }
        try scratch.write("base/kustomization.yaml", "resources: [deployment.yaml, service.yaml]\n")
        try scratch.write(
            "prod/kustomization.yaml",
            """
            resources:
              - ../base
            patches:
              - target: {kind: Deployment, name: api}
                patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: api
                  spec:
                    template:
                      spec:
                        containers:
                          - name: api
                            image: example/api:1.5.0
                            ports:
                              - name: web
                                containerPort: 8080

            """)
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("--> base/service.yaml:10:19"), "\(result)")
        #expect(result.stdout.contains("--> prod/kustomization.yaml:17:19"), "\(result)")
    }

    @Test func aValueTheKustomizationItselfWritesIsReportedThere() throws {
        let scratch = try Scratch()
        try scratch.write(
            "app.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: nginx:1.27

            """)
        try scratch.write(
            "kustomization.yaml", "resources: [app.yaml]\nreplicas:\n  - name: web\n    count: -1\n")
        let result = try check(["."], in: scratch.url)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("--> kustomization.yaml:4:12"), "\(result)")
    }

    @Test func aChartWhoseDependenciesAreNotFetchedIsNotCheckedUnlessRenderingIsRequired() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(
            atPath: scratch.url.path + "/chart/templates", withIntermediateDirectories: true)
        try scratch.write(
            "chart/Chart.yaml",
            """
            apiVersion: v2
            name: web
            version: 0.1.0
            dependencies:
              - name: redis
                version: 1.0.0
                repository: https://charts.example.com

            """)
        try scratch.write("chart/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n")
        let result = try check(["chart"], in: scratch.url)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("run `helm dependency build chart` first"), "\(result)")

        try scratch.write(".kubewire.yaml", "requireRender: true\n")
        let required = try check(["chart"], in: scratch.url)
        #expect(required.status == 2, "\(required)")
        #expect(required.stdout.contains("error[not-rendered]"), "\(required)")
    }
}
