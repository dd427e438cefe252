; 调解台 MediationDesk — Windows installer (NSIS 3, Unicode, Simplified Chinese MUI2).
;
; Build on Windows after PyInstaller (see build.ps1):
;   makensis /DVERSION=0.1.0 /DPAYLOAD=..\out\dist\mediationdesk /DOUTFILE=..\out\MediationDesk-0.1.0-setup.exe mediationdesk.nsi
; CI compiles the same script with Debian's makensis against the Linux bundle (/DSKELETON
; also turns compression off) to prove the script valid; that .exe is not a usable installer.
;
; Installs per user (%LOCALAPPDATA%\Programs\MediationDesk, no administrator) or for all
; users (Program Files, administrator) — MultiUser.nsh asks. Start-menu and desktop
; shortcuts are named 调解台. No file associations. The uninstaller keeps the user's data
; (%LOCALAPPDATA%\MediationDesk and %APPDATA%\MediationDesk: database, backups, settings)
; unless "删除我的数据" is ticked.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user

!ifndef VERSION
  !error "pass the version: makensis /DVERSION=x.y.z …"
!endif
!ifndef PAYLOAD
  !error "pass the PyInstaller bundle folder: makensis /DPAYLOAD=…\dist\mediationdesk …"
!endif
!ifndef OUTFILE
  !define OUTFILE "MediationDesk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "../../resources/icons/mediationdesk.ico"
!endif

!define APPNAME "调解台"
!define APPID "MediationDesk"
!define PUBLISHER "MediationDesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"
!define REGKEY "Software\${APPID}"

Name "${APPNAME}"
Caption "${APPNAME} ${VERSION} 安装程序"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"
!ifdef SKELETON
  SetCompress off
!else
  SetCompressor /SOLID lzma
!endif

; ---- per-user or all-users ------------------------------------------------------------
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPID}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${REGKEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallDir"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_KEY "${REGKEY}"
!define MULTIUSER_INSTALLMODE_DEFAULT_REGISTRY_VALUENAME "InstallMode"
!define MULTIUSER_INIT_TEXT_ADMINREQUIRED "安装${APPNAME}需要管理员权限。"
!define MULTIUSER_INIT_TEXT_POWERREQUIRED "安装${APPNAME}至少需要 Power Users 权限。"
!define MULTIUSER_INIT_TEXT_ALLUSERSNOTPOSSIBLE "当前账户没有管理员权限，无法为本机所有用户安装${APPNAME}；将只为当前用户安装。"
!include "MultiUser.nsh"
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\mediationdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "立即启动${APPNAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "程序文件将被删除。您的案件数据库、备份和设置默认保留，重新安装后可继续使用；只有勾选下面一项时才会删除。"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "© ${PUBLISHER}"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME}需要 64 位 Windows（Windows 10 或更高版本）。"
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A previous version's program files (never the user's data, which lives elsewhere).
  RMDir /r "$INSTDIR\_internal"
  File /r "${PAYLOAD}/*"
  File "/oname=mediationdesk.ico" "${ICON}"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr SHCTX "${REGKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr SHCTX "${REGKEY}" "InstallMode" "$MultiUser.InstallMode"
  WriteRegStr SHCTX "${REGKEY}" "Version" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr SHCTX "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\mediationdesk.ico"
  WriteRegStr SHCTX "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode'
  WriteRegStr SHCTX "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /$MultiUser.InstallMode /S'
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTKEY}" "NoRepair" 1

  ; Shortcuts: in the start menu and on the desktop of this user, or of all users.
  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\mediationdesk.exe" "" "$INSTDIR\mediationdesk.ico" 0
  CreateShortcut "$SMPROGRAMS\${APPNAME}自检.lnk" "$INSTDIR\mediationdesk-cli.exe" "selftest --pause" "$INSTDIR\mediationdesk.ico" 0
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\mediationdesk.exe" "" "$INSTDIR\mediationdesk.ico" 0
SectionEnd

; ---- uninstaller -----------------------------------------------------------------------
Section "un.${APPNAME}程序文件" UnSecMain
  SectionIn RO
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$SMPROGRAMS\${APPNAME}自检.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  ; Only what the installer put there: never RMDir /r $INSTDIR (it could be a folder the
  ; user chose that holds other files).
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\mediationdesk.exe"
  Delete "$INSTDIR\mediationdesk-cli.exe"
  Delete "$INSTDIR\mediationdesk.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey SHCTX "${UNINSTKEY}"
  DeleteRegKey SHCTX "${REGKEY}"
SectionEnd

Section /o "un.删除我的数据（案件数据库、备份和设置，不可恢复）" UnSecData
  ; The data belongs to the user running the uninstaller, also after an all-users install.
  SetShellVarContext current
  RMDir /r "$LOCALAPPDATA\${APPID}"
  RMDir /r "$APPDATA\${APPID}"
  ${If} $MultiUser.InstallMode == "AllUsers"
    SetShellVarContext all
  ${EndIf}
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecMain} "删除调解台程序、开始菜单和桌面快捷方式。"
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} "同时删除本用户的案件数据库、自动备份和设置。删除前请确认已另行备份！"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
