#!/usr/bin/env bash
# The packages as a user gets them: `dotnet pack` at the root must yield exactly GpuLstm (the engine, kernels
# inside, depending on ILGPU and ILGPU.Algorithms only) and GpuLstm.Cli (the `gpulstm` tool). The tool is
# installed from those packages into a temporary tool path and runs `train` in an empty folder; a fresh
# console project that references only the GpuLstm package runs the README's founding example.
# Everything happens under one temporary folder, with its own NuGet packages folder so that no cached
# GpuLstm of the same version can stand in for the one just packed; the folder is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() { echo "pack.sh: FAIL: $*" >&2; exit 1; }
step() { echo "== pack: $*"; }
now() { date +%s; }

VERSION=$(dotnet msbuild src/GpuLstm/GpuLstm.csproj -getProperty:Version)
[[ -n "$VERSION" ]] || fail "no Version from Directory.Build.props"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpulstm-pack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ARTIFACTS=$WORK/artifacts T=$WORK/tool
START=$(now)

step "dotnet pack -c Release (version $VERSION)"
dotnet pack -c Release -o "$ARTIFACTS" --nologo -v:q
PACKED=$(cd "$ARTIFACTS" && ls ./*.nupkg | sed 's|^\./||' | sort | tr '\n' ' ')
[[ "$PACKED" == "GpuLstm.$VERSION.nupkg GpuLstm.Cli.$VERSION.nupkg " ]] \
  || fail "expected exactly GpuLstm.$VERSION.nupkg and GpuLstm.Cli.$VERSION.nupkg, got: $PACKED"
for p in GpuLstm GpuLstm.Cli; do
  [[ -f "$ARTIFACTS/$p.$VERSION.snupkg" ]] || fail "no symbol package $p.$VERSION.snupkg"
done
LIB=$ARTIFACTS/GpuLstm.$VERSION.nupkg TOOLPKG=$ARTIFACTS/GpuLstm.Cli.$VERSION.nupkg
LIB_FILES=$(unzip -Z1 "$LIB")
for f in lib/net10.0/GpuLstm.dll lib/net10.0/GpuLstm.Kernels.dll README.md LICENSE; do
  grep -qxF "$f" <<<"$LIB_FILES" || fail "GpuLstm package lacks $f"
done
grep -qxF lib/net10.0/GpuLstm.Kernels.pdb <<<"$(unzip -Z1 "$ARTIFACTS/GpuLstm.$VERSION.snupkg")" \
  || fail "GpuLstm symbol package lacks GpuLstm.Kernels.pdb"
TOOL_FILES=$(unzip -Z1 "$TOOLPKG")
for a in GpuLstm GpuLstm.Kernels GpuLstm.Datasets GpuLstm.Plotting GpuLstm.Samples GpuLstm.Codegen GpuLstm.Cli; do
  grep -qxF "tools/net10.0/any/$a.dll" <<<"$TOOL_FILES" || fail "tool package lacks $a.dll"
done
NUSPEC=$(unzip -p "$LIB" GpuLstm.nuspec)
DEPS=$(grep -o '<dependency id="[^"]*" version="[^"]*"' <<<"$NUSPEC" | sed -E 's/<dependency id="([^"]*)" version="([^"]*)"/\1 \2/')
[[ "$(cut -d' ' -f1 <<<"$DEPS" | sort | tr '\n' ' ')" == "ILGPU ILGPU.Algorithms " ]] \
  || fail "GpuLstm package must depend on ILGPU and ILGPU.Algorithms only, got: $(tr '\n' ',' <<<"$DEPS")"
if git -C "$REPO" rev-parse HEAD >/dev/null 2>&1; then
  COMMIT=$(git -C "$REPO" rev-parse HEAD)
  grep -qF "commit=\"$COMMIT\"" <<<"$NUSPEC" || fail "GpuLstm nuspec does not name repository commit $COMMIT"
fi
PACK_S=$(( $(now) - START ))

# Every restore below uses its own packages folder, so only the packages just made can be found under
# their names: the tool install sees only the artifacts folder (--add-source).
export NUGET_PACKAGES=$WORK/nuget-packages
C=$WORK/consumer
mkdir "$WORK/install" "$C"
cat >"$WORK/install/nuget.config" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /></packageSources>
</configuration>
EOF
# The consumer's sources: the template's (the public feed only) plus the artifacts folder; that GpuLstm came
# from the artifacts folder is checked after the restore.
dotnet new nugetconfig -o "$C" >/dev/null
dotnet nuget add source "$ARTIFACTS" --name gpulstm-artifacts --configfile "$C/nuget.config" >/dev/null

step "dotnet tool install GpuLstm.Cli $VERSION into a temporary tool path"
T0=$(now)
(cd "$WORK/install" && dotnet tool install --tool-path "$T" --add-source "$ARTIFACTS" GpuLstm.Cli --version "$VERSION")
[[ -x "$T/gpulstm" ]] || fail "no $T/gpulstm after tool install"
"$T/gpulstm" --help >"$WORK/help.txt" || fail "gpulstm --help exited $?"
grep -q train "$WORK/help.txt" || fail "gpulstm --help does not list train"
"$T/gpulstm" train --help >"$WORK/train-help.txt" || fail "gpulstm train --help exited $?"
grep -q -- --epochs "$WORK/train-help.txt" || fail "gpulstm train --help has no --epochs"

step "gpulstm train --epochs 2 in an empty folder"
mkdir "$WORK/run"
(cd "$WORK/run" && "$T/gpulstm" train --epochs 2)
OUTDIR=$WORK/run/gpulstm-runs/co2
for f in model.safetensors metrics.json forecast.png; do
  [[ -s "$OUTDIR/$f" ]] || fail "gpulstm train wrote no $OUTDIR/$f"
done
[[ "$(head -c 8 "$OUTDIR/forecast.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] || fail "forecast.png is not a PNG"
TOOL_S=$(( $(now) - T0 ))

step "a fresh console project that references only the GpuLstm package"
T0=$(now)
dotnet new console -o "$C" -n Consumer >/dev/null
(cd "$C" && dotnet add package GpuLstm --version "$VERSION" >/dev/null)
# Program.cs is the README's founding example, verbatim.
awk '/^## The founding example/ { on = 1 } on && /^```csharp/ { code = 1; next } code && /^```/ { exit } code' \
  "$REPO/README.md" >"$C/Program.cs"
grep -q 'model.Summary()' "$C/Program.cs" || fail "no founding example (a csharp block with model.Summary()) in README.md"
(cd "$C" && dotnet run -c Release) >"$WORK/summary.txt" || { cat "$WORK/summary.txt"; fail "the consumer failed"; }
for s in 'Total params: 91,777 (358.50 KB)' 'lstm (LSTM)'; do
  grep -qF "$s" "$WORK/summary.txt" || { cat "$WORK/summary.txt"; fail "the consumer's summary lacks '$s'"; }
done
META=$NUGET_PACKAGES/gpulstm/$VERSION/.nupkg.metadata
grep -qF "\"source\": \"$ARTIFACTS\"" "$META" || fail "the consumer's GpuLstm $VERSION was not restored from $ARTIFACTS"
cmp -s "$LIB" "$NUGET_PACKAGES/gpulstm/$VERSION/gpulstm.$VERSION.nupkg" || fail "the consumer's GpuLstm package is not the one just packed"
RESTORED=$(cd "$C" && dotnet list package --include-transitive | awk '$1 == ">" { print $2 " " $NF }')
if grep -iE 'scottplot|skiasharp|system\.commandline|spectre' <<<"$RESTORED$(printf '\n%s' "$(ls "$NUGET_PACKAGES")")"; then
  fail "the consumer's dependencies include a plotting, console or command-line library"
fi
CONSUMER_S=$(( $(now) - T0 ))

echo
echo "== pack: OK ($(( $(now) - START )) s: pack ${PACK_S} s, tool ${TOOL_S} s, consumer ${CONSUMER_S} s)"
(cd "$ARTIFACTS" && for f in *.nupkg *.snupkg; do printf '  %-28s %9s bytes\n' "$f" "$(stat -c %s "$f")"; done)
echo "  GpuLstm dependencies: $(tr '\n' ',' <<<"$DEPS" | sed 's/,$//; s/,/, /g')"
echo "  consumer restored: $(tr '\n' ',' <<<"$RESTORED" | sed 's/,$//; s/,/, /g')"
echo "  consumer printed:"
sed 's/^/    /' "$WORK/summary.txt"
