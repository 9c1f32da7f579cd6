// placeholder: replaced by the KubeYAML implementation
