// placeholder: replaced by the KubeReport implementation
