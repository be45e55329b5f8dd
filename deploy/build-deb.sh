#!/usr/bin/env bash
# Builds the Debian package from this checkout: a self-contained, ReadyToRun `dotnet publish` of the host for the
# target architecture, each bundled plugin published beside it (framework-dependent: it runs on the host's runtime and
# shares its Exim.Abstractions), the packaged configuration and policy scripts, the systemd units under deploy/systemd/
# (those that exist), and the maintainer scripts, put together with dpkg-deb. No network beyond NuGet's restore.
#
#   deploy/build-deb.sh [--arch amd64|arm64] [--out DIR] [--work DIR] [--revision N] [--fast]
#
# --out      where the .deb goes (default: the checkout root)
# --work     scratch directory: a copy of the sources, the publish output and the staging tree (default: .build/deb,
#            git-ignored). The publish is skipped when the sources it was made from have not changed since.
# --revision the Debian revision (default 1): the package version is the host's <Version> followed by -N
# --fast     compress with gzip -1 instead of xz, and compile the host ReadyToRun per assembly instead of as one composite
#            image with the .NET runtime libraries (the tests use it: minutes less to build; it installs and works the
#            same, it only starts slower, see README "Start-up time")
# Prints the path of the .deb on its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
arch=amd64 out=$root work=$root/.build/deb revision=1 compress=(-Zxz) composite=true
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --revision) revision=$2; shift 2 ;;
    --fast) compress=(-Zgzip -z1) composite=false; shift ;;
    *) echo "build-deb.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$arch" in
  amd64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) echo "build-deb.sh: --arch must be amd64 or arm64, not $arch" >&2; exit 2 ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$work" "$out"
work=$(cd "$work" && pwd) out=$(cd "$out" && pwd)

# 1. A private copy of the sources (tracked and untracked-but-not-ignored files, as they are in the work tree), so that
# the RID-specific restore and build never touch the checkout's obj/ and plugins/*/bin/ (which the tests load). Its
# obj/ directories are kept between runs, so a second publish is incremental.
src=$work/src
mkdir -p "$src"
exec 9>"$work/.lock"
flock 9   # one build at a time in a work directory
inputs=(src plugins scripts deploy README.md Directory.Build.props Directory.Packages.props global.json NuGet.config nuget.config)
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  files=$(cd "$root" && git ls-files -co --exclude-standard -- "${inputs[@]}" | sort)
else   # an unpacked source tarball: everything but build output
  files=$(cd "$root" && find "${inputs[@]}" -type f -not -path '*/bin/*' -not -path '*/obj/*' 2>/dev/null | sort)
fi
find "$src" -type f -not -path '*/obj/*' -not -path '*/bin/*' -delete
(cd "$root" && printf '%s\n' "$files" | tar -cf - -T -) | tar -xf - -C "$src"
# Without -C, the installed executable (and sendmail, mailq, ... by the alternatives) reads the installed configuration.
configure_file=/etc/exim/exim.toml
# What the publish is made from (the configuration, scripts and units are packed fresh every time).
stamp=$( (cd "$src" && printf '%s\n' "$files" | grep -Ev '^(scripts|deploy)/|^README.md$' | xargs -d '\n' sha256sum; echo "composite=$composite configure_file=$configure_file") | sha256sum | cut -d' ' -f1)

# 2. Publish (skipped when this architecture was published from the same sources).
publish=$work/publish-$rid
if [ "$(cat "$publish/.sources" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$publish"
  # The ReadyToRun step's intermediate files (obj/**/R2R) of a composite build are stubs pointing into the composite
  # image, which an incremental per-assembly build would take as up to date (and the other way round): a change of mode
  # starts them afresh.
  if [ "$(cat "$work/.composite" 2>/dev/null)" != "$composite" ]; then
    find "$src" -type d -path '*/obj/*' -name R2R -prune -exec rm -rf {} +
    echo "$composite" > "$work/.composite"
  fi
  common=(-c Release -r "$rid" -p:PublishReadyToRun=true -p:SatelliteResourceLanguages=en -nologo -clp:ErrorsOnly)
  # EximPackaging: the host's build does not build the plugins into plugins/<name>/bin (they are published below).
  # Composite: the host, its libraries and the .NET runtime libraries precompiled as one version bubble, so that the
  # framework's generics over the host's types (List<Mode>, the async state machines, ...) are precompiled too instead of
  # JIT-compiled at start-up (about 1100 methods JIT-compiled before the first connection per assembly, 430 composite).
  dotnet publish "$src/src/Host" "${common[@]}" --self-contained true -p:EximPackaging=true -p:PublishReadyToRunComposite=$composite \
    -p:EximConfigureFile=$configure_file -o "$publish/exim"
  for project in "$src"/plugins/*/*.csproj; do
    name=$(basename "$(dirname "$project")")
    dotnet publish "$project" "${common[@]}" --self-contained false -o "$publish/plugins/$name"
  done
  echo "$stamp" > "$publish/.sources"
fi

# 3. The package's tree.
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$src/Directory.Build.props" | head -n1)
[ -n "$version" ] || { echo "build-deb.sh: no <Version> in Directory.Build.props" >&2; exit 1; }
stage=$work/stage-$arch
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/lib/exim/plugins" "$stage/usr/sbin" "$stage/etc/exim/scripts" \
  "$stage/etc/logrotate.d" "$stage/var/spool/exim" "$stage/var/log/exim" "$stage/usr/share/doc/exim"
cp -a "$publish/exim/." "$stage/usr/lib/exim/"
find "$stage/usr/lib/exim" -maxdepth 1 -name '*.xml' -delete   # API documentation files, not needed to run
for dir in "$publish"/plugins/*/; do
  name=$(basename "$dir")
  mkdir -p "$stage/usr/lib/exim/plugins/$name"
  cp -a "$dir." "$stage/usr/lib/exim/plugins/$name/"
done
ln -s ../lib/exim/exim "$stage/usr/sbin/exim"
install -m 0644 "$src/deploy/debian/exim.toml" "$stage/etc/exim/exim.toml"
install -m 0644 "$src"/scripts/*.csx "$stage/etc/exim/scripts/"
install -m 0644 "$src/deploy/debian/logrotate" "$stage/etc/logrotate.d/exim"
mkdir -p "$stage/usr/lib/tmpfiles.d"
install -m 0644 "$src/deploy/debian/tmpfiles.conf" "$stage/usr/lib/tmpfiles.d/exim.conf"
install -m 0644 "$src/README.md" "$stage/usr/share/doc/exim/README.md"
units=("$src"/deploy/systemd/*.service "$src"/deploy/systemd/*.socket)
for unit in "${units[@]}"; do
  [ -f "$unit" ] || continue
  mkdir -p "$stage/lib/systemd/system"
  install -m 0644 "$unit" "$stage/lib/systemd/system/"
done

# Maintainer scripts and the conffiles list (every file under /etc).
for script in postinst prerm postrm; do install -m 0755 "$src/deploy/debian/$script" "$stage/DEBIAN/$script"; done
(cd "$stage" && find etc -type f | sort | sed 's:^:/:') > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version-$revision/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  "$src/deploy/debian/control" > "$stage/DEBIAN/control"

deb=$out/exim_$version-${revision}_$arch.deb
dpkg-deb --root-owner-group "${compress[@]}" --build "$stage" "$deb" >/dev/null
echo "$deb"
