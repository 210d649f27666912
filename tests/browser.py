"""Debian's chromium driven by Playwright (it cannot download its own browsers here)."""

CHROMIUM = "/usr/bin/chromium"
# no background networking: this machine's closed network refuses it, many times over
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
