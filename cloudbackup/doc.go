// Package cloudbackup is a client for Huawei Cloud Backup and Recovery
// (CBR) v3: it lists backups with every documented filter and walks them
// page by page, reads, deletes and restores them, backs up now
// (checkpoints), lists vaults and waits for tasks (operation logs).
//
// A Client works in one region and project, with one of four kinds of
// credentials: a ready IAM token (WithToken), an IAM user's password that
// the client exchanges for a token, caches, and renews before it expires or
// when it is rejected (WithPassword with WithDomain; it logs in at the IAM
// endpoint of the base URL's region, or at WithIAMEndpoint), an access key
// pair that signs every request (WithAccessKey, SDK-HMAC-SHA256), or a
// temporary access key with its security token, as an IAM agency gets them
// (WithTemporaryAccessKey; the token travels in X-Security-Token and is
// signed with the other headers). Every
// query is sent with RFC 3986 escapes (a space as %20, never "+"), and a
// signed request's query in the canonical order the signature covers, as
// Huawei's own SDK sends it. Reads are retried on 5xx answers and
// connection errors; deletes, restores and checkpoints are sent once (see
// WithRetryPolicy); everything is retried on 429 (APIGW.0308); failures
// come back as *APIError with the API's error_code, error_msg and request
// id, tested with IsNotFound, IsUnauthorized, IsForbidden, IsRateLimited,
// IsConflict, IsValidation (CBR's 400 refusals), HasStatus and HasCode.
// The request id of a successful call is there for the asking:
// WithResponseInfo.
//
//	client, err := cloudbackup.NewClient("https://cbr.ap-southeast-1.myhuaweicloud.com", projectID,
//		cloudbackup.WithPassword(user, password), cloudbackup.WithDomain(account))
//	if err != nil {
//		return err
//	}
//	opts := &cloudbackup.ListBackupsOptions{
//		Status:    []cloudbackup.BackupStatus{cloudbackup.BackupStatusError},
//		StartTime: time.Now().Add(-24 * time.Hour),
//	}
//	for b, err := range client.Backups.All(ctx, opts) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(b.ResourceName, b.Status, b.CreatedAt.Time)
//	}
//
// All pages lazily by marker (falling back to offset), holds one page at a
// time and stops when the loop breaks; Backups.List gives one page, whose
// NextMarker pages on by hand. It checks every page: a server that
// repeats items or markers, or whose pages run past or end short of its
// count, makes the walk end with a *PagingError rather than loop, repeat
// or stop early in silence. The list decoder is tuned for 1000
// backups a page and tolerant of the shapes regions send: numbers as
// strings and back, times with or without fraction and zone, unknown
// members kept in Extra (as RawJSON; the types marshal back the same with
// encoding/json and encoding/json/v2). Enums are the text CBR sent: ""
// when absent, which Get, Or and String ("(absent)") tell apart.
//
// Work the server finishes later comes back as a handle to wait for:
// Backups.Restore's RestoreResult (its task, when the answer names one),
// Checkpoints.Create's Checkpoint (until it is no longer protecting), and
// OperationLogs.Operation for any task. Each Wait(ctx, opts...) polls on
// the client's backoff (WithWaitBackoff; DefaultWaitBackoff) or the call's
// (WaitBackoff), reports each poll to WaitProgress, and stops at once when
// ctx ends (an error wrapping ErrWaitStopped; the work goes on).
//
//	cp, err := client.Checkpoints.Create(ctx, vaultID, &cloudbackup.CreateCheckpointOptions{Name: "before-upgrade"})
//	if err != nil {
//		return err
//	}
//	cp, err = cp.Wait(ctx, cloudbackup.WaitProgress(func(p cloudbackup.Progress) {
//		log.Printf("checkpoint %s after %s", p.State, p.Elapsed)
//	}))
//
// Where the API page and Huawei's own Go SDK (huaweicloud-sdk-go-v3,
// services/cbr/v1) disagree, both are accepted: a replication record's
// extra_info is an object in the SDK and a string on the page (both read
// into ReplicationExtraInfo), member_status is accepted/rejected in the
// SDK and accept/reject on the page (MemberStatus knows both), and list
// answers may carry offset and limit (kept in the pages). The SDK's
// request members the page lacks are here too: show_replication,
// resource_details and policy_id of a checkpoint, details.destination_path
// of a restore, and the OS::Workspace::DesktopV2 resource type.
//
// A write whose answer has a success status is never an error, whatever
// the answer holds: the server has done the work, and an error would invite
// a second backup or restore. Checkpoints.Create decodes its answer
// leniently: sizes and counts come as numbers or as strings (Huawei's SDK
// types them as strings), a member that still does not read is left absent
// and named in the checkpoint's BodyErr (a *DecodeError wrapping
// FieldErrors), and the ID and status are kept; Backups.Restore reports a
// body it cannot read in RestoreResult.BodyErr; Backups.Delete succeeds on
// its status. Only an answer in CBR's error shape is an *APIError.
//
// Package cloudbackuptest is an in-memory fake of the API for tests.
package cloudbackup
