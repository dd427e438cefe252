<#
.SYNOPSIS
  Build the real Windows installer of 调解台 MediationDesk on a Windows machine.

.DESCRIPTION
  Run from the repository root in PowerShell (Windows 10/11 x64):

      powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1

  Needs Python 3.11+ (x64) on PATH and NSIS 3 (https://nsis.sourceforge.io, or
  `winget install NSIS.NSIS` / `choco install nsis`). Creates .venv-win, installs the app and
  PyInstaller into it, builds installer\out\dist\mediationdesk (mediationdesk.exe +
  mediationdesk-cli.exe), runs the bundle's selftest offscreen, then compiles
  installer\out\MediationDesk-<version>-setup.exe.

  -Check       afterwards install that setup.exe silently for the current user, run the
               *installed* mediationdesk-cli.exe --version and selftest (offscreen), check the
               start-menu shortcut, and uninstall silently. Fails on any step.
  -SignCert    path of a code-signing certificate (.pfx; password in $env:SIGN_PFX_PASSWORD):
               signs mediationdesk.exe, mediationdesk-cli.exe and the setup.exe with signtool
               (Windows SDK) and a timestamp from -TimestampUrl.
#>
param(
    [string]$Python = "python",
    [string]$MakeNsis = "",
    [switch]$SkipSelftest,
    [switch]$Check,
    [string]$SignCert = "",
    [string]$TimestampUrl = "http://timestamp.digicert.com"
)
$ErrorActionPreference = "Stop"
$Repo = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Repo
$Out = Join-Path $Repo "installer\out"
New-Item -ItemType Directory -Force -Path $Out | Out-Null

$Version = & $Python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
if ($LASTEXITCODE -ne 0) { throw "cannot read the version from pyproject.toml" }
Write-Host "==> MediationDesk $Version"

$Venv = Join-Path $Repo ".venv-win"
if (-not (Test-Path "$Venv\Scripts\python.exe")) { & $Python -m venv $Venv }
$Py = "$Venv\Scripts\python.exe"
& $Py -m pip install --upgrade pip
& $Py -m pip install -e ".[bundle]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }

Write-Host "==> PyInstaller"
$t = Get-Date
& $Py -m PyInstaller --noconfirm --distpath "$Out\dist" --workpath "$Out\work" installer\mediationdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
Write-Host ("bundle built in {0:n0} s" -f ((Get-Date) - $t).TotalSeconds)

$Bundle = Join-Path $Out "dist\mediationdesk"
& "$Bundle\mediationdesk-cli.exe" --version
if ($LASTEXITCODE -ne 0) { throw "mediationdesk-cli.exe --version failed" }
if (-not $SkipSelftest) {
    $env:QT_QPA_PLATFORM = "offscreen"
    & "$Bundle\mediationdesk-cli.exe" selftest --output "$Out\selftest-windows.txt"
    $code = $LASTEXITCODE
    Remove-Item Env:\QT_QPA_PLATFORM
    if ($code -ne 0) { throw "selftest failed (report: $Out\selftest-windows.txt)" }
}

if (-not $MakeNsis) {
    $cmd = Get-Command makensis -ErrorAction SilentlyContinue
    if ($cmd) { $MakeNsis = $cmd.Source }
    else {
        foreach ($p in @("${env:ProgramFiles(x86)}\NSIS\makensis.exe", "$env:ProgramFiles\NSIS\makensis.exe")) {
            if (Test-Path $p) { $MakeNsis = $p; break }
        }
    }
}
if (-not $MakeNsis) { throw "makensis not found: install NSIS 3 or pass -MakeNsis PATH" }

function Sign-File([string]$File) {
    $signtool = Get-Command signtool -ErrorAction SilentlyContinue
    if (-not $signtool) {
        $signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
            Sort-Object FullName | Select-Object -Last 1
    }
    if (-not $signtool) { throw "signtool.exe not found: install the Windows SDK (signing tools)" }
    & $signtool.FullName sign /fd SHA256 /f $SignCert /p $env:SIGN_PFX_PASSWORD /tr $TimestampUrl /td SHA256 $File
    if ($LASTEXITCODE -ne 0) { throw "signing $File failed" }
}
if ($SignCert) {
    Sign-File "$Bundle\mediationdesk.exe"
    Sign-File "$Bundle\mediationdesk-cli.exe"
}

Write-Host "==> NSIS"
$Setup = Join-Path $Out "MediationDesk-$Version-setup.exe"
& $MakeNsis /V2 /WX "/DVERSION=$Version" "/DPAYLOAD=$Bundle" "/DOUTFILE=$Setup" installer\windows\mediationdesk.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed" }
Write-Host "installer: $Setup"
if ($SignCert) { Sign-File $Setup }

if ($Check) {
    Write-Host "==> check: silent install, installed selftest, silent uninstall"
    Start-Process $Setup -ArgumentList "/S", "/CurrentUser" -Wait
    $dir = "$env:LOCALAPPDATA\Programs\MediationDesk"
    & "$dir\mediationdesk-cli.exe" --version
    if ($LASTEXITCODE -ne 0) { throw "installed --version failed" }
    $env:QT_QPA_PLATFORM = "offscreen"
    & "$dir\mediationdesk-cli.exe" selftest --output "$Out\selftest-windows-installed.txt"
    $code = $LASTEXITCODE
    Remove-Item Env:\QT_QPA_PLATFORM
    if ($code -ne 0) { throw "installed selftest failed (report: $Out\selftest-windows-installed.txt)" }
    if (-not (Test-Path "$env:APPDATA\Microsoft\Windows\Start Menu\Programs\调解台.lnk")) { throw "no start-menu shortcut" }
    Start-Process "$dir\uninstall.exe" -ArgumentList "/S", "/CurrentUser", "_?=$dir" -Wait
    if (Test-Path "$dir\mediationdesk.exe") { throw "uninstall left the program" }
    Write-Host "check passed: installed, selftest passed, uninstalled"
}
