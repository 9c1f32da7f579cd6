// placeholder: replaced by the KubeRules implementation
