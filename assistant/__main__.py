from assistant import cli

raise SystemExit(cli.main())
