#!/usr/bin/env bash
# Prints the path of a deepstream configuration that serves on the given port: conf/config.yml itself for 6021 (the
# port written in it), otherwise a copy in <directory>/deepstream-conf with the port changed (permissions.yml beside
# it, as the configuration refers to it). Fails, saying so, when the port could not be set.
#   bench/peers/deepstream/config-for-port.sh <port> <directory>
set -euo pipefail
PEER="$(cd "$(dirname "$0")" && pwd)"
port=$1
directory=$2
if [[ $port == 6021 ]]; then
	echo "$PEER/conf/config.yml"
	exit 0
fi
mkdir -p "$directory/deepstream-conf"
cp "$PEER/conf/permissions.yml" "$directory/deepstream-conf/"
sed "s/^\( *port: \)6021\b/\1$port/" "$PEER/conf/config.yml" > "$directory/deepstream-conf/config.yml"
grep -q "port: $port\b" "$directory/deepstream-conf/config.yml" || { echo "could not set deepstream's port to $port" >&2; exit 1; }
echo "$directory/deepstream-conf/config.yml"
