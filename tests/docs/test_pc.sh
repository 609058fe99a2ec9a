#!/bin/sh
# The installed panalyzer.pc is relocatable: copied under any prefix (with the libdir
# of this build), pkg-config resolves include and lib paths under that prefix.
# usage: test_pc.sh BUILT_PC LIBDIR
set -u
PC=$1
LIBDIR=$2
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config not installed"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/moved/$LIBDIR/pkgconfig" "$TMP/moved/include"
cp "$PC" "$TMP/moved/$LIBDIR/pkgconfig/"
export PKG_CONFIG_PATH="$TMP/moved/$LIBDIR/pkgconfig"
unset PKG_CONFIG_SYSROOT_DIR
for v in includedir libdir; do
  got=$(cd "$(pkg-config --variable=$v panalyzer)" 2>/dev/null && pwd -P) \
    || { echo "FAIL: $v '$(pkg-config --variable=$v panalyzer)' does not exist"; exit 1; }
  case $v in includedir) want=include ;; libdir) want=$LIBDIR ;; esac
  [ "$got" = "$(cd "$TMP/moved/$want" && pwd -P)" ] \
    || { echo "FAIL: $v resolves to $got, expected $TMP/moved/$want"; exit 1; }
done
echo "ok"
