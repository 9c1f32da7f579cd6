import Foundation
import Testing

/// What one deploy unit of a repository proves about another, and which files a walk reads, through
/// `kubewire check .` with the real kubectl (kustomize).
@Suite(.serialized) struct DeployUnitEvidenceTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: cache-deployer
          namespace: pipelines
        spec:
          selector:
            matchLabels: {app: cache-deployer}
          template:
            metadata:
              labels: {app: cache-deployer}
            spec:
              serviceAccountName: cache-deployer-sa
              containers:
              - name: deployer
                image: deployer

        """

    static func serviceAccount(_ name: String) -> String {
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \(name)\n  namespace: pipelines\n"
    }

    @Test func aServiceAccountAnotherKustomizationDefinesIsNotProvenMissing() throws {
        let scratch = try Scratch()
        try scratch.write([
            "apps/cache-deployer.yaml": Self.deployment,
            "apps/cache-sa.yaml": Self.serviceAccount("cache"),
            // Installed first, as its own kustomization (cluster-scoped resources and their accounts).
            "cluster-scoped/kustomization.yaml": "resources:\n- deployer-sa.yaml\n",
            "cluster-scoped/deployer-sa.yaml": Self.serviceAccount("cache-deployer-sa"),
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("service-account"), "\(result)")

        // Without that kustomization, the account the namespace lacks is proven missing.
        try FileManager.default.removeItem(atPath: scratch.path("cluster-scoped"))
        let alone = try checkWithKubeTools(["."], in: scratch)
        #expect(alone.status == 1, "\(alone)")
        #expect(alone.stdout.contains("error[service-account]"), "\(alone)")
    }

    @Test func aNameAFileTheKustomizationLeavesOutDefinesIsNotProvenMissing() throws {
        let scratch = try Scratch()
        try scratch.write([
            "config/default/kustomization.yaml": "resources:\n- ../manager\n- ../rbac\n",
            "config/manager/kustomization.yaml": "resources:\n- manager.yaml\n",
            "config/manager/manager.yaml": Self.deployment,
            // kubebuilder's scaffold: the account is commented out, made another way at install time.
            "config/rbac/kustomization.yaml": "resources:\n# - service_account.yaml\n- cache-sa.yaml\n",
            "config/rbac/cache-sa.yaml": Self.serviceAccount("cache"),
            // Never checked: its unknown field is not reported.
            "config/rbac/service_account.yaml": Self.serviceAccount("cache-deployer-sa") + "colour: blue\n",
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("service-account"), "\(result)")
        #expect(!result.stdout.contains("unknown-field"), "\(result)")

        // Without the unlisted file, the account the namespace lacks is proven missing.
        try FileManager.default.removeItem(atPath: scratch.path("config/rbac/service_account.yaml"))
        let alone = try checkWithKubeTools(["."], in: scratch)
        #expect(alone.status == 1, "\(alone)")
        #expect(alone.stdout.contains("error[service-account]"), "\(alone)")
    }

    @Test func aNameAnotherUnitDefinesIsNoMisspellingOfANearNameHere() throws {
        let scratch = try Scratch()
        let reader = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: catalog
              namespace: catalog
            spec:
              selector:
                matchLabels: {app: catalog}
              template:
                metadata:
                  labels: {app: catalog}
                spec:
                  containers:
                  - name: catalog
                    image: catalog
                    env:
                    - name: DB_PASSWORD
                      valueFrom:
                        secretKeyRef: {name: catalog-sealed-db, key: password}

            """
        func secret(_ name: String) -> String {
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: \(name)\n  namespace: catalog\nstringData:\n  password: x\n"
        }
        try scratch.write([
            "sealed/kustomization.yaml": "resources:\n- deployment.yaml\n- db.yaml\n",
            "sealed/deployment.yaml": reader,
            "sealed/db.yaml": secret("catalog-db"),
            // Sealed by hand (kubeseal) and applied as a SealedSecret: the kustomization leaves it out.
            "sealed/new-catalog-db.yaml": secret("catalog-sealed-db"),
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("secret-ref"), "\(result)")

        // Without it, `catalog-db` beside is the likely meaning: one name token more.
        try FileManager.default.removeItem(atPath: scratch.path("sealed/new-catalog-db.yaml"))
        let alone = try checkWithKubeTools(["."], in: scratch)
        #expect(alone.status == 1, "\(alone)")
        #expect(alone.stdout.contains("error[secret-ref]"), "\(alone)")
    }

    @Test func jsonManifestsAreCheckedAndOtherJSONFilesSkippedQuietly() throws {
        let scratch = try Scratch()
        try scratch.write([
            "package.json": #"{"name": "web", "version": "1.0.0", "scripts": {"start": "node ."}}"#,
            "tsconfig.json": #"{"compilerOptions": {"strict": true}}"#,
            "charts-schema/values.schema.json":
                #"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}"#,
            "k8s/service.json": """
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
             "spec": {"ports": [{"port": 80, "targetPort": "htp"}], "selector": {"app": "web"}}}
            """,
            "k8s/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: web
                    image: web
                    ports: [{name: http, containerPort: 8080}]

            """,
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[service-target-port]"), "\(result)")
        #expect(result.stdout.contains("--> k8s/service.json:2:"), "\(result)")
        #expect(result.stdout.contains("3 files skipped: not Kubernetes objects"), "\(result)")
    }
}
