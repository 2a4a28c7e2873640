from __future__ import annotations

from forgea_hooks.cli import main

raise SystemExit(main())
