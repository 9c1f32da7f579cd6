import KubeDiagnostics
import KubeModel
import KubeYAML
import Testing

@Suite("workloads")
struct WorkloadTests {
    @Test func everyWorkloadKindFindsItsTemplate() throws {
        let podSpec = "spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}"
        let template = "template: {metadata: {labels: {app: x}}, \(podSpec)}"
        let g = graph(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: pod, labels: {app: x}}
            \(podSpec)
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: deploy}
            spec: {replicas: 3, selector: {matchLabels: {app: x}}, \(template)}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: sts}
            spec: {selector: {matchLabels: {app: x}}, \(template)}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: ds}
            spec: {selector: {matchLabels: {app: x}}, \(template)}
            ---
            apiVersion: apps/v1
            kind: ReplicaSet
            metadata: {name: rs}
            spec: {selector: {matchLabels: {app: x}}, \(template)}
            ---
            apiVersion: batch/v1
            kind: Job
            metadata: {name: job}
            spec: {\(template)}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: cron}
            spec: {schedule: "* * * * *", jobTemplate: {spec: {\(template)}}}
            ---
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: rc}
            spec: {selector: {app: x}, \(template)}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: not-a-workload}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: no-template}
            spec: {}
            """)
        let names = g.workloads.map(\.object.name)
        #expect(names == ["pod", "deploy", "sts", "ds", "rs", "job", "cron", "rc"])
        for workload in g.workloads {
            #expect(workload.podLabels == ["app": "x"], "\(workload.object.name)")
            #expect(workload.template.containers.first?.ports.first?.number == 80, "\(workload.object.name)")
        }
        let byName = Dictionary(uniqueKeysWithValues: g.workloads.map { ($0.object.name, $0) })
        #expect(byName["deploy"]?.replicas == 3)
        #expect(byName["sts"]?.replicas == 1)
        #expect(byName["pod"]?.selector == nil)
        #expect(byName["job"]?.selector == nil)
        #expect(byName["cron"]?.selector == nil)
        // CronJob: the template is spec.jobTemplate.spec.template.
        #expect(byName["cron"]?.template.node.start.line == 34)
        // ReplicationController: the selector is a plain map.
        let rc = try #require(byName["rc"]?.selector)
        #expect(rc.matchLabels.map(\.key) == ["app"])
        #expect(rc.matchExpressions.isEmpty)
        #expect(rc.matches(["app": "x"]))
        #expect(!rc.matches(["app": "y"]))
        let deploy = try #require(byName["deploy"]?.selector)
        #expect(deploy.matchLabels.map(\.value) == ["x"])
        #expect(g.workloads(in: "default").count == 8)
        #expect(g.workloads(in: "other").isEmpty)
    }

    @Test func containersPortsEnvProbesAndInitContainers() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec:
                  initContainers:
                    - {name: migrate, image: m}
                    - {name: proxy, image: p, restartPolicy: Always, ports: [{containerPort: 15001}]}
                  containers:
                    - name: web
                      image: web:1
                      command: [run, --port=80]
                      args: ["http://api:8080"]
                      ports:
                        - {name: http, containerPort: 8080}
                        - {containerPort: 53, protocol: UDP}
                      env:
                        - {name: API_URL, value: "http://api:8080/v1"}
                        - {name: FROM_SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}
                      livenessProbe: {httpGet: {path: /healthz, port: http}}
                      readinessProbe: {tcpSocket: {port: 8080}}
                      startupProbe: {grpc: {port: 9090}}
            """)
        let workload = try #require(g.workloads.first)
        let containers = workload.template.containers
        #expect(containers.map(\.name) == ["web", "migrate", "proxy"])
        #expect(containers.map(\.isInit) == [false, true, true])
        #expect(containers.map(\.isSidecar) == [false, false, true])
        #expect(workload.template.servingContainers.map(\.name) == ["web", "proxy"])
        let web = containers[0]
        #expect(web.image == "web:1")
        #expect(web.ports.map(\.number) == [8080, 53])
        #expect(web.ports.map(\.name) == ["http", nil])
        #expect(web.ports.map(\.protocol) == ["TCP", "UDP"])
        #expect(web.env.map(\.name) == ["API_URL", "FROM_SECRET"])
        #expect(web.env[0].valueNode?.string == "http://api:8080/v1")
        #expect(web.env[1].valueNode == nil)
        #expect(web.command.compactMap(\.scalar) == ["run", "--port=80"])
        #expect(web.args.first?.scalar == "http://api:8080")
        #expect(web.probes.map(\.kind) == [.liveness, .readiness, .startup])
        #expect(web.probes.map(\.handler) == [.httpGet, .tcpSocket, .grpc])
        #expect(web.probes.map(\.port) == [.name("http"), .number(8080), .number(9090)])
        #expect(web.probes.map(\.path) == ["/healthz", "/", "/"])
        #expect(web.probes[0].portNode?.start == Mark(line: 23, column: 59))
    }

    @Test func labelSelectorOperators() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              selector:
                matchLabels: {app: web}
                matchExpressions:
                  - {key: tier, operator: In, values: [front, edge]}
                  - {key: env, operator: NotIn, values: [prod]}
                  - {key: team, operator: Exists}
                  - {key: legacy, operator: DoesNotExist}
              template: {metadata: {labels: {app: web}}, spec: {containers: []}}
            """)
        let selector = try #require(g.workloads.first?.selector)
        let ops = selector.matchExpressions.map(\.operator)
        #expect(ops == [.in, .notIn, .exists, .doesNotExist])
        #expect(selector.matchExpressions[0].values == ["front", "edge"])
        #expect(!selector.isEmpty)
        let good = ["app": "web", "tier": "edge", "env": "dev", "team": "a"]
        #expect(selector.matches(good))
        #expect(selector.matches(good.merging(["env": "stage"]) { $1 }))
        // Each requirement can fail on its own.
        #expect(!selector.matches(good.merging(["app": "api"]) { $1 }))
        #expect(!selector.matches(good.merging(["tier": "back"]) { $1 }))
        #expect(!selector.matches(good.filter { $0.key != "tier" }))  // In needs the key
        #expect(!selector.matches(good.merging(["env": "prod"]) { $1 }))
        #expect(selector.matches(good.filter { $0.key != "env" }))  // NotIn holds without the key
        #expect(!selector.matches(good.filter { $0.key != "team" }))
        #expect(!selector.matches(good.merging(["legacy": "yes"]) { $1 }))
    }

    @Test func unknownOperatorNeverMatches() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              selector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}
              template: {metadata: {labels: {a: b}}, spec: {containers: []}}
            """)
        let requirement = try #require(g.workloads.first?.selector?.matchExpressions.first)
        #expect(requirement.operator == nil)
        #expect(requirement.operatorText == "Equals")
        #expect(!requirement.matches(["a": "b"]))
    }

    @Test func emptySelectorAndNullLabelValues() throws {
        let g = graph(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, labels: {team: a}}
            spec:
              selector: {}
              template: {metadata: {labels: {app: web, flag: ~}}, spec: {containers: []}}
            """)
        let workload = try #require(g.workloads.first)
        #expect(workload.selector?.isEmpty == true)
        #expect(workload.podLabels == ["app": "web", "flag": ""])
        #expect(workload.template.labels.rendered == "app=web,flag=")
        #expect(workload.object.labels.dictionary == ["team": "a"])
    }
}

@Suite("services")
struct ServiceTests {
    @Test func targetPortDefaultingAndReferences() throws {
        let g = graph(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec:
              selector: {app: web}
              ports:
                - {name: a, port: 80}
                - {name: b, port: 81, targetPort: 8081}
                - {name: c, port: 82, targetPort: http}
                - {name: d, port: 83, targetPort: "8083"}
                - {name: e, port: 84, targetPort: 0}
                - {name: f, port: 85, protocol: UDP}
            """)
        let service = try #require(g.services.first)
        #expect(service.type == "ClusterIP")
        #expect(service.selectsPods)
        #expect(service.ports.map(\.targetPort) == [nil, .number(8081), .name("http"), .name("8083"), nil, nil])
        #expect(
            service.ports.map(\.effectiveTarget) == [
                .number(80), .number(8081), .name("http"), .name("8083"), .number(84), .number(85),
            ])
        #expect(service.ports.map(\.protocol) == ["TCP", "TCP", "TCP", "TCP", "TCP", "UDP"])
        #expect(service.port(matching: .number(81))?.name == "b")
        #expect(service.port(matching: .name("c"))?.port == 82)
        #expect(service.port(matching: .number(8081)) == nil)
        #expect(service.selects(["app": "web", "x": "y"]))
        #expect(!service.selects(["app": "api"]))
        #expect(g.service(named: "s", in: "default")?.object.name == "s")
        #expect(g.service(named: "s", in: "other") == nil)
    }

    @Test func selectorlessAndExternalNameServicesSelectNoPods() {
        let g = graph(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: external}
            spec: {type: ExternalName, externalName: example.com, selector: {app: web}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: manual}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata: {name: knative}
            spec: {template: {spec: {containers: [{image: x}]}}}
            """)
        #expect(g.services.map(\.object.name) == ["external", "manual"])
        #expect(g.services.allSatisfy { !$0.selectsPods })
        #expect(g.services.allSatisfy { g.workloads(selectedBy: $0).isEmpty })
    }

    @Test func workloadsSelectedByServiceStayInTheNamespace() {
        let g = graph(
            deployment("a") + "\n---\n" + deployment("b", labels: "app: web, tier: x") + "\n---\n"
                + deployment("c", labels: "app: api") + "\n---\n" + deployment("d", namespace: "other")
                + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n")
        let service = g.services[0]
        #expect(g.workloads(selectedBy: service).map(\.object.name) == ["a", "b"])
    }

    @Test func firstServiceWithANameWins() {
        let g = graph(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec: {type: NodePort}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: s}
            spec: {type: LoadBalancer}
            """)
        #expect(g.services.count == 2)
        #expect(g.service(named: "s", in: "default")?.type == "NodePort")
    }

    @Test func lookupByReference() {
        let g = graph(deployment("web") + "\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n")
        let reference = ObjectReference(kind: "Service", namespace: "default", name: "web")
        #expect(g.object(reference)?.kind == "Service")
        #expect(g.object(.init(kind: "Deployment", namespace: "default", name: "web"))?.kind == "Deployment")
        #expect(g.object(.init(kind: "Service", namespace: "x", name: "web")) == nil)
    }
}

@Suite("port references")
struct PortReferenceTests {
    @Test func intOrStringReading() throws {
        let node = try #require(
            YAMLLoader.load(text: "a: 80\nb: \"80\"\nc: http\nd: ''\ne: 0x50\nf: true\n", file: "p").documents.first?
                .root)
        #expect(node["a"].flatMap(PortReference.init(node:)) == .number(80))
        #expect(node["b"].flatMap(PortReference.init(node:)) == .name("80"))
        #expect(node["c"].flatMap(PortReference.init(node:)) == .name("http"))
        #expect(node["d"].flatMap(PortReference.init(node:)) == nil)
        #expect(node["e"].flatMap(PortReference.init(node:)) == .number(80))
        #expect(node["f"].flatMap(PortReference.init(node:)) == nil)
        #expect(PortReference.number(80).description == "80")
        #expect(PortReference.name("http").description == "http")
    }
}

@Suite("ManifestGraph lookups by name")
struct GraphLookupTests {
    @Test func everyServiceOfANameInInputOrderAndNoOther() {
        let graph = graph(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: web, labels: {copy: first}}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: other}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, labels: {copy: second}}
            spec: {ports: [{port: 8080}]}
            """)
        let webs = graph.services(named: "web", in: "default")
        #expect(webs.map { $0.object.root["metadata"]?["labels"]?["copy"]?.scalar } == ["first", "second"])
        #expect(graph.services(named: "api", in: "default").count == 1)
        #expect(graph.services(named: "web", in: "other").count == 1)
        #expect(graph.services(named: "db", in: "default").isEmpty)
    }
}
