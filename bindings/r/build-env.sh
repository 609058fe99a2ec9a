# Sourced by run-tests.sh and check.sh: build the package against a libpanalyzer build
# tree ($1, default build). Sets HERE, ROOT, BUILD and the environment R needs.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
[ -e "$BUILD/lib/libpanalyzer.so" ] || { echo "no $BUILD/lib/libpanalyzer.so" >&2; exit 1; }
export PANALYZER_CFLAGS="-I$ROOT/include"
export PANALYZER_LIBS="-L$BUILD/lib -lpanalyzer -Wl,-rpath,$BUILD/lib"
export OPENBLAS_NUM_THREADS=1
export PA_SHARED_DATA=${PA_SHARED_DATA:-$ROOT/../shared/data}
