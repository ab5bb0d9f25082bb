#!/usr/bin/env bash
# Packs into .gpu-bundle/ (git-ignored) everything benchmarks/gpu/run.sh needs on a machine without
# dotnet: the .NET shared runtime (from this SDK install) as a .tar.xz, the framework-dependent CLI,
# the test assembly with its dependencies and fixtures, the xunit v2 console runner (NuGet
# xunit.runner.console 2.4.1, netcoreapp2.0 build, run with DOTNET_ROLL_FORWARD=Major) and
# benchmarks/pytorch_step.py. Needs the .NET SDK. Idempotent: cli/, tests/ and the runner are rebuilt
# every time; the runtime archive is kept while the runtime version it holds is unchanged.
# Prints the bundle size and fails if it is over 60 MiB (the device tool carries at most 64 MiB).
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
B=$REPO/.gpu-bundle
LIMIT_MIB=60
RUNNER_VERSION=2.4.1
RUNNER_SHA256=23f0b49edbfe5be8f8554e7f4317a390949bb96bdb2f8309ebe27c6855fad38f
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { echo "[prepare] $*"; }
die() { echo "prepare.sh: error: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "no dotnet on PATH (prepare.sh needs the .NET SDK; run.sh does not)"
DOTNET_HOME=$(dirname "$(readlink -f "$(command -v dotnet)")")
MAJOR=$(sed -n 's/.*<TargetFramework>net\([0-9]*\)\..*/\1/p' Directory.Build.props)
[[ -n $MAJOR ]] || die "cannot read <TargetFramework> from Directory.Build.props"
RT_VERSION=$(cd "$DOTNET_HOME/shared/Microsoft.NETCore.App" 2>/dev/null && printf '%s\n' "$MAJOR".* | sort -V | tail -1)
[[ -n $RT_VERSION && -d $DOTNET_HOME/shared/Microsoft.NETCore.App/$RT_VERSION ]] || die "no Microsoft.NETCore.App $MAJOR.* under $DOTNET_HOME/shared"
FXR_VERSION=$(cd "$DOTNET_HOME/host/fxr" 2>/dev/null && printf '%s\n' * | sort -V | tail -1)
[[ -n $FXR_VERSION && -d $DOTNET_HOME/host/fxr/$FXR_VERSION ]] || die "no host/fxr under $DOTNET_HOME"
mkdir -p "$B"

# 1. the runtime: muxer + hostfxr + Microsoft.NETCore.App, as one .tar.xz
RT_TAR=$B/dotnet-runtime-$RT_VERSION-fxr-$FXR_VERSION.tar.xz
if [[ -s $RT_TAR ]]; then
  say "runtime archive up to date: $(basename "$RT_TAR")"
else
  rm -f "$B"/dotnet-runtime-*.tar.xz
  say "packing Microsoft.NETCore.App $RT_VERSION, host/fxr $FXR_VERSION and the dotnet muxer from $DOTNET_HOME"
  extras=()
  for f in LICENSE.txt ThirdPartyNotices.txt; do [[ -e $DOTNET_HOME/$f ]] && extras+=("$f"); done
  tar -C "$DOTNET_HOME" -cf - dotnet "host/fxr/$FXR_VERSION" "shared/Microsoft.NETCore.App/$RT_VERSION" "${extras[@]}" \
    | xz -T0 -6 > "$RT_TAR.tmp"
  mv "$RT_TAR.tmp" "$RT_TAR"
fi

# 2. the CLI, framework-dependent (run as: dotnet cli/GpuLstm.Cli.dll)
say "publishing src/GpuLstm.Cli (Release, framework-dependent)"
rm -rf "$B/cli"
dotnet publish src/GpuLstm.Cli -c Release -o "$B/cli" --nologo -v quiet
# The GPU machine is linux-x64: the other RIDs' native assets (SkiaSharp/HarfBuzz for the chart,
# ~145 MB) would not fit the 64 MiB carry.
find "$B/cli/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +

# 3. the test assembly with its dependencies and Fixtures/*.safetensors
say "publishing tests/GpuLstm.Tests (Release)"
rm -rf "$B/tests"
dotnet publish tests/GpuLstm.Tests -c Release -o "$B/tests" --nologo -v quiet
ls "$B"/tests/Fixtures/*.safetensors >/dev/null 2>&1 || die "no Fixtures/*.safetensors in the published tests"
# Not needed by the console runner: code coverage (30 MB, pulled in by Microsoft.NET.Test.Sdk) and
# TestPlatform's satellite resource folders
rm -rf "$B/tests/Microsoft.CodeCoverage"
# No test the kit runs (the Cuda/Cpu per-accelerator classes) draws a chart: no native chart assets at all.
rm -rf "$B/tests/runtimes"
for d in "$B"/tests/*/; do
  if [[ -e $d/Microsoft.TestPlatform.CoreUtilities.resources.dll ]]; then rm -rf "$d"; fi
done

# 4. the xunit v2 console runner: the NuGet global packages folder, else a local cache, else NuGet
runner_dir() {
  local pkgs=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  local d=$pkgs/xunit.runner.console/$RUNNER_VERSION/tools/netcoreapp2.0
  [[ -f $d/xunit.console.dll ]] && { echo "$d"; return 0; }
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/gpulstm/nuget
  local nupkg=$cache/xunit.runner.console.$RUNNER_VERSION.nupkg
  if [[ ! -s $nupkg ]] || ! echo "$RUNNER_SHA256  $nupkg" | sha256sum -c --status; then
    mkdir -p "$cache"
    say "downloading xunit.runner.console $RUNNER_VERSION from NuGet" >&2
    curl -fsSL --retry 3 -o "$nupkg.tmp" \
      "https://api.nuget.org/v3-flatcontainer/xunit.runner.console/$RUNNER_VERSION/xunit.runner.console.$RUNNER_VERSION.nupkg" \
      || { rm -f "$nupkg.tmp"; return 1; }
    echo "$RUNNER_SHA256  $nupkg.tmp" | sha256sum -c --status || { rm -f "$nupkg.tmp"; die "xunit.runner.console nupkg: SHA-256 mismatch"; }
    mv "$nupkg.tmp" "$nupkg"
  fi
  rm -rf "$cache/x"; mkdir -p "$cache/x"
  if command -v unzip >/dev/null; then
    (cd "$cache/x" && unzip -q "$nupkg" 'tools/netcoreapp2.0/*') || return 1
  else
    python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("tools/netcoreapp2.0/")])' "$nupkg" "$cache/x" || return 1
  fi
  [[ -f $cache/x/tools/netcoreapp2.0/xunit.console.dll ]] || return 1
  echo "$cache/x/tools/netcoreapp2.0"
}
RUNNER_SRC=$(runner_dir) || die "could not get xunit.runner.console $RUNNER_VERSION (NuGet unreachable?)"
rm -rf "$B/xunit-runner"
mkdir -p "$B/xunit-runner"
cp -a "$RUNNER_SRC/." "$B/xunit-runner/"
rm -f "$B/xunit-runner"/*.xml  # API docs
say "xunit runner from $RUNNER_SRC"

# 5. the PyTorch reference and the list of per-accelerator test classes (for runners without traits)
cp benchmarks/pytorch_step.py "$B/pytorch_step.py"
{
  grep -rE --include='*.cs' -l 'public (sealed )?class (Cuda|OpenCl|Cpu)[A-Za-z0-9_]*Tests\b' tests | sort | while read -r f; do
    ns=$(sed -n 's/^namespace \([A-Za-z0-9_.]*\);.*/\1/p' "$f" | head -1)
    grep -oE 'public (sealed )?class (Cuda|OpenCl|Cpu)[A-Za-z0-9_]*Tests\b' "$f" | awk '{print $NF}' | while read -r c; do
      case $c in CpuLaunched*) k=CpuLaunched ;; CpuGrid*) k=CpuGrid ;; Cpu*) k=Cpu ;; Cuda*) k=Cuda ;; OpenCl*) k=OpenCL ;; esac
      echo "$k $ns.$c"
    done
  done
} > "$B/test-classes.txt"
[[ $(grep -c '^Cuda ' "$B/test-classes.txt") -gt 0 ]] || die "found no Cuda*Tests classes under tests/"

GIT_REV=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && GIT_REV="$GIT_REV+dirty"
cat > "$B/manifest.env" <<MANIFEST
BUNDLE_GIT_REV=$GIT_REV
BUNDLE_DATE_UTC=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BUNDLE_RUNTIME_VERSION=$RT_VERSION
BUNDLE_FXR_VERSION=$FXR_VERSION
BUNDLE_RUNTIME_TAR=$(basename "$RT_TAR")
BUNDLE_RUNNER=xunit.runner.console-$RUNNER_VERSION-netcoreapp2.0
MANIFEST

BYTES=$(du -sb "$B" | cut -f1)
MIB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1048576 }')
say "bundle $B: $MIB MiB (runtime archive $(du -m "$RT_TAR" | cut -f1) MiB, cli $(du -sm "$B/cli" | cut -f1) MiB, tests $(du -sm "$B/tests" | cut -f1) MiB, runner $(du -sm "$B/xunit-runner" | cut -f1) MiB); $(grep -c . "$B/test-classes.txt") per-accelerator test classes; rev $GIT_REV"
if (( BYTES > LIMIT_MIB * 1048576 )); then
  die "bundle is $MIB MiB, over the $LIMIT_MIB MiB limit (the device tool carries 64 MiB in all)"
fi
