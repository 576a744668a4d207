#!/bin/sh
# Rebuilds models/dictionary.fst: the lower-case ASCII words of SCOWL's American and British
# lists as Debian packages them (wamerican, wbritish; installed if missing). Deterministic for a
# given package version (recorded in models/README.md).
set -eu
if [ ! -f /usr/share/dict/american-english ] || [ ! -f /usr/share/dict/british-english ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wamerican wbritish >/dev/null
fi
dpkg-query -W wamerican wbritish
cargo run --release --example build_dictionary -- models/dictionary.fst \
  /usr/share/dict/american-english /usr/share/dict/british-english
ls -l models/dictionary.fst
