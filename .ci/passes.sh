#!/usr/bin/env bash
# `make test`: every test, in two lanes at once so that the two cores stay busy (a pass on two workers
# leaves one idle while its last files finish; the browser journeys run on one process and wait on the
# browser):
#   the embedded pass (SQLite, local store, in-process jobs), then the browser journeys and Vitest;
#   the scaled pass (PostgreSQL, Redis, S3; its own databases and Redis dbs, nothing shared), when
#   PostgreSQL and Redis answer: it runs the schema fuzz and the fault tests, which otherwise run in
#   the embedded pass.
# Each phase's output goes to var/ci/<phase>.log (printed whole when it fails); then the line coverage
# of the passes combined.
set -uo pipefail
cd "$(dirname "$0")/.."
started=${started:-$(date +%s)}
# shellcheck source=.ci/phase.sh
. .ci/phase.sh
rm -rf var/coverage

lanes=()
if scaled_env=$(.venv/bin/python backend/probe.py); then
  (phase embedded make --no-print-directory test-embedded 'EMBEDDED_SKIP=$(SCALED_ONLY)' &&
    phase browser make --no-print-directory test-browser) & lanes+=($!)
  phase scaled env $scaled_env CELERY_TASK_ALWAYS_EAGER=1 make --no-print-directory test-scaled & lanes+=($!)
else
  echo "== scaled pass skipped: PostgreSQL/Redis not reachable"
  (phase embedded make --no-print-directory test-embedded &&
    phase browser make --no-print-directory test-browser) & lanes+=($!)
fi
rc=0
for lane in "${lanes[@]}"; do wait "$lane" || rc=1; done
[ $rc = 0 ] && make --no-print-directory coverage
echo "== tests $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(($(date +%s) - started)) s"
exit $rc
