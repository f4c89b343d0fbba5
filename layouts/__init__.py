"""The screen: one module per panel, the wall frame that rotates them, and the app factory."""
