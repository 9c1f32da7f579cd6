import Testing

@testable import KubeSchema

struct QuantityTests {
    @Test(arguments: [
        "1", "0.5", ".5", "1.", "500m", "1Mi", "128Mi", "1e3", "1E3", "1.5Gi", "-1", "+2k", "100M", "2Ei", "1e-3",
    ])
    func valid(_ text: String) {
        #expect(Quantity.isValid(text))
    }

    @Test(arguments: ["", "128mb", "1.5cores", "Mi", "1 Mi", "1MI", "1ki", "1.2.3", "1e", "1e1.5", "0x10", "."])
    func invalid(_ text: String) {
        #expect(!Quantity.isValid(text))
    }

    @Test func suggestsBinarySuffixes() {
        #expect(Quantity.suggestion(for: "128mb") == "128Mi")
        #expect(Quantity.suggestion(for: "1GB") == "1Gi")
        #expect(Quantity.suggestion(for: "cores") == nil)
    }
}
