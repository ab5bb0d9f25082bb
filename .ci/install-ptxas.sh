#!/usr/bin/env bash
# Installs NVIDIA's PTX assembler (ptxas) into <repo>/.tools/cuda without a GPU or driver,
# so the kernel code generation check can assemble ILGPU's PTX on any Debian 12 machine.
# Source: Debian bookworm non-free's nvidia-cuda-toolkit (CUDA 11.8; reads PTX ISA <= 7.8,
# knows sm_90). Only that one .deb is unpacked; nothing is installed system-wide except an
# apt source for the non-free component. Idempotent: does nothing when ptxas already works.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/.tools/cuda"
package="nvidia-cuda-toolkit"
sources_file="/etc/apt/sources.list.d/gpulstm-nonfree.sources"

log() { echo "install-ptxas: $*" >&2; }
die() { log "error: $*"; exit 1; }

# Same search order as GpuLstm.Codegen.Ptxas: env var, PATH, then the unpacked toolkit.
find_ptxas() {
    [[ -n "${GPULSTM_PTXAS:-}" ]] && { echo "$GPULSTM_PTXAS"; return 0; }
    local found
    if found="$(command -v ptxas 2>/dev/null)"; then echo "$found"; return 0; fi
    local candidate
    for candidate in "$dest/usr/bin/ptxas" "$dest/usr/lib/nvidia-cuda-toolkit/bin/ptxas"; do
        [[ -x "$candidate" ]] && { echo "$candidate"; return 0; }
    done
    return 1
}

report() {
    echo "ptxas: $1"
    "$1" --version
}

# apt's locks are fcntl locks, which flock cannot see; wait while any package tool runs instead.
wait_for_apt() {
    local waited=0 busy
    while :; do
        busy=""
        local comm
        for comm in /proc/[0-9]*/comm; do
            case "$(cat "$comm" 2>/dev/null || true)" in
                apt|apt-get|aptitude|dpkg|unattended-upgr) busy=1; break ;;
            esac
        done
        [[ -z "$busy" ]] && return 0
        (( waited % 30 == 0 )) && log "waiting for another apt/dpkg process to finish..."
        (( waited >= 1200 )) && die "apt/dpkg still busy after ${waited}s"
        sleep 5
        waited=$((waited + 5))
    done
}

has_candidate() {
    local candidate
    candidate="$(apt-cache policy "$package" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

add_nonfree_source() {
    [[ -f "$sources_file" ]] && return 0
    log "adding Debian bookworm non-free as $sources_file"
    cat > "$sources_file" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}

apt_update() {
    local attempt
    for attempt in 1 2 3; do
        wait_for_apt
        # Lock timeout covers a package tool that starts between our check and apt's.
        if apt-get -o DPkg::Lock::Timeout=300 update -qq; then return 0; fi
        log "apt-get update failed (attempt $attempt), retrying"
        sleep 10
    done
    die "apt-get update failed"
}

# A wrong explicit choice is an error, not a reason to install another ptxas.
if [[ -n "${GPULSTM_PTXAS:-}" && ! -x "$GPULSTM_PTXAS" ]]; then
    die "GPULSTM_PTXAS is set to '$GPULSTM_PTXAS', which is not an executable file"
fi

if existing="$(find_ptxas)"; then
    report "$existing"
    exit 0
fi

[[ "$(id -u)" -eq 0 ]] || die "ptxas not found and this script needs root to add the apt source (run it as root)"
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

if ! has_candidate; then
    add_nonfree_source
    apt_update
    has_candidate || die "$package has no install candidate even with non-free enabled (is this Debian 12 bookworm?)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get download drops privileges to _apt, which must be able to write here.
if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
log "downloading $package"
(cd "$work" && apt-get download -qq "$package") || die "apt-get download $package failed"
deb="$(ls "$work"/"$package"_*.deb)"

# Unpack into a staging folder and move it into place at once, so an interrupted run
# never leaves a half-unpacked toolkit that a later run would take for a working one.
staging="$repo_root/.tools/cuda.partial"
rm -rf "$staging"
mkdir -p "$staging"
dpkg-deb -x "$deb" "$staging"
rm -rf "$dest"
mv "$staging" "$dest"

ptxas="$(find_ptxas)" || die "$package was unpacked but contains no ptxas (looked in $dest)"
report "$ptxas"
