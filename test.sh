#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the Debian packages the tests use when they are missing
# (swaks: a real SMTP client; nsd: a real authoritative DNS server; ldnsutils: ldns-keygen and ldns-signzone, which sign
# the DANE tests' zones at test time; unbound: the validating resolver in front of NSD for those tests, started by their
# fixture on its own port and configuration, so a system unbound the package may start on port 53 does not matter;
# dovecot-core: a real Dovecot auth service for the dovecot authenticator's tests, whose fixture runs its own instance
# (own base_dir, no protocols, nothing on the network), so a system Dovecot the package's postinst may start is left alone;
# dovecot-lmtpd: the LMTP service the lmtp transport plugin is tested against, in the same kind of private instance;
# systemd-container: systemd-nspawn, which boots a real systemd in a container on the scratch root where SystemdServiceTests
# installed the package, to start it with systemctl; prometheus: Debian's Prometheus server, which a metrics test starts on
# its own port and scratch storage to scrape a daemon, so a system Prometheus the package may start does not matter),
# unpacks Debian's eximstats, restores and builds the host, the bundled plugins and the test plugins, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

packages=(swaks nsd bind9-dnsutils python3 perl ldnsutils unbound openssl libnet-ssleay-perl dovecot-core dovecot-lmtpd systemd systemd-container adduser prometheus)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian 12's eximstats (exim4-base 4.96, a perl script) reads a log our daemon wrote in the tests: unpacked under the
# git-ignored .tools/, never installed.
if [ ! -f .tools/exim4-base/usr/sbin/eximstats ]; then
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download exim4-base >/dev/null 2>&1); then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    (cd "$tmp" && apt-get download exim4-base >/dev/null)
  fi
  dpkg -x "$tmp"/exim4-base_*.deb "$tmp/root"
  mkdir -p .tools && rm -rf .tools/exim4-base && mv "$tmp/root" .tools/exim4-base
  rm -rf "$tmp"
fi

# dotnet-counters (the .NET diagnostics tool, a NuGet dotnet tool) for the test that watches a daemon with it: installed
# into the git-ignored .tools/, never globally. The version is DotnetCounters.Version in tests/Exim.TestKit.
if [ ! -x .tools/dotnet-counters/dotnet-counters ]; then
  dotnet tool install dotnet-counters --version 10.0.750501 --tool-path .tools/dotnet-counters >/dev/null
fi

dotnet build Exim.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test Exim.slnx -c Release --no-build --logger "console;verbosity=minimal"
