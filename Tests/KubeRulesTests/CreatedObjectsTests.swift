import KubeDiagnostics
import KubeModel
import KubeRules
import Testing

private func findings(_ yaml: String) -> [Diagnostic] {
    let loaded = ManifestLoader.load(text: yaml, name: "m.yaml")
    #expect(loaded.problems.isEmpty)
    return Checker().check(loaded.graph)
}

private let statefulSet = """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: redis}
    spec:
      serviceName: redis
      replicas: 3
      selector: {matchLabels: {app: redis}}
      template:
        metadata: {labels: {app: redis}}
        spec: {containers: [{name: redis, image: redis, ports: [{containerPort: 6379}]}]}
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: redis}
    spec: {clusterIP: None, selector: {app: redis}, ports: [{port: 6379}]}
    """

@Suite("objects the cluster creates")
struct CreatedObjectsTests {
    @Test func aStatefulSetPodNameSelectsOnlyPodsWithinReplicas() {
        func selecting(_ pod: String) -> [String] {
            findings(
                statefulSet + """

                    ---
                    apiVersion: v1
                    kind: Service
                    metadata: {name: one}
                    spec: {selector: {statefulset.kubernetes.io/pod-name: \(pod)}, ports: [{port: 6379}]}
                    """
            ).map(\.ruleID)
        }
        #expect(selecting("redis-0") == [])
        #expect(selecting("redis-2") == [])
        // redis-3 never exists with 3 replicas, and the namespace's workloads are in the inputs.
        #expect(selecting("redis-3") == ["service-selector"])
        #expect(selecting("redis-01") == ["service-selector"])
    }

    @Test func aCronJobsJobsAreNamedAfterIt() {
        let yaml = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 1 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: backup, image: backup, ports: [{containerPort: 9000}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: nightly-progress}
            spec: {selector: {job-name: nightly-29000000}, ports: [{port: 9000}]}
            """
        #expect(findings(yaml).isEmpty)
    }

    @Test func aNameWithAPrefixOrSuffixAddedIsAnotherObjectNotATypo() {
        // Secrets are not a kind that ships with its users: only a near name proves one missing.
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: cloud-config}
            stringData: {token: x}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: autoscaler}
            spec:
              selector: {matchLabels: {app: autoscaler}}
              template:
                metadata: {labels: {app: autoscaler}}
                spec:
                  containers:
                    - name: autoscaler
                      image: autoscaler
                      envFrom: [{secretRef: {name: bootstrap-token-cloud-config}}]
                  volumes: [{name: params, secret: {secretName: cloud-config-deploy-parameters}}]
            """
        #expect(findings(yaml).isEmpty)
    }

    @Test func aNameWithOneTokenInsertedIsANearName() {
        let yaml = """
            apiVersion: v1
            kind: Secret
            metadata: {name: db-app-credentials}
            stringData: {password: x}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
                - name: app
                  image: app
                  envFrom: [{secretRef: {name: db-credentials}}]
            """
        let found = findings(yaml)
        #expect(found.map(\.ruleID) == ["secret-ref"])
        #expect(found.first?.fix?.replacement == "db-app-credentials")
    }
}
