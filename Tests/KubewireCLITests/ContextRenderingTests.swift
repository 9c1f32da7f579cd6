import Foundation
import Testing

/// `--context` kustomizations and charts: rendered with the real kubectl (kustomize) and helm as the
/// inputs' are, their objects evidence for the inputs, never checked themselves. Skipped (with the
/// reason) on a machine without the tools: `make kube-tools` installs them.
@Suite(
    .serialized,
    .enabled(
        if: RepositoryLayoutTests.toolsDirectory != nil,
        "kubectl and helm are needed: `make kube-tools`, or set KUBEWIRE_TOOLS_DIR"))
struct ContextRenderingTests {
    static func ingress(service: String, port: Int) -> String {
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          ingressClassName: nginx
          rules:
            - host: posts.com
              http:
                paths:
                  - path: /posts
                    pathType: Prefix
                    backend:
                      service:
                        name: \(service)
                        port:
                          number: \(port)

        """
    }

    static let service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: posts-srv
        spec:
          selector:
            app: posts
          ports:
            - port: 4000

        """

    /// A kustomization that renames what it builds: the rendered Service is `app-posts-srv`, written
    /// at `base/service.yaml`'s line 4.
    static let application: [String: String] = [
        "app/kustomization.yaml": "namePrefix: app-\nresources:\n  - ../base\n",
        "base/kustomization.yaml": "resources:\n  - service.yaml\n",
        "base/service.yaml": service,
    ]

    @Test func anIngressWhoseServiceIsInAContextKustomizationResolvesAndAMisspeltNameIsFound() throws {
        let scratch = try Scratch()
        try scratch.write(Self.application)
        try scratch.write("ingress.yaml", Self.ingress(service: "app-posts-srv", port: 4000))
        let resolved = try checkWithKubeTools(["ingress.yaml", "--context", "app"], in: scratch)
        #expect(resolved.status == 0, "\(resolved)")
        #expect(resolved.stdout.contains("ok: no findings in 1 file (1 object)"), "\(resolved)")

        // A port the rendered Service does not expose: the target is in the context, and wrong.
        try scratch.write("ingress.yaml", Self.ingress(service: "app-posts-srv", port: 4001))
        let wrongPort = try checkWithKubeTools(["ingress.yaml", "--context", "app"], in: scratch)
        #expect(wrongPort.status == 1, "\(wrongPort)")
        #expect(wrongPort.stdout.contains("error[ingress-backend]"), "\(wrongPort)")
        #expect(wrongPort.stdout.contains("--> base/service.yaml:"), "\(wrongPort)")

        try scratch.write("ingress.yaml", Self.ingress(service: "app-post-srv", port: 4000))
        let misspelt = try checkWithKubeTools(["ingress.yaml", "--context", "app"], in: scratch)
        #expect(misspelt.status == 1, "\(misspelt)")
        #expect(misspelt.stdout.contains("error[ingress-backend]"), "\(misspelt)")
        #expect(misspelt.stdout.contains("--> ingress.yaml:15:23"), "\(misspelt)")
        // The note points at the line that writes the Service, not at kustomize's output.
        #expect(misspelt.stdout.contains("note: Service app-posts-srv is defined here"), "\(misspelt)")
        #expect(misspelt.stdout.contains("--> base/service.yaml:4:9"), "\(misspelt)")
        #expect(!misspelt.stdout.contains("kustomize build"), "\(misspelt)")
        #expect(misspelt.stdout.contains("did you mean app-posts-srv?"), "\(misspelt)")

        // Without the context the Service may be installed any other way: nothing is proven.
        let alone = try checkWithKubeTools(["ingress.yaml"], in: scratch)
        #expect(alone.status == 0, "\(alone)")
    }

    @Test func aContextChartIsRenderedWithItsValuesAndIsEvidence() throws {
        let scratch = try Scratch()
        try scratch.write([
            "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            "chart/values.yaml": "port: 8080\n",
            "chart/templates/service.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: web-srv
            spec:
              selector:
                app: web
              ports:
                - port: {{ .Values.port }}

            """,
            // A template error in the chart's pod would be the chart's finding, never this run's.
            "chart/templates/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: other}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: web

            """,
        ])
        try scratch.write("ingress.yaml", Self.ingress(service: "web-srv", port: 8080))
        let resolved = try checkWithKubeTools(["ingress.yaml", "--context", "chart"], in: scratch)
        #expect(resolved.status == 0, "\(resolved)")
        #expect(!resolved.stdout.contains("workload-selector"), "\(resolved)")

        try scratch.write("ingress.yaml", Self.ingress(service: "web-srv", port: 80))
        let wrongPort = try checkWithKubeTools(["ingress.yaml", "--context", "chart"], in: scratch)
        #expect(wrongPort.status == 1, "\(wrongPort)")
        #expect(wrongPort.stdout.contains("error[ingress-backend]"), "\(wrongPort)")
        #expect(wrongPort.stdout.contains("--> chart/templates/service.yaml:"), "\(wrongPort)")
        #expect(!wrongPort.stdout.contains("helm template"), "\(wrongPort)")
        #expect(wrongPort.stdout.contains("1 error in 1 file"), "\(wrongPort)")

        try scratch.write("ingress.yaml", Self.ingress(service: "web-svr", port: 8080))
        let misspelt = try checkWithKubeTools(["ingress.yaml", "--context", "chart"], in: scratch)
        #expect(misspelt.status == 1, "\(misspelt)")
        #expect(misspelt.stdout.contains("--> chart/templates/service.yaml:4:9"), "\(misspelt)")
    }

    @Test func aContextThatCannotBeRenderedIsOneNoteAndNotAnErrorOfTheRun() throws {
        let scratch = try Scratch()
        try scratch.write(["broken/kustomization.yaml": "resources:\n  - missing.yaml\n"])
        try scratch.write("ingress.yaml", Self.ingress(service: "posts-srv", port: 4000))
        for arguments in [
            ["ingress.yaml", "--context", "broken"], ["ingress.yaml", "--context", "broken", "--require-render"],
        ] {
            let result = try checkWithKubeTools(arguments, in: scratch)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.components(separatedBy: "note[not-rendered]").count == 2, "\(result)")
            #expect(
                result.stdout.contains(
                    "note[not-rendered]: --context broken could not be rendered, so its objects are not used to resolve references: kustomize cannot build broken"
                ), "\(result)")
            #expect(result.stdout.contains("--> broken/kustomization.yaml:2:5"), "\(result)")
            #expect(!result.stdout.contains("render-failed"), "\(result)")
        }
        // As an input it is the run's error.
        let input = try checkWithKubeTools(["broken"], in: scratch)
        #expect(input.status == 2, "\(input)")
        #expect(input.stdout.contains("error[render-failed]"), "\(input)")
    }

    @Test func aContextUnitNeverCreatesAnErrorByItselfButANearName() throws {
        let scratch = try Scratch()
        try scratch.write([
            "accounts/kustomization.yaml": "resources:\n  - builder.yaml\n  - service.yaml\n",
            "accounts/builder.yaml": "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n",
            "accounts/service.yaml": Self.service,
        ])
        let deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: posts
            spec:
              selector:
                matchLabels: {app: posts}
              template:
                metadata:
                  labels: {app: posts}
                spec:
                  serviceAccountName: runner
                  containers:
                    - name: posts
                      image: posts
                      ports:
                        - containerPort: 4000

            """
        // The focus defines the same Service as the context: no collision with what it is applied with.
        try scratch.write("deploy.yaml", deployment + "---\n" + Self.service)
        let result = try checkWithKubeTools(["deploy.yaml", "--context", "accounts"], in: scratch)
        // Another ServiceAccount in the context does not prove `runner` missing.
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("service-account"), "\(result)")
        #expect(!result.stdout.contains("duplicate-object"), "\(result)")

        // In the checked files themselves, it does.
        try scratch.write(
            "deploy.yaml",
            deployment + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n")
        let inFocus = try checkWithKubeTools(["deploy.yaml"], in: scratch)
        #expect(inFocus.status == 1, "\(inFocus)")
        #expect(inFocus.stdout.contains("error[service-account]"), "\(inFocus)")
    }

    @Test func anInputKustomizationLearnsWhatAContextKustomizationDefines() throws {
        let scratch = try Scratch()
        try scratch.write([
            "apps/kustomization.yaml": "resources:\n  - deployer.yaml\n  - cache-sa.yaml\n",
            "apps/deployer.yaml": DeployUnitEvidenceTests.deployment,
            "apps/cache-sa.yaml": DeployUnitEvidenceTests.serviceAccount("cache"),
            "cluster-scoped/kustomization.yaml": "resources:\n  - deployer-sa.yaml\n",
            "cluster-scoped/deployer-sa.yaml": DeployUnitEvidenceTests.serviceAccount("cache-deployer-sa"),
        ])
        let alone = try checkWithKubeTools(["apps"], in: scratch)
        #expect(alone.status == 1, "\(alone)")
        #expect(alone.stdout.contains("error[service-account]"), "\(alone)")

        // Installed separately by the context's kustomization.
        let withContext = try checkWithKubeTools(["apps", "--context", "cluster-scoped"], in: scratch)
        #expect(withContext.status == 0, "\(withContext)")
        #expect(!withContext.stdout.contains("service-account"), "\(withContext)")
    }

    @Test func aContextKustomizationThatIsAlsoAnInputIsCheckedOnceAndStillEvidence() throws {
        let scratch = try Scratch()
        try scratch.write(Self.application)
        try scratch.write("ingress.yaml", Self.ingress(service: "app-post-srv", port: 4000))
        let result = try checkWithKubeTools(["app", "ingress.yaml", "--context", "app"], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("--> base/service.yaml:4:9"), "\(result)")
        #expect(result.stdout.contains("1 error in 2 files"), "\(result)")
    }
}
