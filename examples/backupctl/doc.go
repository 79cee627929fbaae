// Command backupctl lists and manages the backups of virtual machines and
// servers on four platforms — OnApp clouds, Erigones (Danube Cloud),
// Unitrends Backup appliances and Huawei Cloud Backup and Recovery (CBR) —
// through the backupsdk packages onapp, erigones, unitrends and cloudbackup.
// It uses nothing but their public API, so it doubles as an example of
// using them together.
//
// Try it with no settings and no network: when no provider's URL variable
// is set, the four built-in fakes (onapptest, erigonestest, unitrendstest,
// cloudbackuptest) answer with demo data, backupctl says so on stderr, and
// every JSON row of inventory and freshness carries "demo": true. Once one
// provider is configured the others are left out (one stderr note), never
// faked; -demo asks for the fakes whatever the environment says.
//
//	go run ./examples/backupctl inventory
//	go run ./examples/backupctl freshness
//
// # Usage
//
//	backupctl [-o text|json] [-timeout 60s] [-no-wait] [-wait-timeout D] [-config FILE [-account NAME[,NAME...]]] [-parallel N] [-demo] <command> [flags]
//
//	inventory                                   every backup of the four providers (or of every account)
//	freshness [-max-age 24h]                    the newest good backup of every protected machine, judged
//	onapp backups [-vm ID] [-kind normal|incremental|all] [-xml]
//	onapp backup create -vm ID | -disk ID [-note TEXT]
//	onapp backup restore -id ID -yes
//	onapp backup delete -id ID -yes
//	erigones definitions [-vm HOST] [-dc DC]
//	erigones backups [-vm HOST | -node HOST] [-dc DC]
//	erigones backup create -vm HOST -define NAME [-disk N] [-note TEXT]
//	erigones backup restore -vm HOST -id BACKUP [-target HOST] [-target-disk N] [-force] -yes
//	erigones backup delete -vm HOST -id BACKUP [-disk N] -yes
//	unitrends backups [-system-id N] [-client-id N] [-since DURATION]
//	unitrends backup delete -id ID[,ID...] [-system-id N] -yes
//	cloudbackup backups [-status S[,S...]] [-resource-type T] [-vault ID] [-limit N]
//	cloudbackup backup restore -id ID [-disk ID | -vm ID -map B=V ...] -yes
//	cloudbackup backup delete -id ID -yes
//	fakes [-addr 127.0.0.1:0]                   serve the four fakes for other tools
//	version                                     the module version, Go version and User-Agent
//
// -h at every level explains the command, its flags and (at the top and
// for each provider) the environment; "backupctl help <command>" says the
// same; bare "backupctl" prints the short help and exits 2. Global flags
// (-o, -timeout, -no-wait, -wait-timeout, -config, -account, -parallel,
// -demo, -version) go before the command or after it. The provider flags
// are named alike: -vm (the machine), -id (the backup), -disk, -define.
// Restores and deletes ask for -yes.
//
// Every action that starts work on the server waits for it by default (an
// OnApp backup until it is built, an Erigones task, a CBR restore task),
// with a progress line on stderr when it is a terminal; -no-wait returns
// at once. -timeout bounds each request and listing, not the wait: waits
// have no limit unless -wait-timeout gives one, and Ctrl-C stops waiting.
// A stopped wait says the work goes on on the server, how to follow it,
// and exits 4. A refused connection is one line with the server and the
// number of attempts.
//
// # Output
//
// -o text (the default) prints aligned tables with sizes in KiB, MiB and GiB
// and times in RFC 3339 (UTC). -o json prints a JSON array on stdout: for a
// provider command, the SDK's values as they marshal themselves (the API's
// member names, null for what the API left out); for inventory, objects
// {"account", "provider", "owner", "id", "name", "created", "status",
// "size_bytes", "raw"} (and "demo": true for demo data), where status is ok, running, warning, failed or unknown (each
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
// # Many accounts
//
// -config FILE replaces the environment with a JSON file listing any number
// of accounts of the four providers (the environment's provider variables
// are then not used, and no fake is started):
//
//	{"accounts": [
//	  {"name": "eu-cloud", "provider": "onapp", "url": "https://cp.eu.example.com",
//	   "user": "admin", "password": {"env": "EU_ONAPP_PASSWORD"}},
//	  {"name": "dc1", "provider": "erigones", "url": "https://my.erigones.com",
//	   "api_key": {"file": "/etc/backupctl/dc1.key"}, "dc": "main"},
//	  {"name": "nyc-ueb", "provider": "unitrends", "url": "https://ueb.nyc.example.com",
//	   "user": "root", "password": {"file": "nyc-ueb.pw"},
//	   "ca_file": "nyc-ueb.pem", "time_zone": "America/New_York"},
//	  {"name": "cbr-sg", "provider": "cloudbackup",
//	   "endpoint": "https://cbr.ap-southeast-1.myhuaweicloud.com",
//	   "project_id": "0605767b5780d5762fc5c0118072a564",
//	   "access_key": {"env": "SG_AK"}, "secret_key": {"env": "SG_SK"}}
//	]}
//
// Each account has a unique name (no commas), a provider, its url (for CBR
// also spelled endpoint) and its provider's fields: onapp user and password
// or api_key; erigones api_key, or user and password, and dc; unitrends
// user, password, ca_file or insecure, time_zone; cloudbackup project_id and
// token, access_key and secret_key, or iam_endpoint, user, password and
// domain. A credential (password, api_key, token, access_key, secret_key) is
// an inline string or, better, {"env": "VAR"} (read from the environment)
// or {"file": "PATH"} (read from a file, a final newline dropped). Relative
// paths (ca_file, credential files) are relative to the accounts file.
// Unknown fields, fields of another provider, duplicate names, missing or
// unreadable credentials are errors naming the account and field, and
// backupctl exits 2 before contacting anything. It warns on stderr when the
// file holds inline credentials and its mode lets others read it, and when
// a credential file does.
//
// inventory and freshness walk every account of the file (or those -account
// names) with at most -parallel accounts in flight (default 4), one SDK
// client per account (its sessions are logged out and its connections
// closed when its turn ends). An account that fails is one error line on
// stderr; the others still report. When stderr is a terminal, a progress
// line there counts the accounts done and failed, and is cleared at the
// end. Provider commands work on the account -account names, or on the
// file's only account of that provider. -timeout bounds the listings of
// the walk: raise it for large fleets.
//
// # Freshness
//
// "backupctl freshness -max-age 24h" (-max-age also takes days: 7d) lists
// every protected machine — OnApp virtual server, Erigones VM disk,
// Unitrends client or instance, CBR resource — with its newest successful
// backup, its age and a verdict:
//
//	none     no successful backup and no failed one (never backed up, or the
//	         first backup is still running)
//	failing  a backup attempt failed after the newest successful backup (or
//	         there is none): the most recent finished attempt failed
//	stale    the newest successful backup is older than -max-age (exactly
//	         -max-age is still ok)
//	ok       the newest successful backup is at most -max-age old
//
// Running and queued backups count for nothing until they end; backups with
// warnings count as successful; an OnApp backup still unbuilt 6 hours after
// it was scheduled is a failed attempt (OnApp has no failed state), an
// Erigones backup that is lost is one too. An OnApp server's newest
// successful backup is the newest point every one of its disks (swap aside)
// is backed up at, by its incremental backups or the disk's normal ones.
// The text table is sorted worst first (none and failing, then stale, then
// ok; oldest first within each) and ends with a summary line; -o json writes
// [{"account", "provider", "owner", "newest_ok", "age_seconds", "verdict",
// "last_error"}], newest_ok in RFC 3339 or null; last_error is, for a
// failing row, the API's error message for the newest failed attempt (or,
// where the API records none, what it shows of it: "backup 12 (incremental)
// was not built 20h00m after it was scheduled"), for an OnApp none row the
// disk that has no backup, else null.
//
// # Exit status
//
// 0 when everything worked; 1 when a provider, an account or the network
// failed, with one line per failure on stderr ("backupctl: onapp: 401
// Unauthorized: …") — inventory and freshness still print what the others
// answered; 2 for a usage error or a bad -config file; 3 (freshness only)
// when something is stale, failing or none and every account answered.
// When an account failed and something is stale, the status is 1: the
// report is incomplete.
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
