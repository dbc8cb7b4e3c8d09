#!/bin/sh
# The rg-versus-grep search test needs ripgrep. A machine without it gets Debian's ripgrep package
# fetched into the build folder and unpacked there: no root, nothing installed system-wide, gone
# with 'mvn clean'. Usage: provision-ripgrep.sh <build folder>; prints one 'ripgrep:' line.
set -eu
target="$1"
found="$(command -v "rg" || true)"
if [ -n "$found" ]; then
    echo "ripgrep: on PATH, $found"
    exit 0
fi
unpacked="$target/ripgrep"
if [ -x "$unpacked/usr/bin/rg" ]; then
    echo "ripgrep: fetched earlier, $unpacked/usr/bin/rg"
    exit 0
fi
echo "ripgrep: not on PATH; fetching Debian's ripgrep package into $unpacked"
mkdir -p "$target/ripgrep-deb"
cd "$target/ripgrep-deb"
apt-get download ripgrep 2>&1 | grep -v "unsandboxed" || true
deb="$(ls ripgrep_*.deb 2>/dev/null | head -n 1 || true)"
if [ -z "$deb" ]; then
    echo "ripgrep: apt-get download ripgrep failed; install it (apt-get install -y ripgrep) to run the ripgrep test" >&2
    exit 1
fi
dpkg-deb -x "$deb" "$unpacked"
version="$("$unpacked/usr/bin/rg" --version | head -n 1)"
echo "ripgrep: $version, $unpacked/usr/bin/rg"
