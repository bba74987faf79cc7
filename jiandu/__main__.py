"""`python -m jiandu` runs the command line."""

from jiandu.cli.app import main

raise SystemExit(main())
