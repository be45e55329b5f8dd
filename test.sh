#!/usr/bin/env bash
# The whole test suite: restores, builds the host, the bundled plugins and the test plugins, then runs every test.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build Exim.slnx -c Release -nologo -clp:ErrorsOnly
dotnet test Exim.slnx -c Release --no-build --logger "console;verbosity=minimal"
