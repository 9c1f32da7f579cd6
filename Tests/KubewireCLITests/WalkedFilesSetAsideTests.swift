import Foundation
import Testing

/// Files a walk finds that are not manifests of their own: kuttl and chainsaw test inputs, and
/// kustomize patches no kustomization uses. They are counted and listed, not checked; a file named
/// on the command line is checked whatever it is.
@Suite(.serialized) struct WalkedFilesSetAsideTests {
    static let configMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          mode: fast

        """

    /// kuttl's assert: a Deployment as the harness expects to find it, matched, never applied.
    static let partialDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: simplest
        status:
          readyReplicas: 1

        """

    @Test func kuttlAndChainsawTestFoldersAreSkippedAndCountedButANamedFileIsChecked() throws {
        let scratch = try Scratch()
        try scratch.write([
            "deploy/settings.yaml": Self.configMap,
            // kuttl: a numeric step prefix; the install step of the same test is set aside too.
            "tests/e2e/smoke/00-assert.yaml": Self.partialDeployment,
            "tests/e2e/smoke/00-install.yaml": Self.partialDeployment,
            "tests/e2e/smoke/01-errors.yaml": Self.partialDeployment,
            // chainsaw: the folder holding chainsaw-test.yaml.
            "tests/chainsaw/basic/chainsaw-test.yaml": """
            apiVersion: chainsaw.kyverno.io/v1alpha1
            kind: Test
            metadata:
              name: basic
            spec:
              steps:
              - try:
                - assert:
                    file: expected.yaml

            """,
            "tests/chainsaw/basic/expected.yaml": Self.partialDeployment,
            // Below the test folder: a file a step names, templated by chainsaw.
            "tests/chainsaw/basic/resources/account.yaml": """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: collector
              namespace: ($namespace)

            """,
        ])
        let result = try checkWithKubeTools([".", "--format", "json"], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("\"skippedTestHarness\" : 6"), "\(result)")
        #expect(!result.stdout.contains("simplest") && !result.stdout.contains("name-format"), "\(result)")

        let text = try checkWithKubeTools(["."], in: scratch)
        #expect(text.stdout.contains("6 test-harness files skipped: kuttl/chainsaw test steps"), "\(text)")
        let verbose = try checkWithKubeTools([".", "--verbose"], in: scratch)
        #expect(verbose.stdout.contains("skipped (test harness): tests/e2e/smoke/00-assert.yaml"), "\(verbose)")
        #expect(verbose.stdout.contains("skipped (test harness): tests/chainsaw/basic/expected.yaml"), "\(verbose)")

        // Named on the command line: checked as given.
        let named = try checkWithKubeTools(["tests/e2e/smoke/00-assert.yaml"], in: scratch)
        #expect(named.status == 1, "\(named)")
        #expect(named.stdout.contains("error[required-field]"), "\(named)")
    }

    @Test func aTestFolderAloneIsNothingToCheckAndSaysWhy() throws {
        let scratch = try Scratch()
        try scratch.write(["smoke/00-assert.yaml": Self.partialDeployment])
        let result = try checkWithKubeTools(["smoke"], in: scratch)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.contains("(1 test-harness file skipped: name one to check it)"), "\(result)")
    }

    @Test func aFolderWithNumberedStepsButNoAssertOrErrorFileIsStillChecked() throws {
        let scratch = try Scratch()
        try scratch.write([
            "deploy/00-namespace.yaml": Self.partialDeployment,
            // kuttl's TestSuite at the root names the test folders; it does not make the root one.
            "kuttl-test.yaml": "apiVersion: kuttl.dev/v1beta1\nkind: TestSuite\ntestDirs:\n- ./tests/e2e\n",
            "app.yaml": Self.partialDeployment,
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[required-field]"), "\(result)")
        #expect(result.stdout.contains("--> app.yaml"), "\(result)")
        #expect(!result.stdout.contains("test-harness"), "\(result)")
    }

    @Test func partialPatchesNoKustomizationUsesAreSkippedAndCounted() throws {
        let scratch = try Scratch()
        try scratch.write([
            "config/crd/kustomization.yaml":
                "resources:\n- settings.yaml\n#patches:\n#- path: patches/webhook_in_things.yaml\n",
            "config/crd/settings.yaml": Self.configMap,
            // kubebuilder's scaffolded patches, commented out of the kustomization.
            "config/crd/patches/webhook_in_things.yaml": """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: things.example.com
            spec:
              conversion:
                strategy: Webhook

            """,
            // Not in a patches folder, but a Deployment too partial to create.
            "config/crd/extra/add_service_account.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: controller
            spec:
              template:
                spec:
                  serviceAccountName: controller

            """,
            // A `$patch` directive.
            "config/crd/extra/remove_volume.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              $patch: delete

            """,
            // Complete objects below the kustomization it does not list: still checked.
            "config/crd/samples/sample.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: sample
            spec:
              ports:
              - port: 80
                protocol: tcp

            """,
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("3 kustomize patch files skipped: no kustomization uses them"), "\(result)")
        #expect(!result.stdout.contains("error[required-field]"), "\(result)")
        #expect(!result.stdout.contains("webhook_in_things.yaml:"), "\(result)")
        // The sample is a manifest of its own: its bad protocol is still found.
        #expect(result.stdout.contains("--> config/crd/samples/sample.yaml"), "\(result)")

        let verbose = try checkWithKubeTools([".", "--verbose"], in: scratch)
        for file in [
            "config/crd/patches/webhook_in_things.yaml", "config/crd/extra/add_service_account.yaml",
            "config/crd/extra/remove_volume.yaml",
        ] {
            #expect(verbose.stdout.contains("skipped (patch no kustomization uses): \(file)"), "\(verbose)")
        }

        // Named on the command line: checked as given.
        let named = try checkWithKubeTools(["config/crd/patches/webhook_in_things.yaml"], in: scratch)
        #expect(named.status == 1, "\(named)")
        #expect(named.stdout.contains("error[required-field]"), "\(named)")
    }

    @Test func aPartialObjectOutsideAnyKustomizationIsStillChecked() throws {
        let scratch = try Scratch()
        try scratch.write(["patches/add_service_account.yaml": Self.partialDeployment])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error[required-field]"), "\(result)")
    }

    /// helm validates values against values.schema.json before rendering; a `$ref` to a remote
    /// schema it cannot fetch (no network, or an address that does not resolve: `.invalid` never does)
    /// says nothing about the chart.
    @Test func aChartWhoseRemoteValuesSchemaCannotBeFetchedIsNotCheckedNotAnError() throws {
        let scratch = try Scratch()
        try scratch.write([
            "chart/Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
            "chart/values.yaml": "replicas: 1\n",
            "chart/values.schema.json":
                #"{"type": "object", "properties": {"replicas": {"$ref": "https://schemas.invalid/defs.json#/replicas"}}}"#,
            "chart/templates/settings.yaml": Self.configMap,
        ])
        let result = try checkWithKubeTools(["."], in: scratch)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("note[not-rendered]"), "\(result)")
        #expect(result.stdout.contains("helm could not fetch a remote schema"), "\(result)")
        #expect(!result.stdout.contains("render-failed"), "\(result)")

        let required = try checkWithKubeTools([".", "--require-render"], in: scratch)
        #expect(required.status == 2, "\(required)")
    }
}
