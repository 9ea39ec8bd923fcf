"""The web app: `python app.py` (or `cspkb serve`) opens it on http://127.0.0.1:7860.

Offline and private by default: binds 127.0.0.1, never a share link, Gradio analytics off,
optional login from the settings (CSPKB_APP__USERNAME / CSPKB_APP__PASSWORD). The views
and their handlers are in the ``ui`` package.
"""

from __future__ import annotations

import sys
from typing import Any

from cspkb.settings import Settings, apply_offline_environment


def build(settings: Settings) -> Any:
    """The Gradio Blocks (launch it with ``main`` to get the theme, limits and login)."""
    from ui.app import create

    demo, _ = create(settings)
    return demo


def main(settings: Settings | None = None) -> int:
    apply_offline_environment()
    from index.store import IndexMismatch, StoreUnavailable
    from ui.app import create

    settings = settings or Settings()
    try:
        demo, launch = create(settings)
    except (IndexMismatch, StoreUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3  # as the CLI: the index cannot be used as configured
    where = f"http://{settings.app.host}:{settings.app.port}"
    print(f"CSP Knowledge Base on {where}" + (" (login required)" if launch["auth"] else ""), flush=True)
    demo.queue(default_concurrency_limit=4).launch(**launch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
