"""The web app's parts: layout and handlers (``ui.app``), HTML rendering (``ui.render``),
uploads (``ui.uploads``), background ingestion (``ui.jobs``) and the look (``ui.style``)."""
