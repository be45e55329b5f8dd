#!/usr/bin/env bash
# A scratch Debian root for installing the package with `dpkg --root`, without touching the real system. Run inside a
# private mount namespace (`unshare --mount --propagation private`), it stays in the foreground until killed; the
# mounts vanish with the namespace. Commands enter it with `nsenter -t <pid> -m`, then `chroot <dir>/root` or
# `dpkg --root=<dir>/root`.
#
#   scratch-root.sh DIR      prints "ready" once DIR/root is set up
#
# DIR/root/usr    an overlay of this machine's /usr (the programs the maintainer scripts call: adduser, useradd,
#                 update-alternatives, install, getent; and libc for the daemon); what dpkg writes there (/usr/lib/exim,
#                 the alternatives' links) goes to DIR/usr-upper, never to the real /usr
# DIR/root/etc    a fresh one: Debian's base-passwd users and groups (no exim user), nsswitch files only, a resolver
#                 that is not this machine's
# DIR/root/var    a fresh one with an empty dpkg database
# DIR/root/proc, dev   the kernel's (the .NET runtime reads /proc/self)
# DIR/root/root, home  empty, as on a fresh system
set -euo pipefail
dir=$1
root=$dir/root
mkdir -p "$root"/{usr,etc/alternatives,var/lib/dpkg/{info,updates,triggers,alternatives},var/log,var/spool,var/cache,run,tmp,proc,dev} \
  "$dir/usr-upper" "$dir/usr-work"
for link in bin sbin lib lib64; do [ -e "$root/$link" ] || ln -s "usr/$link" "$root/$link"; done
chmod 1777 "$root/tmp"
install -d -m 0700 "$root/root"; install -d -m 0755 "$root/home"   # as base-files leaves them
install -d -o root -g mail -m 2775 "$root/var/mail"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"

# /etc as base-passwd and base-files leave it on a fresh Debian system, with what glibc and adduser read.
cp /usr/share/base-passwd/passwd.master "$root/etc/passwd"
cp /usr/share/base-passwd/group.master "$root/etc/group"
sed 's/^\([^:]*\):.*/\1:*:19000:0:99999:7:::/' "$root/etc/passwd" > "$root/etc/shadow"
sed 's/^\([^:]*\):.*/\1:*::/' "$root/etc/group" > "$root/etc/gshadow"
chmod 0640 "$root/etc/shadow" "$root/etc/gshadow"
chgrp shadow "$root/etc/shadow" "$root/etc/gshadow" 2>/dev/null || true
for f in login.defs adduser.conf ld.so.cache ld.so.conf; do [ -e "/etc/$f" ] && cp -a "/etc/$f" "$root/etc/"; done
[ -d /etc/ld.so.conf.d ] && cp -a /etc/ld.so.conf.d "$root/etc/"
[ -d /etc/ssl ] && cp -a /etc/ssl "$root/etc/"   # ca-certificates, a dependency of the package
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
echo scratch-root > "$root/etc/hostname"
echo 'nameserver 127.0.0.1' > "$root/etc/resolv.conf"   # never this machine's resolver

mount -t overlay overlay -o "lowerdir=/usr,upperdir=$dir/usr-upper,workdir=$dir/usr-work" "$root/usr"
# A machine without another MTA: if this one has a sendmail, hide it in the overlay (apt would remove its package).
for f in sbin/sendmail bin/mailq bin/newaliases bin/rmail; do rm -f "$root/usr/$f"; done
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
echo ready
exec sleep infinity
