/// The built-in kinds the model and the rules name, written once (a misspelt kind is a compile
/// error, not a comparison that is never true). `ManifestObject.kind` stays the text as written.
/// Computed and inlinable, not `static let`: a comparison against one compiles as against the
/// literal, with no lazy-global access on paths that run for every object.
public enum BuiltinKind {
    @inlinable public static var deployment: String { "Deployment" }
    @inlinable public static var statefulSet: String { "StatefulSet" }
    @inlinable public static var daemonSet: String { "DaemonSet" }
    @inlinable public static var replicaSet: String { "ReplicaSet" }
    @inlinable public static var job: String { "Job" }
    @inlinable public static var cronJob: String { "CronJob" }
    @inlinable public static var pod: String { "Pod" }
    @inlinable public static var service: String { "Service" }
    @inlinable public static var configMap: String { "ConfigMap" }
    @inlinable public static var secret: String { "Secret" }
    @inlinable public static var ingress: String { "Ingress" }
    @inlinable public static var persistentVolumeClaim: String { "PersistentVolumeClaim" }
    @inlinable public static var serviceAccount: String { "ServiceAccount" }
    @inlinable public static var horizontalPodAutoscaler: String { "HorizontalPodAutoscaler" }
    @inlinable public static var podDisruptionBudget: String { "PodDisruptionBudget" }
    @inlinable public static var networkPolicy: String { "NetworkPolicy" }
    @inlinable public static var namespace: String { "Namespace" }
    @inlinable public static var ingressClass: String { "IngressClass" }
    @inlinable public static var customResourceDefinition: String { "CustomResourceDefinition" }
    @inlinable public static var replicationController: String { "ReplicationController" }
}
