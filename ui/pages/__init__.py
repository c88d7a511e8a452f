"""One module per app page; each exposes ``render(ctx)`` (see ui/context.py)."""
