import Foundation
import Testing

/// A skaffold artifact, a ConfigMap, and a Deployment whose env reads a key the ConfigMap does not
/// hold (`EVENT_BUS_ULR`): `configmap-ref` proves it broken, so `kubewire up` refuses to start.
private let misspeltKey = """
    apiVersion: skaffold/v4beta14
    kind: Config
    build:
      artifacts:
        - image: blog/posts
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: blog-config
    data:
      EVENT_BUS_URL: http://event-bus-srv:4005
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: posts-depl
    spec:
      selector:
        matchLabels:
          app: posts
      template:
        metadata:
          labels:
            app: posts
        spec:
          containers:
            - name: posts
              image: blog/posts
              env:
                - name: BUS
                  valueFrom:
                    configMapKeyRef:
                      name: blog-config
                      key: EVENT_BUS_ULR

    """

/// `kubewire up` reads `.kubewire.yaml` as `kubewire check` does (found from the working directory):
/// what it refuses and reports follows the configuration. Run through the real command, in a
/// folder outside any repository (so only that folder's configuration counts). The ingress port is
/// held, so a run that gets past the refusal stops at the port, before any pod starts.
@Suite(.serialized) struct UpPolicyTests {
    private func up(in folder: String, port: Int) throws -> ProcessResult {
        let bin = folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        // Never started: the run stops before any pod.
        try Data("#!/bin/sh\nexit 0\n".utf8).write(to: URL(fileURLWithPath: bin + "/posts"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/posts")
        return try run(
            Paths.kubewire,
            [
                "up", "manifests.yaml", "--bin-dir", bin, "--state-dir", folder + "/state", "--nginx", "/bin/false",
                "--ingress-port", String(port),
            ], in: folder, timeout: .seconds(60))
    }

    @Test func aRuleTheConfigurationTurnsOffNeitherRefusesNorIsReported() throws {
        let folder = try Paths.temporaryDirectory("up-policy")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let held = try HeldPort()
        defer { held.close() }
        try Data(misspeltKey.utf8).write(to: URL(fileURLWithPath: folder + "/manifests.yaml"))

        let refused = try up(in: folder, port: held.port)
        #expect(refused.status == 1, "\(refused.errors)")
        #expect(refused.errors.contains("refusing to start"), "\(refused.errors)")
        #expect(refused.errors.contains("error[configmap-ref]"), "\(refused.errors)")
        // The checker's finding said first, as a warning line, then the refusal in `check`'s words.
        #expect(refused.errors.contains("kubewire: warning: manifests.yaml:35:"), "\(refused.errors)")

        try Data("disable: [configmap-ref]\n".utf8).write(to: URL(fileURLWithPath: folder + "/.kubewire.yaml"))
        let allowed = try up(in: folder, port: held.port)
        // Past the refusal: stopped by the held port (exit 2), the key said as not set, not an error.
        #expect(allowed.status == 2, "\(allowed.errors)")
        #expect(!allowed.errors.contains("configmap-ref"), "\(allowed.errors)")
        #expect(!allowed.errors.contains("refusing to start"), "\(allowed.errors)")
        #expect(allowed.errors.contains("ingress port \(held.port) on 127.0.0.1 cannot be used"), "\(allowed.errors)")
        #expect(allowed.errors.contains("EVENT_BUS_ULR"), "\(allowed.errors)")

        // A severity below error is not a proven break either.
        try Data("severity: {configmap-ref: warning}\n".utf8).write(
            to: URL(fileURLWithPath: folder + "/.kubewire.yaml"))
        let downgraded = try up(in: folder, port: held.port)
        #expect(downgraded.status == 2, "\(downgraded.errors)")
        #expect(!downgraded.errors.contains("refusing to start"), "\(downgraded.errors)")
    }

    @Test func aBrokenConfigurationStopsUpAtItsPosition() throws {
        let folder = try Paths.temporaryDirectory("up-policy-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let held = try HeldPort()
        defer { held.close() }
        try Data(misspeltKey.utf8).write(to: URL(fileURLWithPath: folder + "/manifests.yaml"))
        try Data("disable: [configmap-rfe]\n".utf8).write(to: URL(fileURLWithPath: folder + "/.kubewire.yaml"))
        let result = try up(in: folder, port: held.port)
        #expect(result.status == 2, "\(result.errors)")
        #expect(result.errors.contains(".kubewire.yaml:1:11"), "\(result.errors)")
        #expect(result.errors.contains("did you mean configmap-ref?"), "\(result.errors)")
        #expect(!result.errors.contains("refusing to start"), "\(result.errors)")
    }
}
