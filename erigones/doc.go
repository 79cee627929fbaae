// Package erigones is a client for the backup views of the Danube Cloud
// (Erigones) API: backup definitions (schedules) of VM disks, the backups
// themselves, their node-side inventories, and the asynchronous tasks that
// create, restore and delete backups.
//
// Every answer of the API is an envelope {"status", "result", "task_id"};
// the client reads it once and returns typed values. Calls the server runs
// as tasks (201 PENDING) return a *Task to poll, cancel or wait for:
//
//	c, err := erigones.NewClient("https://my.erigones.com",
//		erigones.WithAPIKey(key), erigones.WithDC("main"))
//	if err != nil {
//		return err
//	}
//	backups, err := c.Backups.List(ctx, "web01.example.com", nil)
//	if err != nil {
//		return err
//	}
//	for _, b := range backups {
//		fmt.Println(b.Name, b.Status, b.Created.Time)
//	}
//	task, err := c.Backups.Create(ctx, "web01.example.com", "daily", nil)
//	if err != nil {
//		return err
//	}
//	res, err := task.Wait(ctx) // polls after 1, 3, 6, 12, 30, 30 … s
//	if err != nil {
//		return err // *erigones.TaskFailedError, *erigones.TaskRevokedError, ctx's error …
//	}
//	b, err := c.Backups.Created(ctx, task) // the result does not name the backup
//
// (Backups.CreateAndWait does the three steps.) When a task fails,
// Client.ListTaskLog shows what the server logged about it.
//
// Authentication is by API key (WithAPIKey, header ES-API-KEY) or by
// username and password (WithPassword): the client logs in to a token, sends
// "Authorization: Token …", logs in again once when the token is rejected,
// and Logout ends the session.
//
// Errors: every failed answer is an *APIError (errors.As) with the status,
// the server's messages and, for a 400 FAILURE, the field messages in
// Fields; IsNotFound, IsConflict, IsLocked, IsTaskAlreadyRunning,
// IsWorkerNotResponding and the other predicates test the common cases.
// Optional values of objects are tolerant types (Int, Bool, String, Time)
// that keep null and absent apart from zero and accept numbers sent as text. Names no server accepts are
// refused before sending with a *ValidationError.
//
// Package erigonestest provides an in-memory fake server for tests.
package erigones
