/// The built-in kinds the model and the rules name, written once (a misspelt kind is a compile
/// error, not a comparison that is never true). `ManifestObject.kind` stays the text as written.
public enum BuiltinKind {
    public static let deployment = "Deployment"
    public static let statefulSet = "StatefulSet"
    public static let daemonSet = "DaemonSet"
    public static let replicaSet = "ReplicaSet"
    public static let job = "Job"
    public static let cronJob = "CronJob"
    public static let pod = "Pod"
    public static let service = "Service"
    public static let configMap = "ConfigMap"
    public static let secret = "Secret"
    public static let ingress = "Ingress"
    public static let persistentVolumeClaim = "PersistentVolumeClaim"
    public static let serviceAccount = "ServiceAccount"
    public static let horizontalPodAutoscaler = "HorizontalPodAutoscaler"
    public static let podDisruptionBudget = "PodDisruptionBudget"
    public static let networkPolicy = "NetworkPolicy"
    public static let namespace = "Namespace"
    public static let ingressClass = "IngressClass"
    public static let customResourceDefinition = "CustomResourceDefinition"
    public static let replicationController = "ReplicationController"
}
