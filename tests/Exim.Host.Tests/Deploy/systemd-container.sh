#!/usr/bin/env bash
# Boots a real systemd as PID 1 of a container on a scratch root (scratch-root.sh) with systemd-nspawn. Run inside the
# scratch root's mount namespace (`nsenter -t <holder> -m`), where its /usr is the overlay; stays in the foreground as
# nspawn until the container powers off.
#
#   systemd-container.sh ROOT CGROUP
#
# ROOT     the scratch root; its /dev and /proc mounts (for chrooted commands) are taken away, since nspawn wants to
#          populate them itself
# CGROUP   a cgroup name of this test's own, made under each writable hierarchy this machine mounts (cgroup2 at
#          /sys/fs/cgroup or /sys/fs/cgroup/unified, and name=systemd): nspawn runs in it and puts the container below
#          it (--keep-unit: no host systemd to ask for a scope), so the test can kill everything left with cgroup.kill
#          and remove it
#
# The container: a private network namespace (only lo: port 25 is the container's own), not registered with machined
# (there is none), the machine's console on stdout, and multi-user.target as its default target. /etc/machine-id is
# written first: without one systemd takes the boot for a first boot and enables every unit of the overlaid /usr by
# its presets (this machine's nsd, dovecot, unbound...).
set -euo pipefail
root=$1 cg=$2
umount -R "$root/dev" 2>/dev/null || true
umount "$root/proc" 2>/dev/null || true
[ -s "$root/etc/machine-id" ] || tr -d - < /proc/sys/kernel/random/uuid > "$root/etc/machine-id"
for h in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
  [ -e "$h/cgroup.procs" ] || continue
  [ "$h" = /sys/fs/cgroup ] && [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] && continue
  mkdir -p "$h/$cg"
  echo $$ > "$h/$cg/cgroup.procs"
done
exec systemd-nspawn --quiet --directory="$root" --register=no --keep-unit --private-network --console=read-only \
  --boot -- --unit=multi-user.target
