#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this host (munged, slurmctld, slurmd), for the scan tests and for trying
# `spikes scan submit --slurm` on a workstation. Needs root and Debian's slurm-wlm and munge packages.
# Writes /etc/slurm/slurm.conf for this host (cores from nproc, memory from free); idempotent: a cluster that
# already answers is left as it is. Exits non-zero, with the daemons' log tails, when the node does not come up.
set -euo pipefail

conf_dir=${SLURM_CONF_DIR:-/etc/slurm}
host=$(hostname -s)
cpus=$(nproc)
# Slurm refuses a node that has less memory than configured: offer 90% of what free reports.
mem_mb=$(free -m | awk '/^Mem:/ { printf "%d", $2 * 0.9 }')

if pgrep -x munged >/dev/null && pgrep -x slurmctld >/dev/null && pgrep -x slurmd >/dev/null && sinfo -h -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
  echo "slurm: already running on $host"
  exit 0
fi
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "slurm: $tool is not installed (apt-get install slurm-wlm munge)" >&2; exit 1; }
done

mkdir -p "$conf_dir" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key

cat > "$conf_dir/slurm.conf" <<CONF
# Written by tools/slurm/start-cluster.sh for $host ($cpus cores, $mem_mb MB offered).
ClusterName=spikes
SlurmctldHost=$host
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmdSpoolDir=/var/spool/slurmd
StateSaveLocation=/var/spool/slurmctld
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=scan Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF

fail() {
  echo "slurm: $1" >&2
  tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 2>/dev/null || true
  exit 1
}
pgrep -x munged >/dev/null || su -s /bin/sh munge -c munged 2>/dev/null || munged --force || fail "munged did not start"
pgrep -x slurmctld >/dev/null || slurmctld || fail "slurmctld did not start"
if ! pgrep -x slurmd >/dev/null && ! slurmd; then
  # slurmd autodetects the cgroup version; where that fails (some containers), name one explicitly.
  for plugin in cgroup/v1 cgroup/v2; do
    echo "CgroupPlugin=$plugin" > "$conf_dir/cgroup.conf"
    slurmd && break
    rm -f "$conf_dir/cgroup.conf"
  done
  pgrep -x slurmd >/dev/null || fail "slurmd did not start"
fi

for _ in $(seq 1 60); do
  state=$(sinfo -h -o '%T' 2>/dev/null | head -1 || true)
  case "$state" in
    idle|mixed|allocated) echo "slurm: $host up ($cpus cores, $mem_mb MB), partition scan"; exit 0 ;;
    down*|drain*) scontrol update nodename="$host" state=resume 2>/dev/null || true ;;
  esac
  sleep 1
done
fail "the node did not come up (state: ${state:-none})"
