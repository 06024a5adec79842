#!/usr/bin/env bash
# `make test`: every test, in two lanes at once so that the two cores stay busy (a pass on two workers
# leaves one idle while its last files finish; the browser journeys run on one process and wait on the
# browser). When PostgreSQL and Redis answer:
#   lane A: the embedded pass (SQLite, local store, in-process jobs) but for SCALED_ONLY and
#     EMBEDDED_LATE (Makefile), then the browser journeys;
#   lane B: the scaled pass (PostgreSQL, Redis, S3; its own databases and Redis dbs, nothing shared),
#     which runs SCALED_ONLY (the schema fuzz, the fault tests, the hostile-input tests) once, then the
#     EMBEDDED_LATE part of the embedded pass, then the web app's Vitest suite;
#   lane S: the scaled pass's started stacks (SCALED_STACKS: real workers killed, a store cut off, the
#     two-process journey), which mostly wait: on their own from the start, so that their waits overlap
#     the other lanes' work instead of ending the scaled pass.
# Lane A was the longer one (the browser journeys wait for the embedded pass): what moved to lane B
# needs nothing of lane A. Without the services: one lane, the whole embedded pass, the browser
# journeys and Vitest.
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
  # The scaled pass's test databases are named after this checkout (test_cw_<hash>_gw0, _gw1): under the
  # default names (test_postgres_gw0, ...) a PostgreSQL pass run by anyone else on the machine holds
  # them, and every test of this one errored ("database is being accessed by other users").
  scaled_env="$scaled_env TEST_DB_NAME=test_cw_$(pwd | md5sum | cut -c1-8)"
  (phase embedded make --no-print-directory test-embedded 'EMBEDDED_SKIP=$(SCALED_ONLY) $(EMBEDDED_LATE:%=--ignore=%)' &&
    phase browser make --no-print-directory test-browser) & lanes+=($!)
  # the started stacks wait more than they work: a lane of their own from the start (Makefile, test-stacks)
  (phase stacks env $scaled_env TEST_DB_NAME=test_cw_$(pwd | md5sum | cut -c1-8)_stacks CELERY_TASK_ALWAYS_EAGER=1 \
    make --no-print-directory test-stacks) & lanes+=($!)
  (phase scaled env $scaled_env CELERY_TASK_ALWAYS_EAGER=1 make --no-print-directory test-scaled \
    'SCALED_SKIP=$(SCALED_STACKS:%=--ignore=%)' &&
    phase emb-late make --no-print-directory test-embedded-late &&
    phase vitest make --no-print-directory test-web) & lanes+=($!)
else
  echo "== scaled pass skipped: PostgreSQL/Redis not reachable"
  (phase embedded make --no-print-directory test-embedded &&
    phase browser make --no-print-directory test-browser &&
    phase vitest make --no-print-directory test-web) & lanes+=($!)
fi
rc=0
for lane in "${lanes[@]}"; do wait "$lane" || rc=1; done
[ $rc = 0 ] && make --no-print-directory coverage
echo "== tests $( [ $rc = 0 ] && echo passed || echo FAILED ) in $(($(date +%s) - started)) s"
exit $rc
