#ifndef KUBE_API_SCHEMA_H
#define KUBE_API_SCHEMA_H

/// The built-in Kubernetes API of every supported release, in the compact
/// text of kube-schema-gen (Sources/Tools/kube-schema-gen/main.swift).
const char *kube_api_schema_text(void);
unsigned long kube_api_schema_length(void);

/// The API's vocabulary, one word a line: every field name, kind and
/// apiVersion of any release, and kube-schema-gen's curated enum values and
/// label keys. KubeYAML stores each once for the whole run.
const char *kube_api_words_text(void);
unsigned long kube_api_words_length(void);

#endif
