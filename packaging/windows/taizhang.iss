; Inno Setup 6 script: per-user install of 监督台账, no administrator needed.
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\taizhang.iss   (build.ps1 does this)
; Installs dist\taizhang into %LOCALAPPDATA%\Programs\监督台账, Start-menu and desktop
; shortcuts; a newer setup with the same AppId upgrades in place (closing the running
; program first); uninstalling leaves the data folder and says where it is.
; Saved as UTF-8 with BOM so the Chinese texts compile correctly.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "监督台账"
#define GuiExe "监督台账.exe"

[Setup]
; Never change the AppId: it is how a newer setup finds and upgrades this installation.
AppId={{6F1C2B8E-4A7D-4C39-9E52-3B8D0F6A71C4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=县级纪委监委
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
PrivilegesRequired=lowest
DefaultDirName={userpf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=taizhang-{#AppVersion}-setup
SetupIconFile=..\taizhang.ico
UninstallDisplayIcon={app}\{#GuiExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
CloseApplications=force
RestartApplications=no

[Languages]
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
; Older Inno Setup without the Chinese wizard texts: English wizard, Chinese messages below.
Name: "chs"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
chs.DesktopIcon=在桌面上创建快捷方式
chs.RunNow=现在打开{#AppName}
chs.CommandLine=命令行（taizhang）
chs.DataKept=程序已卸载。台账数据没有删除，仍保存在：%n%n%1%n%n如需彻底删除，请先备份，再手动删除该文件夹。

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"

[Files]
Source: "..\..\dist\taizhang\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the program's own files; stale modules of an older version go.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"
Name: "{group}\{cm:CommandLine}"; Filename: "{cmd}"; Parameters: "/k ""{app}\taizhang.exe"" --help"; WorkingDir: "{userdocs}"
Name: "{userdesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:RunNow}"; Flags: nowait postinstall skipifsilent

[Code]
// The data folder of an installed copy: %LOCALAPPDATA%\taizhang (desktop_app/paths.py,
// platformdirs.user_data_dir("taizhang", appauthor=False)). Uninstall never touches it.
function DataFolder(): String;
begin
  Result := ExpandConstant('{localappdata}\taizhang');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and DirExists(DataFolder()) and not UninstallSilent() then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [DataFolder()]), mbInformation, MB_OK);
end;
