#!/usr/bin/env bash
# Browser tests (tests/SocialLearning.BrowserTests) drive Debian's Chromium through Microsoft.Playwright.
# Playwright's own browser download cannot work here, so install the distribution package. Idempotent.
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (apt)"
  apt-get update -qq >/dev/null 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || { echo "apt-get install chromium failed"; return 1 2>/dev/null || exit 1; }
fi
export SOCIALLEARNING_CHROMIUM="${SOCIALLEARNING_CHROMIUM:-$(command -v chromium)}"
echo "chromium: $("$SOCIALLEARNING_CHROMIUM" --version 2>/dev/null | head -1)"
