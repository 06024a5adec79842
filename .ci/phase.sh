# phase NAME COMMAND...: COMMAND's output to var/ci/NAME.log, then one line with its wall time, the load
# average and the time since `started` (set by the caller); the whole log when it fails.
# Sourced by .ci/run and .ci/passes.sh.
mkdir -p var/ci
phase() {
  local name=$1 begun rc=0
  shift
  begun=$(date +%s)
  "$@" >"var/ci/$name.log" 2>&1 || rc=$?
  printf '== %-9s %4d s  %s  (load %s; total %d s)\n' "$name" $(($(date +%s) - begun)) \
    "$([ $rc = 0 ] && echo ok || echo "FAILED (exit $rc)")" "$(cut -d' ' -f1-3 /proc/loadavg)" $(($(date +%s) - started))
  if [ $rc != 0 ]; then cat "var/ci/$name.log"; fi
  return $rc
}
