#!/usr/bin/env pwsh
# Wraps the dotnet commands the README gives. Usage: ./build.ps1 [build|test|bench|kernels|compare|pack]
param([ValidateSet('build', 'test', 'bench', 'kernels', 'compare', 'pack')][string]$Task = 'build')
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
switch ($Task) {
    'build'   { dotnet build GpuLstm.sln -c Release }
    'test'    { dotnet test GpuLstm.sln -c Release }
    'bench'   { dotnet run -c Release --project src/GpuLstm.Cli -- bench }
    'kernels' { dotnet run -c Release --project src/GpuLstm.Cli -- kernels --out kernels-out }
    'pack'    { dotnet pack -c Release -o artifacts }
    'compare' { /usr/bin/python3 benchmarks/compare.py }
}
exit $LASTEXITCODE
