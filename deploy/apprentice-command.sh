#!/bin/sh
# apprentice, as installed by deploy/install.sh to /usr/local/bin/apprentice: runs /opt/apprentice/bin/apprentice.js.
# That program dir is read-only to everyone but root, so the cache (the test model that `demo` and `bench` write) goes
# to a dir of the user's own instead of the program's .cache/: the service's cache dir for the service user,
# ~/.cache/apprentice for anyone else. APPRENTICE_CACHE_DIR, when set, wins.
# For the service user (`sudo -u apprentice apprentice status`), the service's state dir is the default of --state,
# as the unit's APPRENTICE_STATE makes it for the daemon; an APPRENTICE_STATE already set, or --state, wins.
if [ "$(id -un)" = apprentice ] && [ -z "${APPRENTICE_STATE:-}" ]; then
  APPRENTICE_STATE=/var/lib/apprentice
  export APPRENTICE_STATE
fi
if [ -z "${APPRENTICE_CACHE_DIR:-}" ]; then
  if [ "$(id -un)" = apprentice ]; then
    APPRENTICE_CACHE_DIR=/var/cache/apprentice
  else
    APPRENTICE_CACHE_DIR=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/apprentice
  fi
  export APPRENTICE_CACHE_DIR
fi
exec /opt/apprentice/bin/apprentice.js "$@"
