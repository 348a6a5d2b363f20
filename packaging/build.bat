@echo off
rem Double-click to build: runs build.ps1 (see packaging\README.md).
powershell -NoProfile -ExecutionPolicy Bypass -File "%~dp0build.ps1" %*
if errorlevel 1 (
  echo Build failed.
  pause
  exit /b 1
)
pause
