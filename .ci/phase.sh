# phase NAME COMMAND...: COMMAND's output to var/ci/NAME.log, then one line with its wall time, the CPU
# time of its processes (user + system, from bash's `times` in the subshell that ran it: a measure of
# the work that the load of other runs on the machine does not inflate as it does the wall time), the
# load average and the time since `started` (set by the caller); the whole log when it fails.
# Sourced by .ci/run and .ci/passes.sh.
mkdir -p var/ci
phase() {
  local name=$1 begun rc=0 cpu
  shift
  begun=$(date +%s)
  ("$@" >"var/ci/$name.log" 2>&1; r=$?; times >"var/ci/$name.cpu"; exit $r) || rc=$?
  # `times`' second line: the children's user and system time, e.g. "12m3.456s 0m40.123s"
  cpu=$(sed -n 2p "var/ci/$name.cpu" | tr -d s | awk '{n = 0; for (i = 1; i <= 2; i++) {split($i, t, "m"); n += 60 * t[1] + t[2]}; printf "%d", n}')
  printf '== %-9s %4d s  cpu %5s s  %s  (load %s; total %d s)\n' "$name" $(($(date +%s) - begun)) "${cpu:-?}" \
    "$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")" "$(cut -d' ' -f1-3 /proc/loadavg)" $(($(date +%s) - started))
  if [ $rc != 0 ]; then cat "var/ci/$name.log"; fi
  return $rc
}
