import Foundation

/// Inputs built to exhaust a checker's memory; each must be refused or bounded, never expanded.
struct Hostile {
    var name: String
    var directory: URL

    static func generate(at root: URL) throws -> [Hostile] {
        let manager = FileManager.default
        func write(_ name: String, _ file: String, _ body: (FileHandle) throws -> Void) throws -> Hostile {
            let directory = root.appendingPathComponent(name)
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent(file).path
            _ = manager.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try body(handle)
            return Hostile(name: name, directory: directory)
        }
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        return [
            try write("40 MB scalar in a ConfigMap", "cm.yaml") { handle in
                handle.write(Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ".utf8))
                for _ in 0..<40 { handle.write(megabyte) }
                handle.write(Data("\n".utf8))
            },
            try write("billion laughs", "laughs.yaml") { handle in
                var text =
                    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                for level in 1..<10 {
                    text +=
                        "  a\\(level): &a\\(level) ["
                        + Array(repeating: "*a\\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
                }
                handle.write(Data(text.utf8))
            },
            try write("nesting 1,000,000 deep", "deep.yaml") { handle in
                handle.write(Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ".utf8))
                handle.write(Data(repeating: UInt8(ascii: "["), count: 1_000_000))
                handle.write(Data(repeating: UInt8(ascii: "]"), count: 1_000_000))
                handle.write(Data("\n".utf8))
            },
            try write("ports at Int's edges (did-you-mean)", "ports.yaml") { handle in
                handle.write(Data(extremePorts.utf8))
            },
            try write("nested regex quantifiers (64^6)", "regex.yaml") { handle in
                handle.write(Data(nestedQuantifiers.utf8))
            },
            try write("anchors chained 10,000 deep", "chain.yaml") { handle in
                var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: chain}\ndata:\n  a0: &a0 [x]\n"
                for level in 1..<10_000 { text += "  a\(level): &a\(level) [*a\(level - 1)]\n" }
                handle.write(Data(text.utf8))
            },
            try write("CRD pattern: backtracking, 1 MB value", "pattern.yaml") { handle in
                handle.write(Data(patternCRD.utf8))
                handle.write(Data("  slow: \"".utf8))
                handle.write(Data(repeating: UInt8(ascii: "a"), count: 1 << 20))
                handle.write(Data("b\"\n".utf8))
            },
            try write("2,000 scalars with goyaml's \\' escape", "escapes.yaml") { handle in
                var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: escapes}\ndata:\n"
                for index in 0..<2_000 { text += "  k\(index): \"it\\'s \(index)\"\n" }
                handle.write(Data(text.utf8))
            },
            try write("100 MB file (over the input limit)", "huge.yaml") { handle in
                let object = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n"
                let chunk = Data(String(repeating: object, count: (1 << 20) / object.utf8.count).utf8)
                for _ in 0..<100 { handle.write(chunk) }
            },
        ]
    }

    static let extremePorts = """
        apiVersion: v1
        kind: Service
        metadata: {name: svc}
        spec:
          selector: {app: a}
          ports: [{port: 9223372036854775807, targetPort: -9223372036854775808}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec:
          selector: {matchLabels: {app: a}}
          template:
            metadata: {labels: {app: a}}
            spec:
              containers:
                - name: a
                  image: a
                  ports: [{containerPort: -9223372036854775808}]
                  livenessProbe: {httpGet: {port: 9223372036854775807}}
                  env: [{name: A, value: "http://svc:9223372036854775807"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: i}
        spec:
          rules:
            - http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: svc, port: {number: -9223372036854775807}}}}

        """

    static let nestedQuantifiers = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: q
          annotations: {nginx.ingress.kubernetes.io/use-regex: "true"}
        spec:
          ingressClassName: nginx
          rules:
            - host: q.example
              http:
                paths:
                  - {path: "/((((((a{64}){64}){64}){64}){64}){64})", pathType: ImplementationSpecific, backend: {service: {name: s, port: {number: 80}}}}
                  - {path: "/a", pathType: ImplementationSpecific, backend: {service: {name: s, port: {number: 80}}}}

        """

    static let patternCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  properties:
                    spec:
                      type: object
                      properties:
                        slow: {type: string, pattern: "^(a+)+$"}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w}
        spec:

        """
}
