// placeholder: replaced by the KubeModel implementation
