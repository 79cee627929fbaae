// Command backupctl lists and manages the backups of virtual machines and
// servers on four platforms — OnApp clouds, Erigones (Danube Cloud),
// Unitrends Backup appliances and Huawei Cloud Backup and Recovery (CBR) —
// through the backupsdk packages onapp, erigones, unitrends and cloudbackup.
// It uses nothing but their public API, so it doubles as an example of
// using them together.
//
// Try it with no settings and no network: every provider whose URL variable
// is unset is served by its built-in fake (onapptest, erigonestest,
// unitrendstest, cloudbackuptest) with demo data, and backupctl says so on
// stderr.
//
//	go run ./examples/backupctl inventory
//
// # Usage
//
//	backupctl [-o text|json] [-timeout 60s] <command> [flags]
//
//	inventory                                   every backup of the four providers
//	onapp backups [-vm ID] [-kind normal|incremental|all] [-xml]
//	onapp backup create -vm ID | -disk ID [-note TEXT]
//	onapp backup restore -id ID -yes
//	onapp backup delete -id ID -yes
//	erigones definitions [-vm HOST] [-dc DC]
//	erigones backups [-vm HOST | -node HOST] [-dc DC]
//	erigones backup create -vm HOST -define NAME [-disk N] [-note TEXT] [-no-wait]
//	erigones backup restore -vm HOST -name BACKUP [-target HOST] [-target-disk N] [-force] -yes
//	erigones backup delete -vm HOST -name BACKUP [-disk N] -yes
//	unitrends backups [-system-id N] [-client-id N] [-since DURATION]
//	unitrends backup delete -id ID[,ID...] [-system-id N] -yes
//	cloudbackup backups [-status S[,S...]] [-resource-type T] [-vault ID] [-limit N]
//	cloudbackup backup restore -id ID [-volume ID | -server ID -map B=V ...] [-wait] -yes
//	cloudbackup backup delete -id ID -yes
//	fakes [-addr 127.0.0.1:0]                   serve the four fakes for other tools
//
// -h at every level explains the command, its flags and (at the top and
// for each provider) the environment; "backupctl help <command>" says the
// same. Global flags go before the command. Restores and deletes ask for
// -yes. Erigones actions wait for the server's task, with a progress line on
// stderr when stderr is a terminal.
//
// # Output
//
// -o text (the default) prints aligned tables with sizes in KiB, MiB and GiB
// and times in RFC 3339 (UTC). -o json prints a JSON array on stdout: for a
// provider command, the SDK's values as they marshal themselves (the API's
// member names, null for what the API left out); for inventory, objects
// {"provider", "owner", "id", "name", "created", "status", "size_bytes",
// "raw"}, where status is ok, running, warning, failed or unknown (each
// provider's file documents how its API's states map to these), size_bytes
// is null where the API reports no backup size, and raw is the provider's
// own object.
//
// # Environment
//
//	OnApp      ONAPP_URL, ONAPP_USER, ONAPP_PASSWORD (or ONAPP_API_KEY)
//	Erigones   ERIGONES_URL, ERIGONES_API_KEY (or ERIGONES_USER and ERIGONES_PASSWORD), ERIGONES_DC
//	Unitrends  UNITRENDS_URL, UNITRENDS_USER, UNITRENDS_PASSWORD, UNITRENDS_CA_FILE,
//	           UNITRENDS_INSECURE=1, UNITRENDS_TZ
//	CBR        CBR_ENDPOINT, CBR_PROJECT_ID and one of CBR_TOKEN; CBR_AK and CBR_SK;
//	           CBR_IAM_ENDPOINT, CBR_USER, CBR_PASSWORD and CBR_DOMAIN
//
// A URL set without its credentials is an error. Credentials never appear in
// messages.
//
// # Exit status
//
// 0 when everything worked; 1 when a provider or the network failed, with one
// line per failure on stderr ("backupctl: onapp: 401 Unauthorized: …") —
// inventory still prints what the other providers answered; 2 for a usage
// error.
//
// # The fakes for other tools
//
// "backupctl fakes" starts the four fakes on loopback ports and prints the
// export lines that point backupctl, curl or a vendor's own client at them,
// then serves until Ctrl-C or SIGTERM:
//
//	$ backupctl fakes
//	# OnApp
//	export ONAPP_URL=http://127.0.0.1:41234 ONAPP_USER=admin ONAPP_PASSWORD=changeme
//	…
package main
