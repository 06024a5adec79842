"""`python -m media_ingest ...`: the command line tools (see media_ingest/cli.py)."""

from media_ingest.cli import main

raise SystemExit(main())
