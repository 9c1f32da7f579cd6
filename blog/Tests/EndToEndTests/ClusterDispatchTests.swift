import Foundation
import Testing

/// `kubewire up` and `kubewire probe` as the checker's CLI runs them: kubewire (built from the root
/// package) execs the kubewire-cluster beside it with the same arguments.
struct ClusterDispatchTests {
    @Test func upAndProbeRunKubewireClusterWithTheSameArguments() throws {
        // Usage errors come from kubewire-cluster's parser, with the documented exit code 2.
        let probe = try run(Paths.kubewire, ["probe", Paths.root + "/infra"])
        #expect(probe.status == 2, "\(probe.errors)")
        #expect(probe.errors.contains("--base-url"), "\(probe.errors)")
        let help = try run(Paths.kubewire, ["up", "--help"])
        #expect(help.status == 0, "\(help.errors)")
        #expect(help.output.contains("--bin-dir"), "\(help.output)")
        let rootHelp = try run(Paths.kubewire, ["--help"])
        #expect(rootHelp.output.contains("up") && rootHelp.output.contains("probe"), "\(rootHelp.output)")
    }
}
