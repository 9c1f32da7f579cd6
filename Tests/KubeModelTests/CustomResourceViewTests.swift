import KubeModel
import KubeYAML
import Testing

@Suite("custom resources")
struct CustomResourceViewTests {
    @Test func istioReadsShortAndClusterLocalHostsAsServices() {
        #expect(
            IstioHost.service("reviews", ruleNamespace: "shop") == NamespacedName(namespace: "shop", name: "reviews"))
        #expect(
            IstioHost.service("reviews.bookinfo.svc.cluster.local", ruleNamespace: "shop")
                == NamespacedName(namespace: "bookinfo", name: "reviews"))
        // Istio expands only names without a dot; the rest are hosts of their own.
        for host in [
            "reviews.bookinfo", "reviews.bookinfo.svc", "httpbin.org", "*.bookinfo.svc.cluster.local", "*",
            "reviews.bookinfo.svc.corp.example", "", "10.0.0.1",
        ] {
            #expect(IstioHost.service(host, ruleNamespace: "shop") == nil, "\(host)")
        }
    }

    @Test func rolloutWithATemplateIsAWorkloadAndOneWithWorkloadRefIsNot() {
        let g = graph(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: i}]}}
              strategy: {canary: {canaryService: web-canary, stableService: web-stable}}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: api}
            spec:
              workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
              strategy: {blueGreen: {activeService: api-active, previewService: api-preview}}
            ---
            apiVersion: example.com/v1
            kind: Rollout
            metadata: {name: other}
            spec:
              template: {metadata: {labels: {app: other}}, spec: {containers: [{name: c, image: i}]}}
            """)
        #expect(g.workloads.map(\.object.name) == ["web"])
        #expect(g.rollouts.map(\.object.name) == ["web", "api"])
        #expect(g.rollouts[0].services.map(\.name) == ["web-canary", "web-stable"])
        #expect(
            g.rollouts[0].services.map(\.context) == ["strategy.canary.canaryService", "strategy.canary.stableService"])
        #expect(g.rollouts[1].services.map(\.name) == ["api-active", "api-preview"])
        #expect(g.rollouts[1].workloadReference?.kind == "Deployment")
        #expect(g.rollouts[1].workloadReference?.name == "api")
    }

    @Test func rolloutIstioRoutingNamesVirtualServicesRoutesAndSubsets() {
        let g = graph(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: web, namespace: shop}
            spec:
              workloadRef: {kind: Deployment, name: web}
              strategy:
                canary:
                  trafficRouting:
                    istio:
                      virtualService: {name: web, routes: [primary, secondary]}
                      virtualServices: [{name: web-edge.gateways}, {name: a.b.c}]
                      destinationRule: {name: web, canarySubsetName: canary, stableSubsetName: stable}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: shop}
            spec: {http: [{name: primary}, {route: []}]}
            """)
        let rollout = g.rollouts[0]
        // `a.b.c` is not a form Argo reads as name.namespace: left out.
        #expect(rollout.virtualServices.map(\.reference.name) == ["web", "web-edge"])
        #expect(rollout.virtualServices.map(\.reference.namespace) == ["shop", "gateways"])
        #expect(rollout.virtualServices[0].routes.map(\.name) == ["primary", "secondary"])
        #expect(rollout.destinationRule?.name == "web")
        #expect(rollout.destinationRuleSubsets.map(\.field) == ["canarySubsetName", "stableSubsetName"])
        #expect(rollout.destinationRuleSubsets.map(\.name) == ["canary", "stable"])
        #expect(g.virtualServices[0].httpRoutes.map(\.name) == ["primary", nil])
    }

    @Test func monitorsReadTheirNamespacesAndEndpoints() {
        let g = graph(
            """
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: own}
            spec:
              selector: {matchLabels: {app: web}}
              endpoints: [{port: metrics}, {targetPort: 9090}, {port: http, targetPort: http-metrics}]
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: anywhere}
            spec: {namespaceSelector: {any: true}, selector: {}}
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: PodMonitor
            metadata: {name: named}
            spec:
              namespaceSelector: {matchNames: [a, b]}
              selector: {matchLabels: {app: web}}
              podMetricsEndpoints: [{port: metrics}]
            ---
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: quoted-any}
            spec: {namespaceSelector: {any: "true"}, selector: {}}
            """)
        #expect(g.monitors.map(\.object.name) == ["own", "anywhere", "named", "quoted-any"])
        #expect(g.monitors.map(\.selectsPods) == [false, false, true, false])
        // `any: "true"` is a string, not the boolean the operator reads: the default stays.
        #expect(g.monitors.map(\.namespaces) == [.own, .any, .names(["a", "b"]), .own])
        #expect(g.monitors[0].endpoints.map(\.port) == ["metrics", nil, "http"])
        #expect(g.monitors[0].endpoints.map(\.targetPort) == [nil, .number(9090), .name("http-metrics")])
        #expect(g.monitors[2].endpoints.map(\.port) == ["metrics"])
        #expect(g.monitors[2].searchedNamespaces(among: ["x"]) == ["a", "b"])
        #expect(g.monitors[1].searchedNamespaces(among: ["y", "x"]) == ["x", "y"])
    }

    @Test func virtualServicesListEveryDestinationAndDestinationRulesTheirSubsets() {
        let g = graph(
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews}
            spec:
              hosts: [reviews]
              http:
                - route: [{destination: {host: reviews, subset: v1, port: {number: 9080}}}]
                  mirror: {host: reviews-shadow}
              tcp:
                - route: [{destination: {host: db.data.svc.cluster.local}}]
              tls:
                - route: [{destination: {host: api.example.com}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}, {name: canary}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: istio-gateway}
            spec: {servers: []}
            """)
        let destinations = g.virtualServices.flatMap(\.destinations)
        #expect(
            destinations.map(\.host) == ["reviews", "reviews-shadow", "db.data.svc.cluster.local", "api.example.com"])
        #expect(destinations.map(\.context) == ["http route", "http mirror", "tcp route", "tls route"])
        #expect(destinations[0].subset == "v1")
        #expect(destinations[0].portNumber == 9080)
        #expect(g.destinationRules.first?.service == NamespacedName(namespace: "default", name: "reviews"))
        #expect(g.destinationRules.first?.subsets.map(\.name) == ["v1", "canary"])
        #expect(g.destinationRules.first?.subsets.map { $0.labels.dictionary } == [["version": "v1"], [:]])
        // An Istio Gateway is not a Gateway API Gateway.
        #expect(g.gateways.isEmpty)
    }

    @Test func scaledObjectTargetsDefaultToDeployment() {
        let g = graph(
            """
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: a}
            spec: {scaleTargetRef: {name: worker}}
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: {name: b}
            spec: {scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}}
            ---
            apiVersion: keda.k8s.io/v1alpha1
            kind: ScaledObject
            metadata: {name: old}
            spec: {scaleTargetRef: {deploymentName: worker}}
            """)
        #expect(g.scaledObjects.map { $0.target?.kind } == ["Deployment", "StatefulSet"])
        #expect(g.scaledObjects.map { $0.target?.name } == ["worker", "db"])
    }
}
