import KubeDiagnostics
import KubeModel
import KubeYAML
import Testing

@Suite("reference views")
struct ReferenceViewTests {
    @Test func configMapAndSecretKeysComeFromEveryDataField() throws {
        let g = graph(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: blog}
            data: {URL: "http://a:1"}
            binaryData: {logo.png: aGk=}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            data: {password: c2VjcmV0}
            stringData: {username: blog, password: plain}
            """)
        let settings = try #require(g.configData(kind: "ConfigMap", named: "settings", in: "blog"))
        #expect(settings.keys?.map(\.key) == ["URL", "logo.png"])
        #expect(settings.value("URL") == "http://a:1")
        #expect(settings.value("logo.png") == "hi")
        #expect(settings.entry("URL")?.keyNode.start.line == 4)
        let creds = try #require(g.configData(kind: "Secret", named: "creds", in: "default"))
        #expect(creds.value("username") == "blog")
        // stringData is merged over data by the API server.
        #expect(creds.value("password") == "plain")
        #expect(g.configData(kind: "Secret", named: "settings", in: "blog") == nil)
        #expect(g.configData(kind: "ConfigMap", named: "settings", in: "default") == nil)
    }

    @Test func objectsThatCreateSecretsDefineThem() {
        let g = graph(
            """
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: cert}
            spec: {secretName: site-tls}
            ---
            apiVersion: external-secrets.io/v1beta1
            kind: ExternalSecret
            metadata: {name: api-keys}
            spec: {}
            ---
            apiVersion: external-secrets.io/v1beta1
            kind: ExternalSecret
            metadata: {name: other}
            spec: {target: {name: renamed}}
            ---
            apiVersion: bitnami.com/v1alpha1
            kind: SealedSecret
            metadata: {name: smtp}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, annotations: {cert-manager.io/cluster-issuer: le}}
            spec: {tls: [{secretName: web-tls}]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: plain}
            spec: {tls: [{secretName: plain-tls}]}
            """)
        for name in ["site-tls", "api-keys", "renamed", "smtp", "web-tls"] {
            let data = g.configData(kind: "Secret", named: name, in: "default")
            #expect(data != nil, "\(name) is defined")
            #expect(data?.keys == nil, "\(name)'s keys are not in the inputs")
        }
        #expect(g.configData(kind: "Secret", named: "other", in: "default") == nil)
        #expect(g.configData(kind: "Secret", named: "plain-tls", in: "default") == nil)
    }

    @Test func podTemplatesNameEveryReferenceWithItsNode() throws {
        let g = graph(
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: job}
            spec:
              schedule: "* * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      serviceAccountName: runner
                      imagePullSecrets: [{name: pull}]
                      containers:
                        - name: c
                          image: i
                          env:
                            - {name: A, valueFrom: {configMapKeyRef: {name: cm, key: a}}}
                            - {name: B, valueFrom: {secretKeyRef: {name: s, key: b, optional: true}}}
                            - {name: C, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                          envFrom: [{configMapRef: {name: cm2}}, {secretRef: {name: s2}}]
                      volumes:
                        - {name: v1, configMap: {name: cm3, items: [{key: k1, path: p}]}}
                        - {name: v2, secret: {secretName: s3}}
                        - {name: v3, projected: {sources: [{configMap: {name: cm4}}, {secret: {name: s4}}]}}
                        - {name: v4, persistentVolumeClaim: {claimName: data}}
            """)
        let workload = try #require(g.workloads.first)
        let references = workload.template.references(of: workload.object)
        let summary = references.map {
            "\($0.kind) \($0.name)\($0.member.map { " \($0)" } ?? "")\($0.optional ? "?" : "")"
        }
        #expect(
            summary == [
                "ConfigMap cm key `a`", "Secret s key `b`?", "ConfigMap cm2", "Secret s2", "ConfigMap cm3",
                "ConfigMap cm3 key `k1`", "Secret s3", "ConfigMap cm4", "Secret s4", "PersistentVolumeClaim data",
                "Secret pull", "ServiceAccount runner",
            ])
        let first = try #require(references.first)
        #expect(first.nameNode.scalar == "cm")
        #expect(first.memberNode?.scalar == "a")
        #expect(first.namespace == "default")
    }

    @Test func defaultServiceAccountIsNotAReference() throws {
        let g = graph(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {serviceAccountName: default, containers: [{name: c, image: i}]}
            """)
        let workload = try #require(g.workloads.first)
        #expect(workload.template.references(of: workload.object).isEmpty)
    }

    @Test func policiesAndGatewayObjectsHaveViews() throws {
        let g = graph(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: hpa}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: pdb}
            spec: {selector: {matchLabels: {app: web}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: np}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress: [{from: [{podSelector: {matchLabels: {app: client}}}, {namespaceSelector: {}}], ports: [{port: http}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: Gateway
            metadata: {name: gw}
            spec: {listeners: [{name: http, port: 80, protocol: HTTP}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: route}
            spec:
              parentRefs: [{name: gw, sectionName: http}, {kind: Service, name: mesh}]
              rules: [{backendRefs: [{name: web, port: 80}, {name: bucket, group: example.com, kind: Bucket}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1beta1
            kind: ReferenceGrant
            metadata: {name: grant, namespace: other}
            spec:
              from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: default}]
              to: [{group: "", kind: Service}]
            """)
        #expect(
            g.autoscalers.first?.target?.target
                == ObjectReference(kind: "Deployment", namespace: "default", name: "web"))
        #expect(g.disruptionBudgets.first?.selector?.matchLabels.first?.value == "web")
        let policy = try #require(g.networkPolicies.first)
        #expect(policy.rules.count == 1)
        #expect(policy.rules[0].peers.map(\.reachesOtherNamespaces) == [false, true])
        #expect(policy.rules[0].ports.first?.port == .name("http"))
        #expect(g.gateways.first?.listeners.map(\.name) == ["http"])
        let route = try #require(g.routes.first)
        #expect(route.parents.count == 1)
        #expect(route.parents.first?.member == .listener("http"))
        #expect(route.backends.map(\.isService) == [true, false])
        #expect(route.backends.first?.reference.member == .port(.number(80)))
        let grant = try #require(g.referenceGrants.first)
        #expect(grant.permits(route.object, group: "", kind: "Service", name: "web"))
        #expect(!grant.permits(g.gateways[0].object, group: "", kind: "Service", name: "web"))
    }

    @Test func unnamedObjectsAreShownAsUnnamed() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {labels: {app: x}}
            spec: {}
            """)
        let object = try #require(g.objects.first)
        #expect(object.title == "Deployment (unnamed)")
    }

    @Test func objectsAreIndexedByKindAndNamespace() {
        let g = graph(
            """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: a}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: b, namespace: other}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: c}
            """)
        #expect(g.objects(kind: "PersistentVolumeClaim", in: "default").map(\.name) == ["a", "c"])
        #expect(g.objects(kind: "PersistentVolumeClaim", in: "other").map(\.name) == ["b"])
        #expect(g.objects(kind: "ServiceAccount", in: "default").isEmpty)
    }
}
