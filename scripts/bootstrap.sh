#!/usr/bin/env bash
# Install what the portal needs on a fresh Debian machine with Python 3.11+:
# the system libraries (WeasyPrint's Pango, Chromium for browser tests, poppler for PDF checks
# and previews, LibreOffice Writer without its GUI for Word previews: about 84 MB to download,
# 260 MB installed, a minute to install), then a virtual environment in .venv with the project
# and its dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation libmagic1 poppler-utils libreoffice-writer-nogui)
if [ "${WITH_BROWSER:-1}" = "1" ]; then
  SYSTEM_PACKAGES+=(chromium)
fi
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c "import ensurepip" 2>/dev/null; then
  # Debian's own Python needs python3-venv for `python3 -m venv`.
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
