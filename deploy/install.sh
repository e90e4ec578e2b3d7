#!/usr/bin/env bash
# Installs Apprentice as a systemd service on Raspberry Pi OS / Debian (bookworm, trixie): the program in
# /opt/apprentice, the system user `apprentice`, the state dir /var/lib/apprentice and the unit. Idempotent: every step
# looks first and acts only when something is missing or differs, so a second run changes nothing. See README.md here.
set -euo pipefail
umask 022

# package.json "engines" (test/deploy checks that the two agree).
readonly MIN_NODE=20.19.0
readonly SERVICE_USER=apprentice
readonly UNIT_NAME=apprentice.service
readonly PROGRAM_DIR=/opt/apprentice
readonly STATE_DIR=/var/lib/apprentice
readonly CACHE_DIR=/var/cache/apprentice
readonly UNIT_DIR=/etc/systemd/system
readonly COMMAND=/usr/local/bin/apprentice
readonly STAMP_FILE=.install-stamp
# Where the service finds `node`: the PATH systemd gives services. bin/apprentice.js runs `env node`.
readonly SERVICE_PATH_DIRS="/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin"

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$SCRIPT_DIR/.." && pwd)
readonly SCRIPT_DIR SRC

usage() {
  cat <<EOF
Usage: sudo deploy/install.sh [--now] [--dry-run] [--root DIR]
       sudo deploy/install.sh --uninstall [--purge] [--dry-run] [--root DIR]

Installs Apprentice from this checkout ($SRC) as a systemd service:
  - the program in $PROGRAM_DIR (npm pack of this checkout, then npm ci --omit=dev there),
    and the command $COMMAND (for the user $SERVICE_USER, --state defaults to $STATE_DIR)
  - the system user $SERVICE_USER (no login shell; home $STATE_DIR)
  - the state dir $STATE_DIR, made by \`apprentice init\` (which never overwrites a file),
    and the cache dir $CACHE_DIR
  - the unit $UNIT_DIR/$UNIT_NAME, enabled (starts at boot)
Each step looks first and does nothing when it is already right, so running it again is safe.
Run \`npm ci\` in the checkout first (as your own user): it installs the build tools and builds dist/.

Options:
  --now          also start the service (or restart it when it was running and something changed)
  --uninstall    stop and remove the service, the program, the command and the cache; keeps the state dir
                 and the user
  --purge        with --uninstall: also delete the state dir (everything the agent learned, and its models),
                 the unit's drop-ins and the user
  --dry-run, -n  print every action as "would ..." and change nothing (no root needed)
  --root DIR     install into DIR as if it were / (an image being built, or a test): paths are prefixed with
                 DIR, users go to DIR/etc/passwd, systemctl runs with --root=DIR, and nothing is reloaded or
                 started. node_modules are those of this machine's CPU, so build arm64 images on arm64.
  -h, --help     this help

Output: "ok: ..." for what is already right, "would ..." (dry run) or "+ ..." for each change,
"note: ..." for what is left as it is. Exit status: 0 done, 1 failed, 2 bad usage.
EOF
}

mode=install
purge=0
start_now=0
dry=0
root=""
while [ $# -gt 0 ]; do
  case $1 in
    --uninstall) mode=uninstall ;;
    --purge) purge=1 ;;
    --now) start_now=1 ;;
    --dry-run | -n) dry=1 ;;
    --root)
      [ $# -ge 2 ] || { echo "install.sh: --root needs a directory" >&2; exit 2; }
      root=$2
      shift
      ;;
    --root=*) root=${1#--root=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if ((purge)) && [ "$mode" != uninstall ]; then
  echo "install.sh: --purge only goes with --uninstall" >&2
  exit 2
fi
if ((start_now)) && [ "$mode" = uninstall ]; then
  echo "install.sh: --now does not go with --uninstall" >&2
  exit 2
fi
if [ -n "$root" ]; then
  [ -d "$root" ] || { echo "install.sh: --root $root is not a directory" >&2; exit 2; }
  root=$(cd "$root" && pwd)
  [ "$root" = / ] && root=""
fi
if ((start_now)) && [ -n "$root" ]; then
  echo "install.sh: --now does not go with --root (nothing runs in another root)" >&2
  exit 2
fi
readonly mode purge start_now dry root

changes=0
say() { printf '%s\n' "$*"; }
ok() { say "ok: $*"; }
note() { say "note: $*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'install.sh: error: %s\n' "$1" >&2
  shift
  local line
  for line in "$@"; do printf '  %s\n' "$line" >&2; done
  exit 1
}
# Makes a change, or in a dry run only says it would. Usage: act "what, in words" command args...
act() {
  local what=$1
  shift
  changes=$((changes + 1))
  if ((dry)); then
    say "would $what"
  else
    say "+ $what"
    "$@"
  fi
}
# A path of the target system (under --root DIR when given).
at() { printf '%s%s' "$root" "$1"; }

root_args=()
systemctl_args=()
if [ -n "$root" ]; then
  root_args=(--prefix "$root")
  systemctl_args=(--root="$root")
fi

# Whether a systemd manager runs here that daemon-reload, start and stop can talk to (sd_booted(3)).
systemd_running() { [ -z "$root" ] && [ -d /run/systemd/system ]; }
service_active() { systemd_running && systemctl is-active --quiet "$UNIT_NAME"; }

# The passwd line of the service user, empty when there is none.
user_entry() {
  if [ -n "$root" ]; then
    grep -E "^${SERVICE_USER}:" "$root/etc/passwd" 2>/dev/null || true
  else
    getent passwd "$SERVICE_USER" || true
  fi
}
group_exists() {
  if [ -n "$root" ]; then
    grep -qE "^${SERVICE_USER}:" "$root/etc/group" 2>/dev/null
  else
    getent group "$SERVICE_USER" >/dev/null
  fi
}
# "uid gid" of the service user (numbers: under --root the name means nothing to this machine).
user_ids() { user_entry | awk -F: '{ print $3, $4 }'; }

# True when "$1" (as `node --version` prints it) is at least MIN_NODE.
node_version_ok() {
  [[ ${1#v} =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]] || return 1
  local major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]} patch=${BASH_REMATCH[3]} want_major want_minor want_patch
  IFS=. read -r want_major want_minor want_patch <<<"$MIN_NODE"
  ((major > want_major || (major == want_major && (minor > want_minor || (minor == want_minor && patch >= want_patch)))))
}

node_remedy=(
  "Get a supported Node (both below put node in /usr/bin, where the service finds it), then run this again:"
  "- Raspberry Pi OS / Debian 12 bookworm (its own nodejs is 18): NodeSource's Node 22 LTS:"
  "    curl -fsSL https://deb.nodesource.com/setup_22.x -o nodesource_setup.sh"
  "    sudo bash nodesource_setup.sh && sudo apt-get install -y nodejs"
  "- Debian 13 trixie (and Raspberry Pi OS based on it): sudo apt-get install -y nodejs npm"
  "- nvm (https://github.com/nvm-sh/nvm) is fine for trying Apprentice as yourself, but not for"
  "  the service: nvm's node lives in a home directory, which the sandboxed service cannot see (ProtectHome=yes)."
)

# Checks the node (and npm) this script runs with, and the node the service will run with.
check_node() {
  local node version dir service_node=""
  node=$(command -v node || true)
  [ -n "$node" ] || die "Apprentice needs Node.js $MIN_NODE or later, and there is no \`node\` on PATH." "${node_remedy[@]}"
  version=$("$node" --version 2>/dev/null || true)
  node_version_ok "$version" || die "Apprentice needs Node.js $MIN_NODE or later; $node is ${version:-unusable (node --version failed)}." "${node_remedy[@]}"
  ok "node $version at $node"
  command -v npm >/dev/null || die "npm is missing (it installs the program's dependencies)." "Debian trixie: sudo apt-get install -y npm (NodeSource's nodejs includes npm)"
  for dir in $SERVICE_PATH_DIRS; do
    if [ -x "$(at "$dir/node")" ]; then
      service_node=$dir/node
      break
    fi
  done
  if [ -z "$service_node" ]; then
    if [ -n "$root" ]; then
      warn "no node in $root/usr/local/bin or $root/usr/bin: install Node.js $MIN_NODE or later in that root before booting it"
      return
    fi
    die "the service finds node in systemd's default PATH ($SERVICE_PATH_DIRS), but node is at $node." \
      "Install a system-wide Node as below, or, when $node is not under /home or /root, link it:" \
      "  sudo ln -s $node /usr/local/bin/node" "${node_remedy[@]}"
  fi
  if [ -z "$root" ] && [ "$service_node" != "$node" ]; then
    version=$("$service_node" --version 2>/dev/null || true)
    node_version_ok "$version" || die "the service would run $service_node, which is ${version:-unusable}; it needs Node.js $MIN_NODE or later." "${node_remedy[@]}"
    ok "the service's node: $version at $service_node"
  fi
}

check_source() {
  grep -q '"name": "apprentice"' "$SRC/package.json" 2>/dev/null || die "$SRC does not look like the Apprentice checkout (no package.json named apprentice)."
  [ -f "$SRC/package-lock.json" ] || die "$SRC/package-lock.json is missing; the install pins dependencies with it."
  [ -f "$SRC/dist/src/cli/main.js" ] || die "the program in $SRC is not built (no dist/)." "Run \`npm ci\` there as your own user first (it installs the build tools and builds), then run this again."
}

# Identifies what would be installed: a hash over the files `npm pack` ships (package.json "files") and the lockfile.
source_stamp() {
  (cd "$SRC" && npm pack --dry-run --json --ignore-scripts --loglevel=error) | (cd "$SRC" && node -e '
    const { createHash } = require("node:crypto");
    const { readFileSync } = require("node:fs");
    const [pack] = JSON.parse(readFileSync(0, "utf8"));
    const hash = createHash("sha256");
    for (const file of [...pack.files.map((entry) => entry.path), "package-lock.json"].sort()) {
      hash.update(file + "\0");
      hash.update(readFileSync(file));
    }
    console.log(pack.name + "@" + pack.version + " " + hash.digest("hex").slice(0, 16));')
}

# Builds the new program beside the old one and swaps them, so a failed npm ci leaves the old one in place.
install_program() {
  local target=$1 stamp=$2 stage="$1.new" old="$1.old" tmp
  rm -rf -- "$stage" "$old"
  mkdir -p -- "$stage"
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $tmp is local to this function
  trap "rm -rf -- '$tmp'" EXIT
  (cd "$SRC" && npm pack --ignore-scripts --loglevel=error --pack-destination "$tmp") >/dev/null
  tar -xzf "$tmp"/*.tgz -C "$stage" --strip-components=1 --no-same-owner
  rm -rf -- "$tmp"
  trap - EXIT
  cp -- "$SRC/package-lock.json" "$stage/"
  # npm ci would run the package's "prepare" script, a TypeScript build whose tools are dev dependencies and not
  # installed here; dist/ came built in the pack, so the installed copy drops that script.
  (cd "$stage" && npm pkg delete scripts.prepare && npm ci --omit=dev --no-audit --no-fund)
  printf '%s\n' "$stamp" >"$stage/$STAMP_FILE"
  if [ -e "$target" ]; then mv -- "$target" "$old"; fi
  mv -- "$stage" "$target"
  rm -rf -- "$old"
}

create_user() {
  useradd "${root_args[@]}" --system --user-group --home-dir "$STATE_DIR" --no-create-home \
    --shell /usr/sbin/nologin --comment "Apprentice daemon" "$SERVICE_USER"
}

delete_user() {
  userdel "${root_args[@]}" "$SERVICE_USER"
  # userdel removes the user's own group only where login.defs says USERGROUPS_ENAB yes.
  if group_exists; then groupdel "${root_args[@]}" "$SERVICE_USER"; fi
}

# A dir of the service user's, mode 0750.
make_service_dir() {
  local uid gid
  read -r uid gid < <(user_ids)
  install -d -m 0750 -o "$uid" -g "$gid" -- "$1"
}

# As the service user, so every file it makes is the service's; by number, which also works under --root.
init_state() {
  local uid gid
  read -r uid gid < <(user_ids)
  setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$(at "$PROGRAM_DIR")/bin/apprentice.js" init "$1"
}

# bubblewrap, the sandbox the agent's commands and the goals' checks run in. Without it they refuse to run (unless the
# operator opts out in config.json), so it is installed with the program.
check_bubblewrap() {
  if [ -n "$root" ]; then
    if [ -x "$(at /usr/bin/bwrap)" ]; then
      ok "bubblewrap is installed in $root"
    else
      note "no bubblewrap in $root: install it there (apt-get install bubblewrap) before booting it; without it the agent's commands and the goals' checks refuse to run"
    fi
    return
  fi
  if command -v bwrap >/dev/null; then
    ok "bubblewrap: $(bwrap --version 2>/dev/null || echo 'version unknown') at $(command -v bwrap)"
    return
  fi
  command -v apt-get >/dev/null || die "bubblewrap (bwrap) is missing, and there is no apt-get to install it." \
    "Install your distribution's bubblewrap package, then run this again."
  act "install bubblewrap (apt-get install bubblewrap: the sandbox the agent's commands and checks run in)" \
    env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap
}

# Whether the service user can make the namespaces bubblewrap needs (user, mount, PID, network, IPC): unprivileged
# user namespaces must be allowed on this kernel. Only warns: `apprentice doctor` tells the same at any time.
probe_bubblewrap() {
  local uid gid out
  if [ -n "$root" ] || ((dry)) || ! command -v bwrap >/dev/null || [ -z "$(user_entry)" ]; then return; fi
  read -r uid gid < <(user_ids)
  if out=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups -- bwrap --unshare-user --unshare-pid --unshare-net \
    --unshare-ipc --die-with-parent --ro-bind / / true 2>&1); then
    ok "bubblewrap works for $SERVICE_USER (user, PID, network and IPC namespaces)"
  else
    warn "bubblewrap does not work for $SERVICE_USER: $out"
    warn "the agent's commands and checks will refuse to run; allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 where it exists), then check with: sudo -u $SERVICE_USER apprentice doctor --state $STATE_DIR"
  fi
}

# Whether the file at $1 is the command this script installs (any version of it).
is_our_command() { [ -f "$1" ] && [ ! -L "$1" ] && grep -q '^# apprentice, as installed by deploy/install.sh' -- "$1"; }

do_install() {
  local target unit wants dropins command state cache stamp="" installed_stamp="" ids owner
  local program_changed=0 unit_changed=0 was_active=0
  target=$(at "$PROGRAM_DIR")
  unit=$(at "$UNIT_DIR/$UNIT_NAME")
  wants=$(at "$UNIT_DIR/multi-user.target.wants/$UNIT_NAME")
  dropins=$(at "$UNIT_DIR/$UNIT_NAME.d")
  command=$(at "$COMMAND")
  state=$(at "$STATE_DIR")
  cache=$(at "$CACHE_DIR")

  check_node
  check_source
  check_bubblewrap

  # The system user.
  if [ -n "$(user_entry)" ]; then
    ok "user $SERVICE_USER exists (uid $(user_ids | cut -d' ' -f1))"
  else
    act "create user $SERVICE_USER (system user, no login shell, home $STATE_DIR)" create_user
  fi

  # The program. Only hashed when something is installed to compare with.
  if [ -f "$target/$STAMP_FILE" ]; then
    installed_stamp=$(cat "$target/$STAMP_FILE")
    stamp=$(source_stamp)
  fi
  if [ -n "$installed_stamp" ] && [ "$installed_stamp" = "$stamp" ]; then
    ok "program $target is up to date ($stamp)"
  else
    if service_active; then
      act "stop $UNIT_NAME while its program is replaced" systemctl stop "$UNIT_NAME"
      was_active=1
    fi
    [ -n "$stamp" ] || ((dry)) || stamp=$(source_stamp)
    if [ -e "$target" ]; then
      act "update program $target from $SRC (npm pack, npm ci --omit=dev)" install_program "$target" "$stamp"
    else
      act "install program $target from $SRC (npm pack, npm ci --omit=dev)" install_program "$target" "$stamp"
    fi
    program_changed=1
  fi

  # The command on PATH (a small script: see deploy/apprentice-command.sh for why not a symlink). For the service user it
# makes $STATE_DIR the default of --state (APPRENTICE_STATE), as the unit does for the daemon.
  if cmp -s -- "$SRC/deploy/apprentice-command.sh" "$command"; then
    ok "command $command is current"
  elif { [ -e "$command" ] || [ -L "$command" ]; } && ! is_our_command "$command"; then
    note "left $command alone: it is not the command this script installs; the service does not need it"
  else
    act "write command $command (runs $PROGRAM_DIR/bin/apprentice.js)" install -D -m 0755 -- "$SRC/deploy/apprentice-command.sh" "$command"
  fi

  # The unit, as shipped. Local changes belong in drop-ins, which stay.
  if cmp -s -- "$SRC/deploy/$UNIT_NAME" "$unit"; then
    ok "unit $unit is current"
  else
    act "write $unit" install -D -m 0644 -- "$SRC/deploy/$UNIT_NAME" "$unit"
    unit_changed=1
  fi
  if [ -d "$dropins" ]; then note "drop-ins in $dropins are kept; they apply on top of the unit"; fi
  if ((unit_changed)); then
    if systemd_running; then
      act "reload systemd (systemctl daemon-reload)" systemctl daemon-reload
    else
      note "no systemd manager runs here (or --root): nothing to reload"
    fi
  fi

  # The state dir: made once by `apprentice init`; after that it is the agent's and the operator's.
  if [ -f "$state/config.json" ]; then
    ok "state dir $state is initialized (apprentice init never overwrites: your files are kept)"
  else
    if [ ! -d "$state" ]; then
      act "create state dir $state (owner $SERVICE_USER, mode 0750)" make_service_dir "$state"
    else
      ids=$(user_ids)
      owner=$(stat -c '%u %g' -- "$state")
      if [ "$owner" != "$ids" ]; then
        act "give $state to $SERVICE_USER (chown -R, as the unit's StateDirectory= would at start)" chown -R "${ids/ /:}" -- "$state"
      fi
    fi
    act "initialize $state with apprentice init as $SERVICE_USER (adds only missing template files)" init_state "$state"
  fi
  # The cache dir (the unit's CacheDirectory=), made now so the command works for the service user before a start.
  if [ -d "$cache" ]; then
    ok "cache dir $cache exists"
  else
    act "create cache dir $cache (owner $SERVICE_USER, mode 0750)" make_service_dir "$cache"
  fi

  probe_bubblewrap

  # Enabled: started at boot.
  if [ -L "$wants" ]; then
    ok "$UNIT_NAME is enabled (starts at boot)"
  else
    act "enable $UNIT_NAME (systemctl${root:+ --root=$root} enable: starts at boot)" systemctl "${systemctl_args[@]}" enable "$UNIT_NAME"
  fi

  # Running: only when asked (--now), or to bring back a service this run stopped or changed under it.
  if ((was_active)); then
    act "start $UNIT_NAME again" systemctl start "$UNIT_NAME"
  elif service_active; then
    if ((program_changed || unit_changed)); then
      act "restart $UNIT_NAME (its unit or program changed)" systemctl restart "$UNIT_NAME"
    else
      ok "$UNIT_NAME is running"
    fi
  elif ((start_now)); then
    if systemd_running; then
      act "start $UNIT_NAME" systemctl start "$UNIT_NAME"
    else
      note "no systemd manager runs here: start the service on the board with: sudo systemctl start $UNIT_NAME"
    fi
  fi

  finish
  if ((!dry)) && [ -z "$root" ] && ! service_active; then
    cat <<EOF

Next (as $SERVICE_USER, \`apprentice\` works on $STATE_DIR without --state):
  1. a model:  sudo -u $SERVICE_USER apprentice model recommend
               sudo -u $SERVICE_USER apprentice model pull <uri from the list> --use
  2. a check:  sudo -u $SERVICE_USER apprentice doctor
  3. start:    sudo systemctl start $UNIT_NAME
  4. watch:    journalctl -u apprentice -f     and     sudo -u $SERVICE_USER apprentice status
EOF
  fi
}

do_uninstall() {
  local target unit wants dropins command state cache dir reload=0
  target=$(at "$PROGRAM_DIR")
  unit=$(at "$UNIT_DIR/$UNIT_NAME")
  wants=$(at "$UNIT_DIR/multi-user.target.wants/$UNIT_NAME")
  dropins=$(at "$UNIT_DIR/$UNIT_NAME.d")
  command=$(at "$COMMAND")
  state=$(at "$STATE_DIR")
  cache=$(at "$CACHE_DIR")

  if service_active; then act "stop $UNIT_NAME" systemctl stop "$UNIT_NAME"; fi
  if [ -L "$wants" ]; then
    if ((!dry)) && ! command -v systemctl >/dev/null; then
      act "remove $wants (no systemctl here to disable the unit)" rm -f -- "$wants"
    else
      act "disable $UNIT_NAME (systemctl${root:+ --root=$root} disable)" systemctl "${systemctl_args[@]}" disable "$UNIT_NAME"
    fi
  fi
  if [ -e "$unit" ]; then
    act "remove $unit" rm -f -- "$unit"
    reload=1
  else
    ok "no unit at $unit"
  fi
  if [ -d "$dropins" ]; then
    if ((purge)); then
      act "remove $dropins (your drop-ins)" rm -rf -- "$dropins"
    else
      note "kept $dropins (your drop-ins; --purge removes them)"
    fi
  fi
  if ((reload)) && systemd_running; then
    act "reload systemd (systemctl daemon-reload)" systemctl daemon-reload
  fi

  if is_our_command "$command"; then
    act "remove command $command" rm -f -- "$command"
  elif [ -e "$command" ] || [ -L "$command" ]; then
    note "left $command alone: it is not the command this script installs"
  fi
  if [ -e "$target" ]; then act "remove program $target" rm -rf -- "$target"; else ok "no program at $target"; fi
  for dir in "$target.new" "$target.old"; do
    if [ -e "$dir" ]; then act "remove $dir (left by an interrupted install)" rm -rf -- "$dir"; fi
  done
  if [ -e "$cache" ]; then act "remove cache dir $cache (test models; made again when needed)" rm -rf -- "$cache"; fi

  if ((purge)); then
    if [ -e "$state" ]; then
      act "delete state dir $state (journal, lessons, db, history and models: everything the agent learned)" rm -rf -- "$state"
    fi
    if [ -n "$(user_entry)" ]; then act "delete user $SERVICE_USER" delete_user; fi
  else
    if [ -e "$state" ]; then note "kept state dir $state (what the agent learned, and its models); --uninstall --purge deletes it"; fi
    if [ -n "$(user_entry)" ]; then note "kept user $SERVICE_USER (it owns the state dir); --uninstall --purge deletes it"; fi
  fi
  finish
}

finish() {
  if ((changes == 0)); then
    say "nothing to do: everything is already as this script makes it"
  elif ((dry)); then
    say "dry run: $changes change(s) planned, nothing was changed"
  else
    say "done: $changes change(s)"
  fi
}

if ((!dry)); then
  [ "$(id -u)" -eq 0 ] || die "this changes the system: run it as root (sudo $0 ...), or add --dry-run to see what it would do."
  if [ "$mode" = install ]; then
    command -v systemctl >/dev/null || die "systemctl not found: this installer is for systems that boot with systemd."
    command -v useradd >/dev/null || die "useradd not found (Debian: the passwd package)."
    command -v setpriv >/dev/null || die "setpriv not found (Debian: the util-linux package)."
  fi
fi
if ((dry)); then say "dry run: nothing will be changed${root:+ (root $root)}"; fi
if [ "$mode" = install ]; then do_install; else do_uninstall; fi
