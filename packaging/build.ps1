# Windows build: the one-folder program, the portable zip and the installer.
#
#   powershell -ExecutionPolicy Bypass -File packaging\build.ps1
#   (or double-click packaging\build.bat)
#
# Needs Python 3.11 x64 (the "py" launcher) and, for the installer, Inno Setup 6
# (ISCC.exe on PATH or in its default folder; without it the installer is skipped).
# Output in dist\: taizhang\ (taizhang.exe + 监督台账.exe), taizhang-<v>-portable-win64.zip,
# taizhang-<v>-setup.exe. This file stays ASCII: Windows PowerShell 5 reads scripts
# without a BOM in the ANSI code page.
param(
    [string]$Python = "",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

if (-not $Python) {
    if (-not (Test-Path ".venv\Scripts\python.exe")) { & py -3.11 -m venv .venv }
    $Python = ".venv\Scripts\python.exe"
}
& $Python -m pip install -q --upgrade pip
& $Python -m pip install -q -e ".[build]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$Version = (& $Python -c "import desktop_app; print(desktop_app.__version__)").Trim()

& $Python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\taizhang.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Bundle = "dist\taizhang"
Copy-Item packaging\*.txt $Bundle

# Portable: the same folder plus the marker; data then lives in .\data beside the program.
$Zip = "dist\taizhang-$Version-portable-win64.zip"
& $Python packaging\make_portable.py $Bundle $Zip
if ($LASTEXITCODE -ne 0) { throw "portable zip failed" }
Write-Host "portable: $Zip"

if (-not $SkipInstaller) {
    $Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
    if (-not $Iscc) {
        foreach ($dir in @("${env:ProgramFiles(x86)}\Inno Setup 6", "$env:ProgramFiles\Inno Setup 6",
                          "$env:LOCALAPPDATA\Programs\Inno Setup 6")) {
            if (Test-Path "$dir\ISCC.exe") { $Iscc = "$dir\ISCC.exe"; break }
        }
    }
    if ($Iscc) {
        & $Iscc /Qp "/DAppVersion=$Version" packaging\windows\taizhang.iss
        if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
        Write-Host "installer: dist\taizhang-$Version-setup.exe"
    } else {
        Write-Warning "Inno Setup 6 not found: installer skipped (https://jrsoftware.org/isdl.php)"
    }
}
Write-Host "built $Bundle"
