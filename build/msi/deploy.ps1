<#
  Turbo Dialer: per-machine MSI deployment for IT (run elevated, e.g. from Intune/SCCM/GPO startup script).
  Installs or upgrades silently (the MSI's fixed UpgradeCode replaces the previous version in place) and
  writes the IT policy the app reads from HKLM\SOFTWARE\Policies\TurboDialer\PolicyJson.

  .\deploy.ps1 -Msi "Turbo Dialer-1.4.0-win-x64.msi" -Channel stable -CoordinatorUrl https://dialer.corp.example
#>
param(
  [Parameter(Mandatory = $true)][string]$Msi,
  [ValidateSet('stable', 'beta')][string]$Channel = 'stable',
  [string]$CoordinatorUrl = '',
  [string]$MsiVersionDue = ''
)
$ErrorActionPreference = 'Stop'

$policy = [ordered]@{ installType = 'msi'; channel = $Channel }
if ($CoordinatorUrl) { $policy.coordinatorUrl = $CoordinatorUrl }
if ($MsiVersionDue) { $policy.msiVersionDue = $MsiVersionDue }
$key = 'HKLM:\SOFTWARE\Policies\TurboDialer'
New-Item -Path $key -Force | Out-Null
Set-ItemProperty -Path $key -Name 'PolicyJson' -Type String -Value ($policy | ConvertTo-Json -Compress)

$log = Join-Path $env:TEMP 'TurboDialer-msi.log'
$args = @('/i', "`"$Msi`"", '/qn', '/norestart', 'ALLUSERS=1', '/l*v', "`"$log`"")
$p = Start-Process -FilePath 'msiexec.exe' -ArgumentList $args -Wait -PassThru
# 0 = success, 3010 = success but a reboot is pending.
if ($p.ExitCode -ne 0 -and $p.ExitCode -ne 3010) { throw "msiexec failed with $($p.ExitCode); see $log" }
Write-Output "Turbo Dialer installed (exit $($p.ExitCode)); policy: $($policy | ConvertTo-Json -Compress)"
