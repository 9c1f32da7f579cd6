import Testing

@testable import KubeSchema

/// The compact format kube-schema-gen writes, decoded per release.
struct SchemaDecoderTests {
    static let sample = """
        R 30 32
        D io.k8s.api.core.v1.Port
        = 7 o
         name s
         number! I
        D io.k8s.api.core.v1.Thing
        K v1 Thing
        = 3 o
         ports [#0
         labels {s
         size #2
        = 4 o
         ports [#0
         renamed b
        D io.k8s.apimachinery.pkg.api.resource.Quantity
        = 7 q

        """

    static func decode(_ text: String, minor: Int) throws -> Schema {
        var text = text
        return try text.withUTF8 { try SchemaDecoder.decode($0, minor: minor) }
    }

    @Test func decodesTheVariantOfTheSelectedRelease() throws {
        let old = try Self.decode(Self.sample, minor: 30)
        let thing = try #require(old.root(apiVersion: "v1", kind: "Thing"))
        #expect(old.fieldNames(of: thing) == ["ports", "labels", "size"])
        let size = try #require(old.field("size", of: thing))
        #expect(size.type.shape == .quantity)
        let labels = try #require(old.field("labels", of: thing))
        #expect(labels.type.shape == .map)
        #expect(old.element(labels.type)?.shape == .string)
        let ports = try #require(old.field("ports", of: thing))
        let port = try #require(old.element(ports.type))
        #expect(old.name(of: port) == "Port")
        #expect(old.field("number", of: port)?.required == true)
        #expect(old.field("number", of: port)?.type.shape == .int32)
        #expect(old.field("name", of: port)?.required == false)

        let new = try Self.decode(Self.sample, minor: 32)
        let newThing = try #require(new.root(apiVersion: "v1", kind: "Thing"))
        #expect(new.fieldNames(of: newThing) == ["ports", "renamed"])
        #expect(new.field("size", of: newThing) == nil)
    }

    @Test func refusesAReleaseOutsideTheRange() {
        #expect(throws: SchemaFormatError.self) { try Self.decode(Self.sample, minor: 29) }
        #expect(throws: SchemaFormatError.self) { try Self.decode(Self.sample, minor: 33) }
    }

    @Test func refusesMalformedText() {
        #expect(throws: SchemaFormatError.self) { try Self.decode("no header\n", minor: 30) }
        #expect(throws: SchemaFormatError.self) { try Self.decode("R 30 30\nD x\n= 1 z\n", minor: 30) }
        #expect(throws: SchemaFormatError.self) { try Self.decode("R 30 30\nD x\n= 1 o\n nameonly\n", minor: 30) }
        #expect(throws: SchemaFormatError.self) { try Self.decode("R 30 30\n? what\n", minor: 30) }
    }

    @Test func embeddedSchemaCoversEveryRelease() throws {
        #expect(BuiltinSchema.releases == 25...37)
        for minor in BuiltinSchema.releases {
            let schema = try #require(BuiltinSchema.release(minor: minor), "1.\(minor) decodes")
            let deployment = try #require(schema.root(apiVersion: "apps/v1", kind: "Deployment"))
            let spec = try #require(schema.field("spec", of: deployment)?.type)
            #expect(schema.field("selector", of: spec)?.required == true, "1.\(minor)")
            #expect(schema.field("replicas", of: spec)?.type.shape == .int32)
            #expect(schema.root(apiVersion: "v1", kind: "Pod") != nil)
            #expect(schema.root(apiVersion: "networking.k8s.io/v1", kind: "Ingress") != nil)
            #expect(schema.root(apiVersion: "extensions/v1beta1", kind: "Ingress") == nil)
        }
        #expect(BuiltinSchema.release(minor: 24) == nil)
        #expect(BuiltinSchema.release(minor: 38) == nil)
    }

    @Test func releasesDiffer() throws {
        // ValidatingAdmissionPolicy reached admissionregistration.k8s.io/v1 in 1.30.
        let old = try #require(BuiltinSchema.release(minor: 25))
        let new = try #require(BuiltinSchema.release(minor: 37))
        #expect(old.root(apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy") == nil)
        #expect(new.root(apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy") != nil)
        // Sidecar containers (Container.restartPolicy) arrived in 1.28.
        let pod = try #require(new.root(apiVersion: "v1", kind: "Pod"))
        let spec = try #require(new.field("spec", of: pod)?.type)
        let containers = try #require(new.field("containers", of: spec)?.type)
        let container = try #require(new.element(containers))
        #expect(new.field("restartPolicy", of: container) != nil)
        let oldPod = try #require(old.root(apiVersion: "v1", kind: "Pod"))
        let oldSpec = try #require(old.field("spec", of: oldPod)?.type)
        let oldContainers = try #require(old.field("containers", of: oldSpec)?.type)
        let oldContainer = try #require(old.element(oldContainers))
        #expect(old.field("restartPolicy", of: oldContainer) == nil)
    }
}
