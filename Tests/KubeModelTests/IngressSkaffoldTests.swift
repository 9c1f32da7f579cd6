import Foundation
import KubeModel
import KubeYAML
import Testing

@Suite("ingress")
struct IngressTests {
    @Test func legacyExtensionsV1beta1() throws {
        let g = graph(
            """
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata:
              name: legacy
              annotations:
                kubernetes.io/ingress.class: nginx
                nginx.ingress.kubernetes.io/use-regex: "true"
            spec:
              backend: {serviceName: fallback, servicePort: 80}
              rules:
                - host: posts.com
                  http:
                    paths:
                      - path: /posts
                        backend: {serviceName: posts-srv, servicePort: 4000}
                      - path: /named
                        backend: {serviceName: posts-srv, servicePort: http}
                      - path: /quoted
                        backend: {serviceName: posts-srv, servicePort: "4000"}
                      - backend: {serviceName: root-srv, servicePort: 80}
            """)
        let ingress = try #require(g.ingresses.first)
        #expect(ingress.isLegacy)
        #expect(ingress.className == "nginx")
        #expect(ingress.isNginxClass)
        #expect(ingress.usesRegex)
        #expect(ingress.defaultBackend?.serviceName == "fallback")
        #expect(ingress.defaultBackend?.port == .number(80))
        let rule = try #require(ingress.rules.first)
        #expect(rule.host == "posts.com")
        #expect(rule.paths.map(\.path) == ["/posts", "/named", "/quoted", ""])
        #expect(rule.paths.map(\.effectivePath) == ["/posts", "/named", "/quoted", "/"])
        #expect(rule.paths.map { $0.backend?.serviceName } == ["posts-srv", "posts-srv", "posts-srv", "root-srv"])
        // A quoted "4000" is a port *name*, as the API server reads int-or-string.
        #expect(rule.paths.map { $0.backend?.port } == [.number(4000), .name("http"), .name("4000"), .number(80)])
        #expect(rule.paths[0].backend?.serviceNameNode?.start == Mark(line: 15, column: 36))
        #expect(rule.paths[0].backend?.portNode?.start == Mark(line: 15, column: 60))
        #expect(rule.paths[0].backend?.isResource == false)
    }

    @Test func networkingV1beta1IsLegacyToo() throws {
        let g = graph(
            """
            apiVersion: networking.k8s.io/v1beta1
            kind: Ingress
            metadata: {name: beta}
            spec:
              rules:
                - http:
                    paths:
                      - path: /
                        backend: {serviceName: web, servicePort: web-port}
            """)
        let ingress = try #require(g.ingresses.first)
        #expect(ingress.isLegacy)
        #expect(ingress.className == nil)
        #expect(!ingress.isNginxClass)
        #expect(!ingress.usesRegex)
        #expect(ingress.defaultBackend == nil)
        #expect(ingress.rules.first?.host == nil)
        #expect(ingress.rules.first?.paths.first?.backend?.port == .name("web-port"))
    }

    @Test func networkingV1() throws {
        let g = graph(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: v1
              annotations: {nginx.ingress.kubernetes.io/rewrite-target: /$2, nginx.ingress.kubernetes.io/use-regex: "no"}
            spec:
              ingressClassName: nginx
              defaultBackend: {service: {name: fallback, port: {number: 8080}}}
              rules:
                - host: ""
                  http:
                    paths:
                      - path: /api
                        pathType: Prefix
                        backend: {service: {name: api, port: {number: 4000}}}
                      - path: /named
                        pathType: Exact
                        backend: {service: {name: api, port: {name: http}}}
                      - path: /quoted
                        pathType: ImplementationSpecific
                        backend: {service: {name: api, port: {number: "4000"}}}
                      - path: /res
                        backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: b}}
                      - path: /none
            """)
        let ingress = try #require(g.ingresses.first)
        #expect(!ingress.isLegacy)
        #expect(ingress.className == "nginx")
        #expect(!ingress.usesRegex)
        #expect(ingress.rewrites("/api"))
        #expect(!ingress.rewrites("/$2"))
        #expect(ingress.defaultBackend?.serviceName == "fallback")
        #expect(ingress.defaultBackend?.port == .number(8080))
        let rule = try #require(ingress.rules.first)
        #expect(rule.host == nil)
        let paths = rule.paths
        #expect(paths.map(\.pathType) == ["Prefix", "Exact", "ImplementationSpecific", nil, nil])
        #expect(paths.map { $0.backend?.serviceName } == ["api", "api", "api", nil, nil])
        #expect(paths.map { $0.backend?.port } == [.number(4000), .name("http"), .name("4000"), nil, nil])
        #expect(paths.map { $0.backend?.isResource } == [false, false, false, true, nil])
        #expect(paths[0].backend?.portNode?.scalar == "4000")
    }

    @Test func v1IgnoresTheLegacyBackendField() {
        let g = graph(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: v1}
            spec: {backend: {serviceName: old, servicePort: 80}}
            """)
        #expect(g.ingresses.first?.defaultBackend == nil)
    }

    /// A v1 backend written in the v1beta1 form still names its Service (the reference is checked;
    /// the form is one unknown-field error); beside a `service` the old fields are not read.
    @Test func legacyServiceBackendFieldsInV1AreReadAndMarked() {
        let g = graph(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: v1}
            spec:
              rules:
                - http:
                    paths:
                      - {path: /, backend: {serviceName: old, servicePort: 80}}
                      - {path: /b, backend: {service: {name: new, port: {number: 81}}, serviceName: old}}
            """)
        let backends = g.ingresses.first?.rules.first?.paths.map(\.backend) ?? []
        #expect(backends.first??.serviceName == "old")
        #expect(backends.first??.port == .number(80))
        #expect(backends.first??.usesLegacyFieldsInV1 == true)
        #expect(backends.last??.serviceName == "new")
        #expect(backends.last??.usesLegacyFieldsInV1 == false)
    }

    @Test func unknownIngressVersionIsNotAnIngress() {
        let g = graph("apiVersion: example.com/v1\nkind: Ingress\nmetadata: {name: x}\n")
        #expect(g.ingresses.isEmpty)
        #expect(g.objects.count == 1)
    }
}

@Suite("skaffold")
struct SkaffoldTests {
    @Test func v2alpha3KubectlManifests() throws {
        let g = graph(
            """
            apiVersion: skaffold/v2alpha3
            kind: Config
            deploy:
              kubectl:
                manifests:
                  - ./infra/k8s/*
            build:
              local: {push: false}
              artifacts:
                - image: cygnetops/client
                  context: client
                  docker: {dockerfile: Dockerfile.dev, buildArgs: {MODE: dev}}
                - image: cygnetops/posts
            """)
        let config = try #require(g.skaffoldConfigs.first)
        #expect(config.manifestGlobs == ["./infra/k8s/*"])
        #expect(config.artifacts.map(\.image) == ["cygnetops/client", "cygnetops/posts"])
        #expect(config.artifacts.map(\.context) == ["client", "."])
        #expect(config.artifacts.map(\.dockerfile) == ["Dockerfile.dev", "Dockerfile"])
        #expect(config.artifacts[0].buildArgs == ["MODE": "dev"])
        #expect(config.artifacts[1].contextNode == nil)
        #expect(config.artifacts[0].imageNode.start == Mark(line: 10, column: 14))
    }

    @Test func v4beta1RawYaml() throws {
        let g = graph(
            """
            apiVersion: skaffold/v4beta11
            kind: Config
            manifests:
              rawYaml: [k8s/*.yaml, extra.yaml]
            build:
              artifacts: [{image: app}]
            """)
        let config = try #require(g.skaffoldConfigs.first)
        #expect(config.manifestGlobs == ["k8s/*.yaml", "extra.yaml"])
        #expect(config.artifacts.map(\.image) == ["app"])
    }

    @Test func deployedFilesFollowRawGlobsKustomizePathsAndCharts() throws {
        let objects = ManifestLoader.load(
            text: """
                apiVersion: skaffold/v3
                kind: Config
                manifests:
                  rawYaml: [./k8s/*.yaml]
                  kustomize: {paths: [overlays/dev]}
                  helm: {releases: [{name: web, chartPath: charts/web}]}
                ---
                apiVersion: skaffold/v2beta29
                kind: Config
                deploy:
                  kustomize: {paths: [base]}
                ---
                apiVersion: skaffold/v4beta11
                kind: Config
                build: {artifacts: [{image: app}]}
                """, name: "/repo/skaffold.yaml"
        ).graph.skaffoldConfigs
        #expect(objects.count == 3)
        let (v3, v2, bare) = (objects[0], objects[1], objects[2])
        #expect(v3.kustomizePaths == ["overlays/dev"] && v3.helmChartPaths == ["charts/web"] && v3.rendersManifests)
        #expect(v3.deploys("/repo/k8s/a.yaml") && v3.matchesManifestGlob("/repo/k8s/a.yaml"))
        #expect(v3.deploys("/repo/overlays/dev/patch.yaml") && !v3.matchesManifestGlob("/repo/overlays/dev/patch.yaml"))
        #expect(v3.deploys("/repo/charts/web/templates/deployment.yaml"))
        #expect(!v3.deploys("/repo/release/kubernetes-manifests.yaml") && !v3.deploys("/repo/overlays/devx/a.yaml"))
        #expect(v2.kustomizePaths == ["base"] && v2.deploys("/repo/base/a.yaml") && !v2.deploys("/repo/k8s/a.yaml"))
        // A config that names no manifests deploys every input.
        #expect(
            !bare.rendersManifests && bare.deploys("/anywhere/a.yaml") && !bare.matchesManifestGlob("/anywhere/a.yaml"))
    }

    @Test func filesFoundInFoldersAreWalkedAndNamedOnesAreNot() throws {
        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
        try write(configMap, to: folder.appendingPathComponent("k8s/a.yaml"))
        try write(configMap, to: folder.appendingPathComponent("k8s/b.yaml"))
        try write(configMap, to: folder.appendingPathComponent("named.yaml"))
        let named = folder.appendingPathComponent("named.yaml").path
        let loaded = ManifestLoader.load([.path(folder.appendingPathComponent("k8s").path), .path(named)])
        #expect(loaded.walkedFiles == Set(["a", "b"].map { folder.appendingPathComponent("k8s/\($0).yaml").path }))
        #expect(loaded.inputNames.count == 3)
    }

    @Test func configOfAnotherToolIsNotSkaffold() {
        let g = graph("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Config\n")
        #expect(g.skaffoldConfigs.isEmpty)
    }

    @Test(
        "imageKey strips tag and digest",
        arguments: [
            ("app", "app"), ("app:1.2", "app"), ("App:latest", "app"), ("cygnetops/posts:dev", "cygnetops/posts"),
            ("localhost:5000/app:1", "localhost:5000/app"), ("localhost:5000/app", "localhost:5000/app"),
            ("registry.io:443/team/app@sha256:abc", "registry.io:443/team/app"),
            ("app:1@sha256:abc", "app"), ("ghcr.io/o/app:v1", "ghcr.io/o/app"),
        ])
    func imageKey(_ image: String, _ key: String) {
        #expect(SkaffoldConfig.imageKey(image) == key)
    }
}
