import Foundation

/// A wiring bug planted in the corpus, and the finding that must report it.
struct PlantedBug: Hashable, Codable {
    var rule: String
    /// File name relative to the corpus root.
    var file: String
    var what: String
}

/// A synthetic corpus: `pairs` Deployment+Service files (one per file) and one Ingress with one
/// path per Service, all in namespace `bench`, with a handful of planted wiring bugs.
struct Corpus {
    /// `large`: 3.9 KB pairs in folders of 500 (where parsing dominates). `small`: 1.3 KB pairs in
    /// folders of 50, as repositories keep them (where per-file and per-object costs show).
    enum Shape {
        case large, small

        var folderSize: Int { self == .large ? 500 : 50 }
    }

    var root: URL
    var pairs: Int
    var shape = Shape.large
    var files: [String] = []
    var bytes = 0
    var objects = 0
    var bugs: [PlantedBug] = []

    static let namespace = "bench"

    /// Where each bug goes, as a fraction of the corpus, so a 10x corpus has the same bugs.
    struct Plan {
        var selectorTypo: Int
        var wrongTargetPort: Int
        var missingBackend: Int
        var urlWrongPort: Int
        var probeUndeclared: Int
        var workloadSelector: Int

        init(pairs: Int) {
            func at(_ fraction: Double) -> Int { min(pairs - 1, Int(Double(pairs) * fraction)) }
            selectorTypo = at(0.02)
            wrongTargetPort = at(0.2468)
            missingBackend = at(0.5)
            urlWrongPort = at(0.6666)
            probeUndeclared = at(0.8888)
            workloadSelector = at(0.9802)
        }

        /// Services that must not be referenced by URLs or the Ingress, so
        /// each planted bug gives exactly one finding (no cascades).
        var brokenServices: Set<Int> { [selectorTypo, wrongTargetPort] }
    }

    static func name(_ index: Int) -> String { "app-" + pad(index, 5) }

    static func relativePath(_ index: Int, _ shape: Shape) -> String {
        folder(index, shape) + "/" + name(index) + ".yaml"
    }

    static func folder(_ index: Int, _ shape: Shape) -> String { "team-" + pad(index / shape.folderSize, 3) }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// Writes the corpus under `root` (which must not exist yet).
    static func generate(pairs: Int, at root: URL, shape: Shape = .large) throws -> Corpus {
        precondition(pairs >= 100, "the corpus needs room for its planted bugs")
        let manager = FileManager.default
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        var corpus = Corpus(root: root, pairs: pairs, shape: shape)
        func relativePath(_ index: Int) -> String { Corpus.relativePath(index, shape) }
        let plan = Plan(pairs: pairs)
        corpus.bugs = [
            PlantedBug(
                rule: "service-selector", file: relativePath(plan.selectorTypo), what: "Service selector `tier: backnd`"
            ),
            PlantedBug(
                rule: "service-target-port-undeclared", file: relativePath(plan.wrongTargetPort),
                what: "Service port api targetPort 8081, container listens on 8080"),
            PlantedBug(
                rule: "ingress-backend", file: "ingress.yaml",
                what:
                    "Ingress path /\(name(plan.missingBackend)) routes to missing Service \(name(plan.missingBackend))-svc"
            ),
            PlantedBug(
                rule: "service-url", file: relativePath(plan.urlWrongPort),
                what: "env UPSTREAM_URL uses port 9091, which the Service does not expose"),
            PlantedBug(
                rule: "probe-port-undeclared", file: relativePath(plan.probeUndeclared),
                what: "readinessProbe on port 8081, not declared by the container"),
            PlantedBug(
                rule: "workload-selector", file: relativePath(plan.workloadSelector),
                what: "Deployment selector `tier: frontend`, template labelled `tier: backend`"),
        ]
        var createdFolders = Set<Int>()
        for index in 0..<pairs {
            if createdFolders.insert(index / shape.folderSize).inserted {
                try manager.createDirectory(
                    at: root.appendingPathComponent(folder(index, shape)), withIntermediateDirectories: true)
            }
            let text =
                shape == .large ? pair(index, pairs: pairs, plan: plan) : smallPair(index, pairs: pairs, plan: plan)
            let relative = relativePath(index)
            try write(text, to: root.appendingPathComponent(relative))
            corpus.files.append(relative)
            corpus.bytes += text.utf8.count
            corpus.objects += 2
        }
        let ingressText = ingress(pairs: pairs, plan: plan, shape: shape)
        try write(ingressText, to: root.appendingPathComponent("ingress.yaml"))
        corpus.files.append("ingress.yaml")
        corpus.bytes += ingressText.utf8.count
        corpus.objects += 1
        // Things the walk must skip.
        try write("not: yaml: [", to: root.appendingPathComponent("README.txt"))
        try write("not: yaml: [", to: root.appendingPathComponent(".hidden.yaml"))
        return corpus
    }

    private static func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url)
    }

    /// The next Service after `index` that is safe to reference.
    private static func neighbour(_ index: Int, _ step: Int, pairs: Int, plan: Plan) -> Int {
        var target = (index + step) % pairs
        while plan.brokenServices.contains(target) || target == index { target = (target + 1) % pairs }
        return target
    }

    static func pair(_ index: Int, pairs: Int, plan: Plan) -> String {
        let app = name(index)
        let upstream = name(neighbour(index, 1, pairs: pairs, plan: plan))
        let events = name(neighbour(index, 2, pairs: pairs, plan: plan))
        let upstreamPort = index == plan.urlWrongPort ? 9091 : 80
        let readinessPort = index == plan.probeUndeclared ? 8081 : 8080
        let selectorTier = index == plan.workloadSelector ? "frontend" : "backend"
        let serviceTier = index == plan.selectorTypo ? "backnd" : "backend"
        let apiTarget = index == plan.wrongTargetPort ? 8081 : 8080
        let replicas = 2 + index % 3
        return """
            # \(app): generated by wire-bench; \(index + 1) of \(pairs)
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(app)
              namespace: \(namespace)
              labels:
                app: \(app)
                tier: backend
                version: v1
                app.kubernetes.io/name: \(app)
                app.kubernetes.io/part-of: wire-bench
                app.kubernetes.io/managed-by: kubewire
              annotations:
                deployment.kubernetes.io/revision: "3"
                description: "Synthetic service \(index) of the kubewire benchmark; talks to \(upstream) and \(events)"
            spec:
              replicas: \(replicas)
              revisionHistoryLimit: 5
              progressDeadlineSeconds: 600
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
              selector:
                matchLabels:
                  app: \(app)
                  tier: \(selectorTier)
              template:
                metadata:
                  labels:
                    app: \(app)
                    tier: backend
                    version: v1
                  annotations:
                    prometheus.io/scrape: "true"
                    prometheus.io/port: "9090"
                    prometheus.io/path: /metrics
                spec:
                  serviceAccountName: \(app)
                  terminationGracePeriodSeconds: 30
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 10001
                    runAsGroup: 10001
                    fsGroup: 10001
                  containers:
                    - name: app
                      image: registry.example.com:5000/bench/\(app):1.4.\(index % 10)
                      imagePullPolicy: IfNotPresent
                      args: ["--listen=:8080", "--metrics=:9090", "--log-level=info"]
                      ports:
                        - name: http
                          containerPort: 8080
                          protocol: TCP
                        - name: metrics
                          containerPort: 9090
                          protocol: TCP
                      env:
                        - name: UPSTREAM_URL
                          value: http://\(upstream)-srv:\(upstreamPort)/api/v1
                        - name: EVENTS_URL
                          value: "http://\(events)-srv.\(namespace).svc.cluster.local:8080/events"
                        - name: DOCS_URL
                          value: https://docs.example.com/services/\(app)
                        - name: LOG_FORMAT
                          value: json
                        - name: MAX_CONNECTIONS
                          value: "100"
                        - name: FEATURE_FLAGS
                          value: "search,comments,moderation"
                        - name: POD_NAME
                          valueFrom:
                            fieldRef: {fieldPath: metadata.name}
                        - name: DB_PASSWORD
                          valueFrom:
                            secretKeyRef: {name: \(app)-db, key: password}
                      resources:
                        requests: {cpu: 100m, memory: 128Mi}
                        limits: {cpu: 500m, memory: 256Mi}
                      livenessProbe:
                        httpGet: {path: /healthz, port: http}
                        initialDelaySeconds: 10
                        periodSeconds: 10
                      readinessProbe:
                        httpGet:
                          path: /ready
                          port: \(readinessPort)
                        periodSeconds: 5
                        failureThreshold: 3
                      startupProbe:
                        tcpSocket: {port: metrics}
                        failureThreshold: 30
                        periodSeconds: 2
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities: {drop: [ALL]}
                      volumeMounts:
                        - {name: config, mountPath: /etc/app, readOnly: true}
                        - {name: cache, mountPath: /var/cache/app}
                  volumes:
                    - name: config
                      configMap: {name: \(app)-config}
                    - name: cache
                      emptyDir: {sizeLimit: 1Gi}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: \(app)-srv
              namespace: \(namespace)
              labels:
                app: \(app)
                tier: backend
                app.kubernetes.io/part-of: wire-bench
            spec:
              type: ClusterIP
              selector:
                app: \(app)
                tier: \(serviceTier)
              ports:
                - name: http
                  port: 80
                  targetPort: http
                  protocol: TCP
                - name: api
                  port: 8080
                  targetPort: \(apiTarget)
                  protocol: TCP
                - name: metrics
                  port: 9090
                  targetPort: metrics

            """
    }

    /// A pair as small repositories write it (1.3 KB), with the same planted bugs as `pair`.
    static func smallPair(_ index: Int, pairs: Int, plan: Plan) -> String {
        let app = name(index)
        let upstream = name(neighbour(index, 1, pairs: pairs, plan: plan))
        let events = name(neighbour(index, 2, pairs: pairs, plan: plan))
        let upstreamPort = index == plan.urlWrongPort ? 9091 : 80
        let readinessPort = index == plan.probeUndeclared ? 8081 : 8080
        let selectorTier = index == plan.workloadSelector ? "frontend" : "backend"
        let serviceTier = index == plan.selectorTypo ? "backnd" : "backend"
        let apiTarget = index == plan.wrongTargetPort ? 8081 : 8080
        return """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(app)
              namespace: \(namespace)
              labels:
                app: \(app)
                tier: backend
            spec:
              replicas: \(1 + index % 3)
              selector:
                matchLabels:
                  app: \(app)
                  tier: \(selectorTier)
              template:
                metadata:
                  labels:
                    app: \(app)
                    tier: backend
                spec:
                  containers:
                    - name: app
                      image: registry.example.com/bench/\(app):1.4.\(index % 10)
                      ports:
                        - name: http
                          containerPort: 8080
                        - name: metrics
                          containerPort: 9090
                      env:
                        - name: UPSTREAM_URL
                          value: http://\(upstream)-srv:\(upstreamPort)/api/v1
                        - name: EVENTS_URL
                          value: http://\(events)-srv.\(namespace).svc.cluster.local:8080/events
                      resources:
                        requests:
                          cpu: 100m
                          memory: 128Mi
                      readinessProbe:
                        httpGet:
                          path: /ready
                          port: \(readinessPort)
                      livenessProbe:
                        httpGet:
                          path: /healthz
                          port: http
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: \(app)-srv
              namespace: \(namespace)
            spec:
              selector:
                app: \(app)
                tier: \(serviceTier)
              ports:
                - name: http
                  port: 80
                  targetPort: http
                - name: api
                  port: 8080
                  targetPort: \(apiTarget)

            """
    }

    /// `small`: paths one level deeper (`/services/app-00001/api/v1`), as a 945 KB Ingress for 5,001 Services.
    static func ingress(pairs: Int, plan: Plan, shape: Shape = .large) -> String {
        var text = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: bench-ingress
              namespace: \(namespace)
              annotations:
                nginx.ingress.kubernetes.io/proxy-body-size: 8m
            spec:
              ingressClassName: nginx
              rules:
                - host: bench.example.com
                  http:
                    paths:

            """
        text.reserveCapacity(pairs * 180)
        for index in 0..<pairs where !plan.brokenServices.contains(index) {
            let app = name(index)
            let service = index == plan.missingBackend ? app + "-svc" : app + "-srv"
            let port = index % 2 == 0 ? "number: 80" : "name: api"
            text += """
                          - path: /\(shape == .large ? app : "services/" + app + "/api/v1")
                            pathType: Prefix
                            backend:
                              service:
                                name: \(service)
                                port: {\(port)}

                """
        }
        return text
    }
}
