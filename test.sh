#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the Debian packages the tests use when they are missing
# (swaks: a real SMTP client; nsd: a real authoritative DNS server), restores and builds the host, the bundled
# plugins and the test plugins, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

packages=(swaks nsd bind9-dnsutils python3)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet build Exim.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test Exim.slnx -c Release --no-build --logger "console;verbosity=minimal"
