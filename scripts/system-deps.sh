#!/usr/bin/env bash
# Installs the Debian packages the portal needs when they are missing, or stops with a clear message.
#   runtime: what WeasyPrint needs (pango, harfbuzz subsetting, a font with French accents), venv, and ICU with a
#            C++ compiler to build PyICU (names sorted as people expect)
#   test:    the same, plus the system Chromium for the browser and accessibility tests, and Java and npm for the
#            Nu Html Checker (vnu.jar from npm, run on the system Java)
#   bench:   the same as runtime, plus the wrk HTTP load generator for `make bench`
set -euo pipefail
mode=${1:-runtime}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

wanted=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libicu-dev pkg-config g++ python3-dev)
case "$mode" in
  runtime) ;;
  test) wanted+=(chromium) ;;
  bench) wanted+=(wrk) ;;
  *) echo "system-deps: unknown mode '$mode' (runtime, test or bench)" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null; then
  echo "system-deps: this is not a Debian system; install pango, libharfbuzz-subset0, DejaVu fonts, ICU (libicu-dev, pkg-config, a C++ compiler, Python headers), chromium, Java and npm (tests) and wrk (bench) yourself." >&2
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do installed "$pkg" || missing+=("$pkg"); done
if [ "$mode" = test ]; then
  command -v java >/dev/null || missing+=(default-jre-headless)
  command -v npm >/dev/null || missing+=(npm)
fi
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "system-deps: installing ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "system-deps: these system packages are missing: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
