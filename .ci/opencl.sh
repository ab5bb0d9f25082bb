#!/usr/bin/env bash
# Single-quoted $ strings below are meant for the inner shell and dpkg-query:
# shellcheck disable=SC2016
# Runs every OpenCL test on a real OpenCL runtime: PoCL 6 (Debian 13) in a minbase chroot on the
# Debian 12 CI machine, whose own PoCL 3.1 cannot run ILGPU's OpenCL code (no generic address space;
# see README "OpenCL tests on PoCL"). As root. Steps:
#   1. debootstrap a Debian 13 (trixie) minbase chroot into a cache folder outside the repository
#      (GPULSTM_CHROOT, default /var/cache/gpulstm/trixie), or reuse it when its marker file says a
#      previous setup completed; install PoCL, the ICD loader, clinfo and what .NET needs in it;
#   2. build the solution on the host (so the chroot writes nothing into bin/ or obj/), make sure
#      ptxas is there (the OpenCL-named codegen tests assemble PTX too);
#   3. bind-mount the host's .NET SDK (read-only), ~/.nuget and the repository at the same paths,
#      print the OpenCL platform/device, and run `dotnet test --no-build` with the OpenCL filter;
#   4. unmount everything (trap on EXIT, innermost first) and fail unless every selected test
#      passed: none failed, none skipped, at least OPENCL_MIN_PASSED (80) passed, and at least
#      OPENCL_MIN_DEVICE_PASSED (60) of them in the OpenCl* test classes that run on the device.
# Environment: GPULSTM_CHROOT, GPULSTM_DEBIAN_MIRROR (default: the host's apt mirror),
# OPENCL_DEV_SYMLINK (0, the default: make sure the unversioned libOpenCL.so is absent, so the run
# proves GpuLstm resolves libOpenCL.so.1 itself as on a stock machine; 1: install ocl-icd-opencl-dev), OPENCL_MIN_PASSED, OPENCL_MIN_DEVICE_PASSED, OPENCL_TEST_FILTER.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
R="${GPULSTM_CHROOT:-/var/cache/gpulstm/trixie}"
OPENCL_DEV_SYMLINK="${OPENCL_DEV_SYMLINK:-0}"
OPENCL_MIN_PASSED="${OPENCL_MIN_PASSED:-80}"
OPENCL_MIN_DEVICE_PASSED="${OPENCL_MIN_DEVICE_PASSED:-60}"
FILTER="${OPENCL_TEST_FILTER:-FullyQualifiedName~OpenCl|Accelerator=OpenCL}"
MARKER=".gpulstm-chroot-complete"
SUITE=trixie
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "opencl.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$(id -u)" -eq 0 ]] || die "needs root (debootstrap, chroot, mount); run: sudo CI=true bash .ci/opencl.sh"
[[ "$OPENCL_DEV_SYMLINK" == 0 || "$OPENCL_DEV_SYMLINK" == 1 ]] || die "OPENCL_DEV_SYMLINK must be 0 or 1"
[[ "$OPENCL_MIN_PASSED" =~ ^[0-9]+$ && "$OPENCL_MIN_DEVICE_PASSED" =~ ^[0-9]+$ ]] \
    || die "OPENCL_MIN_PASSED and OPENCL_MIN_DEVICE_PASSED must be whole numbers"
[[ "$R" == /* && "$R" != *[[:space:]]* ]] || die "GPULSTM_CHROOT must be an absolute path without spaces (got '$R')"
R="${R%/}"
[[ -n "$R" && "$R" != / ]] || die "GPULSTM_CHROOT must not be /"
[[ "$R/" != "$REPO/"* && "$REPO/" != "$R/"* ]] || die "the chroot ($R) and the repository ($REPO) must not contain each other"

DOTNET_EXE="$(readlink -f "$(command -v dotnet)" 2>/dev/null)" || die "dotnet not found on PATH"
DOTNET_DIR="$(dirname "$DOTNET_EXE")"

# Every mount strictly beneath $R ($R itself may be a mount, e.g. a cache disk: that is fine).
# `findmnt -R "$R"` alone is not enough: it lists nothing when $R is not a mount point itself,
# even with proc mounted at $R/proc.
mounts_under() { findmnt -rn -o TARGET | awk -v r="$1" 'index($0, r "/") == 1'; }

# ---- one run at a time per chroot (a second run's mounts and trap would pull the rug) ----------
mkdir -p "$(dirname "$R")"
exec 9>"$R.lock"
if ! flock -n 9; then
    log "waiting for another opencl.sh run on $R to finish..."
    flock -w 3600 9 || die "could not lock $R.lock within an hour"
fi

# With the lock held, anything mounted under $R was left by a run that was killed outright
# (SIGKILL, power loss): unmount it, deepest first, each mount on its own (all were made slaves).
leftover="$(mounts_under "$R")"
if [[ -n "$leftover" ]]; then
    log "unmounting what an earlier, killed run left under $R:"$'\n'"$leftover"
    while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m"
    done < <(awk -F/ '{ print NF, $0 }' <<<"$leftover" | sort -rn | cut -d' ' -f2-)
    [[ -z "$(mounts_under "$R")" ]] || die "could not unmount everything under $R"
fi

# ---- cleanup: stop what still runs inside, unmount innermost first, check nothing is left ------
MOUNTS=()
chroot_pids() {
    local p pid
    for p in /proc/[0-9]*; do
        pid="${p#/proc/}"
        [[ "$pid" != "$$" && "$(readlink "$p/root" 2>/dev/null)" == "$R" ]] && echo "$pid"
    done
    return 0
}
stop_chroot_processes() {
    local pids i
    mapfile -t pids < <(chroot_pids)
    ((${#pids[@]})) || return 0
    log "stopping processes still running in the chroot: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in 1 2 3 4 5 6 7 8 9 10; do
        sleep 1
        mapfile -t pids < <(chroot_pids)
        ((${#pids[@]})) || return 0
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 1
}
unmount_one() {
    local target="$1" flag="" i
    [[ "$target" == "$R/dev" ]] && flag="-R"
    for i in 1 2 3 4 5; do
        mountpoint -q "$target" || return 0
        umount $flag "$target" 2>/dev/null && return 0
        sleep 1
    done
    log "warning: $target is busy; detaching it lazily"
    umount $flag -l "$target"
}
cleanup() {
    local rc=$? i left
    trap - EXIT INT TERM HUP
    set +e
    stop_chroot_processes
    for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
        unmount_one "${MOUNTS[i]}"
    done
    left="$(mounts_under "$R")"
    if [[ -n "$left" ]]; then
        log "error: still mounted under $R (do NOT delete it before unmounting these):"
        echo "$left" >&2
        [[ $rc -eq 0 ]] && rc=1
    fi
    exit $rc
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM
trap 'exit 129' HUP

# Mounts are recorded before anything else can fail, so the trap always undoes them.
bind_into_chroot() {  # bind_into_chroot SRC [ro]: SRC appears at the same absolute path inside
    local src="$1" dst="$R$1"
    mkdir -p "$dst"
    mount --bind "$src" "$dst"
    MOUNTS+=("$dst")
    mount --make-rslave "$dst"
    if [[ "${2:-}" == ro ]]; then mount -o remount,bind,ro "$dst"; fi
}
mount_system() {
    mountpoint -q "$R/proc" && die "$R/proc is already mounted: another run, or a leftover (umount it first)"
    mount -t proc proc "$R/proc"
    MOUNTS+=("$R/proc")
    mount --rbind /dev "$R/dev"
    MOUNTS+=("$R/dev")
    mount --make-rslave "$R/dev"   # so `umount -R` later does not take the host's /dev submounts along
    # PoCL's hwloc reads the CPU topology from sysfs; without it PoCL aborts ("Not enough memory
    # to run on this device"). A fresh read-only sysfs has no submounts to worry about.
    mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
    MOUNTS+=("$R/sys")
    cp -L --remove-destination /etc/resolv.conf "$R/etc/resolv.conf"
}

# Runs a command inside the chroot, in the repository when it is mounted. The host environment
# passes through (CI, GPULSTM_*), except paths that do not exist inside.
in_chroot() {
    local -a env_args=(-u TMPDIR
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        HOME="$HOME" DOTNET_ROOT="$DOTNET_DIR" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
        DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0)
    if [[ -n "${GPULSTM_PTXAS:-}" && "$GPULSTM_PTXAS" != "$REPO/"* ]]; then env_args+=(-u GPULSTM_PTXAS); fi
    chroot "$R" /usr/bin/env "${env_args[@]}" /bin/bash -c 'cd "$1" 2>/dev/null || cd /; shift; exec "$@"' _ "$REPO" "$@"
}

pkg_installed() { [[ "$(in_chroot dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]; }

apt_in_chroot() { in_chroot apt-get -o DPkg::Lock::Timeout=300 -o APT::Install-Recommends=false -qq "$@"; }

# ---- 1. the chroot --------------------------------------------------------------------------------
host_mirror() {
    [[ -n "${GPULSTM_DEBIAN_MIRROR:-}" ]] && { echo "$GPULSTM_DEBIAN_MIRROR"; return; }
    local files=() f m
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] && files+=("$f")
    done
    # Uncommented one-line `deb URI ...` entries and deb822 `URIs:` fields; the main archive, not security.
    if ((${#files[@]})); then
        m="$(sed -e 's/#.*//' "${files[@]}" \
            | grep -oE '^[[:space:]]*(deb([[:space:]]+\[[^]]*\])?|URIs:)[[:space:]]+https?://[^[:space:]]+' \
            | grep -oE 'https?://[^[:space:]]+' | sed 's:/*$::' | grep -E '/debian$' | head -1 || true)"
    fi
    echo "${m:-http://deb.debian.org/debian}"
}

if [[ ! -f "$R/$MARKER" ]]; then
    if [[ -e "$R" ]]; then
        left="$(mounts_under "$R")"
        [[ -z "$left" ]] || die "$R is incomplete but has mounts under it; unmount them first:"$'\n'"$left"
        log "removing the incomplete chroot $R (no marker file; nothing mounted under it)"
        rm -rf --one-file-system "$R"
    fi
    if ! command -v debootstrap >/dev/null; then
        log "installing debootstrap"
        apt-get -o DPkg::Lock::Timeout=300 update -qq
        apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends debootstrap >/dev/null
    fi
    MIRROR="$(host_mirror)"
    echo "== debootstrap --variant=minbase $SUITE $R $MIRROR"
    debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" > "$R.debootstrap.log" 2>&1 \
        || { tail -20 "$R.debootstrap.log" >&2; die "debootstrap failed (log: $R.debootstrap.log)"; }
    FRESH=1
else
    FRESH=0
    echo "== reusing the Debian 13 chroot $R ($(head -1 "$R/$MARKER"))"
fi

mount_system

PACKAGES=(pocl-opencl-icd ocl-icd-libopencl1 clinfo libicu76 libssl3t64 ca-certificates libstdc++6 zlib1g)
((OPENCL_DEV_SYMLINK)) && PACKAGES+=(ocl-icd-opencl-dev)
missing=()
for p in "${PACKAGES[@]}"; do
    pkg_installed "$p" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "== installing in the chroot: ${missing[*]}"
    apt_in_chroot update
    apt_in_chroot install -y "${missing[@]}" >/dev/null
fi
if ((!OPENCL_DEV_SYMLINK)) && pkg_installed ocl-icd-opencl-dev; then
    echo "== OPENCL_DEV_SYMLINK=0: removing ocl-icd-opencl-dev (the unversioned libOpenCL.so) from the chroot"
    apt_in_chroot purge -y ocl-icd-opencl-dev >/dev/null
    apt_in_chroot autoremove --purge -y >/dev/null
fi
# The unversioned name is what ILGPU's DllImport("OpenCL") finds; check the state asked for really holds.
unversioned="$(find "$R/usr/lib" "$R/usr/local/lib" -name 'libOpenCL.so' 2>/dev/null | head -1 || true)"
if ((OPENCL_DEV_SYMLINK)); then
    [[ -n "$unversioned" ]] || die "ocl-icd-opencl-dev is installed but no libOpenCL.so was found in the chroot"
    echo "== libOpenCL.so present in the chroot (OPENCL_DEV_SYMLINK=1): ${unversioned#"$R"}"
else
    [[ -z "$unversioned" ]] || die "OPENCL_DEV_SYMLINK=0 but ${unversioned#"$R"} exists in the chroot (not from ocl-icd-opencl-dev; remove it)"
    echo "== no libOpenCL.so in the chroot (OPENCL_DEV_SYMLINK=0): only libOpenCL.so.1"
fi
if ((FRESH)); then
    printf 'Debian %s minbase, set up %s from %s\n' "$(cat "$R/etc/debian_version")" "$(date -u +%FT%TZ)" "$(host_mirror)" > "$R/$MARKER"
fi

# ---- 2. host side: build here, so the chroot only runs what the host built ----------------------
echo "== ptxas (the OpenCL-named codegen tests assemble PTX as well)"
bash "$REPO/.ci/install-ptxas.sh"
echo "== dotnet build GpuLstm.sln -c Release (on the host)"
(cd "$REPO" && dotnet build GpuLstm.sln -c Release -nologo -v quiet -clp:NoSummary) \
    || die "the host build failed"

# ---- 3. inside the chroot ---------------------------------------------------------------------------
mkdir -p "$HOME/.nuget"
bind_into_chroot "$DOTNET_DIR" ro
bind_into_chroot "$HOME/.nuget"
if [[ -n "${NUGET_PACKAGES:-}" && "$NUGET_PACKAGES" != "$HOME/.nuget"* && -d "$NUGET_PACKAGES" ]]; then
    bind_into_chroot "$NUGET_PACKAGES"
fi
bind_into_chroot "$REPO"
ln -sfn "$DOTNET_DIR/dotnet" "$R/usr/bin/dotnet"

clinfo_raw="$(in_chroot clinfo --raw 2>/dev/null || true)"
clinfo_prop() { sed -nE "s/^([[][^]]*[]])?[[:space:]]*$1[[:space:]]+//p" <<<"$clinfo_raw" | head -1 || true; }
platform_version="$(clinfo_prop CL_PLATFORM_VERSION)"
device_name="$(clinfo_prop CL_DEVICE_NAME)"
device_version="$(clinfo_prop CL_DEVICE_VERSION)"
pocl_version="$(in_chroot dpkg-query -W -f='${Version}' pocl-opencl-icd)"
echo "== OpenCL in the chroot (clinfo -l; PoCL package $pocl_version)"
in_chroot clinfo -l || true
echo "   platform version: ${platform_version:-?}"
echo "   device version:   ${device_version:-?}"
[[ -n "$device_name" ]] || die "clinfo finds no OpenCL device in the chroot"
echo "== gpulstm devices (what ILGPU sees in the chroot)"
in_chroot dotnet run --no-build -c Release --project src/GpuLstm.Cli -- devices

results="$REPO/TestResults/opencl"
rm -rf "$results"
mkdir -p "$results"
echo "== dotnet test GpuLstm.sln -c Release --no-build --filter \"$FILTER\" (in the chroot)"
start=$SECONDS
test_rc=0
# In the background and waited for, so a TERM sent to this script alone is handled at once (the
# trap then stops the test host inside the chroot) instead of after the whole test run.
in_chroot dotnet test GpuLstm.sln -c Release --no-build --filter "$FILTER" \
    --results-directory "$results" --logger "trx;LogFileName=opencl.trx" --logger "console;verbosity=minimal" &
wait $! || test_rc=$?
elapsed=$((SECONDS - start))

# ---- 4. the verdict ---------------------------------------------------------------------------------
shopt -s nullglob
trx=("$results"/*.trx)
((${#trx[@]})) || die "dotnet test wrote no TRX file (exit code $test_rc); see its output above"
counter() {  # counter NAME: summed over the TRX files
    local f sum=0 v
    for f in "${trx[@]}"; do
        v="$(grep -o '<Counters [^>]*>' "$f" | grep -oE " $1=\"[0-9]+\"" | grep -oE '[0-9]+' || true)"
        sum=$((sum + ${v:-0}))
    done
    echo "$sum"
}
# Outcomes are counted per result: the TRX Counters leave skipped tests out of notExecuted.
results_of() { cat "${trx[@]}" | grep -oE '<UnitTestResult [^>]*>' | grep -F "outcome=\"$1\"" || true; }
total=$(counter total)
passed=$(results_of Passed | grep -c . || true)
failed=$(results_of Failed | grep -c . || true)
failed=$((failed > $(counter failed) ? failed : $(counter failed)))
failed=$((failed + $(counter error) + $(counter timeout) + $(counter aborted)))
skipped=$((total - passed - failed))   # NotExecuted (xUnit skips) and anything else that did not pass
((skipped >= 0)) || skipped=0
# Passed tests in the OpenCl* classes (the ones whose fixture runs on the OpenCL device).
device_passed="$(results_of Passed | grep -cE 'testName="([A-Za-z0-9_]+\.)*OpenCl[A-Za-z0-9_]*\.' || true)"

pocl_short="$(grep -oE 'PoCL [^ ]+' <<<"$platform_version" | head -1 | sed 's/^PoCL //' || true)"
summary="OpenCL (PoCL ${pocl_short:-$pocl_version}, $device_name): $passed passed, $failed failed, $skipped skipped"
echo
echo "$summary"
echo "   ($device_passed of the passed in the OpenCl* test classes on the device, $((passed - device_passed)) other OpenCl-named tests;" \
     "$total in all; ${elapsed}s; TRX: ${trx[*]})"

problems=()
((test_rc == 0)) || problems+=("dotnet test exited with $test_rc")
((failed == 0)) || problems+=("$failed failed")
((skipped == 0)) || problems+=("$skipped skipped (OpenCL tests must run, not skip: is PoCL's device visible to ILGPU?)")
((passed >= OPENCL_MIN_PASSED)) || problems+=("only $passed passed, fewer than OPENCL_MIN_PASSED=$OPENCL_MIN_PASSED")
((device_passed >= OPENCL_MIN_DEVICE_PASSED)) \
    || problems+=("only $device_passed passed in the OpenCl* test classes, fewer than OPENCL_MIN_DEVICE_PASSED=$OPENCL_MIN_DEVICE_PASSED")
if ((${#problems[@]})); then
    for p in "${problems[@]}"; do log "FAILED: $p"; done
    exit 1
fi
echo "OpenCL tests OK"
