#!/usr/bin/env bash
# A base for Sluice's images (./mvnw package -Pimages) made from Debian's packages alone, for a machine that reaches
# Debian's archive but no container registry: Debian bookworm with openjdk-17-jre-headless, written as a docker-save
# tar, which Jib takes as -Djib.from.image=tar://<absolute path of the tar>.
#
#   sudo apt-get install mmdebstrap
#   sudo ops/images/debian-jre-base.sh target/debian-jre17-base.tar
#   ./mvnw package -Pimages -DskipTests -Djib.from.image=tar://$PWD/target/debian-jre17-base.tar
#
# Needs root: mmdebstrap runs the packages' scripts in a chroot. The same SOURCE_DATE_EPOCH and the same package
# versions (MIRROR set to a snapshot of the archive, such as http://snapshot.debian.org/archive/debian/20250520T000000Z)
# give the same tar.
set -euo pipefail

out="${1:-target/debian-jre17-base.tar}"
mirror="${MIRROR:-http://deb.debian.org/debian}"
security="${SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
arch="$(dpkg --print-architecture)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The JRE and its certificates, without documentation and translations.
mmdebstrap --variant=apt --mode=root --architectures="$arch" \
  --include=openjdk-17-jre-headless,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  bookworm "$work/layer.tar" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security bookworm-security main"

diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
created="$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%dT%H:%M:%SZ)"
printf '{"architecture":"%s","os":"linux","created":"%s","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-%s","LANG=C.UTF-8"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"%s","created_by":"ops/images/debian-jre-base.sh: Debian bookworm, openjdk-17-jre-headless"}]}' \
  "$arch" "$created" "$arch" "$diff_id" "$created" > "$work/config.json"
config="$(sha256sum "$work/config.json" | cut -d' ' -f1).json"
mv "$work/config.json" "$work/$config"
printf '[{"Config":"%s","RepoTags":["sluice/debian-jre17-base:bookworm"],"Layers":["layer.tar"]}]' "$config" \
  > "$work/manifest.json"

mkdir -p "$(dirname "$out")"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$out" -C "$work" manifest.json "$config" layer.tar
echo "$out: Debian bookworm with openjdk-17-jre-headless ($arch), for -Djib.from.image=tar://$(realpath "$out")"
