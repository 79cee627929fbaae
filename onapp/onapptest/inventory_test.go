package onapptest_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/backupsdk/backupsdk/internal/golden"
	"github.com/backupsdk/backupsdk/onapp"
	"github.com/backupsdk/backupsdk/onapp/onapptest"
)

// inventory is what a tool enumerating the control panel sees.
type inventory struct {
	VirtualMachines []onapp.VirtualMachine `json:"virtual_machines"`
	Disks           map[int64][]onapp.Disk `json:"disks"`
}

// TestDemoInventory lists the demo servers and their disks through the
// client in every format: the four demo servers with their disks, the same
// values whatever the format (one golden file).
func TestDemoInventory(t *testing.T) {
	t.Parallel()
	const day = 24 * time.Hour
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, f.opts...)
			c := newClient(t, srv, f.format)
			ctx := context.Background()

			vms, err := c.VirtualMachines.List(ctx)
			require.NoError(t, err)
			require.Len(t, vms, 4)
			inv := inventory{VirtualMachines: vms, Disks: map[int64][]onapp.Disk{}}
			want := []struct {
				id              int64
				label, hostname string
				booted          bool
				cpus, memory    int64
				totalDisk       int64
				age             time.Duration
				disks           []int64
			}{
				{onapptest.DemoVMRecent, "web-01", "web-01.demo.example", true, 2, 2048, 72, 180 * day,
					[]int64{onapptest.DemoDiskRecent, onapptest.DemoDiskRecentData, onapptest.DemoDiskRecentSwap}},
				{onapptest.DemoVMStale, "db-01", "db-01.demo.example", true, 4, 4096, 40, 365 * day, []int64{onapptest.DemoDiskStale}},
				{onapptest.DemoVMFailing, "mail-01", "mail-01.demo.example", true, 1, 1024, 15, 60 * day, []int64{onapptest.DemoDiskFailing}},
				{onapptest.DemoVMNever, "build-01", "build-01.demo.example", false, 2, 1024, 10, 10 * day, []int64{onapptest.DemoDiskNever}},
			}
			for i, w := range want {
				vm := vms[i]
				assert.Equal(t, w.id, vm.ID.Int64)
				assert.Equal(t, w.label, vm.Label.Value)
				assert.Equal(t, w.hostname, vm.Hostname.Value)
				assert.Len(t, vm.Identifier.Value, 14)
				assert.Equal(t, onapp.Bool{Bool: w.booted, Valid: true}, vm.Booted, w.label)
				assert.True(t, vm.Built.Bool)
				assert.False(t, vm.Locked.Bool)
				assert.False(t, vm.Suspended.Bool)
				assert.Equal(t, w.cpus, vm.CPUs.Int64)
				assert.Equal(t, w.memory, vm.Memory.Int64)
				assert.Equal(t, w.totalDisk, vm.TotalDiskSize.Int64, w.label)
				assert.Equal(t, "linux", vm.OperatingSystem.Value)
				assert.True(t, vm.CreatedAt.Time.Equal(pinned.Add(-w.age)), w.label)

				got, err := c.VirtualMachines.Get(ctx, w.id)
				require.NoError(t, err)
				assert.Equal(t, vm, *got, "Get reads as List")

				disks, err := c.Disks.List(ctx, w.id)
				require.NoError(t, err)
				inv.Disks[w.id] = disks
				var ids []int64
				var total int64
				for _, d := range disks {
					ids = append(ids, d.ID.Int64)
					total += d.DiskSize.Int64
					assert.Equal(t, w.id, d.VirtualMachineID.Int64)
					assert.True(t, d.Built.Bool)
					assert.True(t, d.CreatedAt.Time.Equal(vm.CreatedAt.Time), "disks are created with their server")
					if d.IsSwap.Bool {
						continue
					}
					// Every listed disk is a target of the backup calls.
					_, err := c.Backups.List(ctx, &onapp.ListBackupsOptions{VMID: w.id, DiskID: d.ID.Int64})
					require.NoError(t, err)
				}
				assert.Equal(t, w.disks, ids, w.label)
				assert.Equal(t, vm.TotalDiskSize.Int64, total, "total_disk_size sums the disks")
				assert.True(t, disks[0].Primary.Bool, "the first disk is the primary one")
			}

			web := inv.Disks[onapptest.DemoVMRecent]
			assert.Equal(t, onapp.String{Value: "/srv", Valid: true}, web[1].MountPoint)
			assert.False(t, web[0].MountPoint.Valid)
			assert.True(t, web[2].IsSwap.Bool)
			assert.False(t, web[2].Primary.Bool)
			assert.Equal(t, int64(3), inv.Disks[onapptest.DemoVMFailing][0].DataStoreID.Int64)

			golden.AssertJSON(t, "demo-inventory", inv)
		})
	}
}

// TestInventoryFromState: the lists follow the server's state, an empty
// list is empty (not an error), and defaults are rendered.
func TestInventoryFromState(t *testing.T) {
	t.Parallel()
	for name, f := range formats {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, append([]onapptest.Option{onapptest.WithoutDemoData()}, f.opts...)...)
			c := newClient(t, srv, f.format)
			ctx := context.Background()

			vms, err := c.VirtualMachines.List(ctx)
			require.NoError(t, err)
			assert.NotNil(t, vms)
			assert.Empty(t, vms)

			vm, err := srv.AddVM(onapptest.VM{Label: "app", Locked: true, Suspended: true})
			require.NoError(t, err)
			disks, err := c.Disks.List(ctx, vm.ID)
			require.NoError(t, err)
			assert.NotNil(t, disks, "a server without disks has an empty list")
			assert.Empty(t, disks)

			got, err := c.VirtualMachines.Get(ctx, vm.ID)
			require.NoError(t, err)
			assert.Equal(t, vm.ID, got.ID.Int64)
			assert.Equal(t, "app", got.Label.Value)
			assert.Equal(t, "app", got.Hostname.Value, "the host name defaults to the label")
			assert.Equal(t, vm.Identifier, got.Identifier.Value)
			assert.True(t, got.Booted.Bool)
			assert.True(t, got.Locked.Bool)
			assert.True(t, got.Suspended.Bool)
			assert.Equal(t, int64(1), got.CPUs.Int64)
			assert.Equal(t, int64(1024), got.Memory.Int64)
			assert.Equal(t, onapp.Int{Int64: 0, Valid: true}, got.TotalDiskSize)
			assert.False(t, got.TemplateID.Valid, "template 0 is null")
			assert.False(t, got.UserID.Valid)
			assert.True(t, got.CreatedAt.Time.Equal(pinned))

			d, err := srv.AddDisk(onapptest.Disk{VMID: vm.ID, SizeGB: 25})
			require.NoError(t, err)
			disks, err = c.Disks.List(ctx, vm.ID)
			require.NoError(t, err)
			require.Len(t, disks, 1)
			assert.Equal(t, d.ID, disks[0].ID.Int64)
			assert.Equal(t, "disk-"+strconv.FormatInt(d.ID, 10), disks[0].Label.Value)
			assert.Equal(t, int64(1), disks[0].DataStoreID.Int64)
			assert.False(t, disks[0].Primary.Bool)
			assert.False(t, disks[0].MountPoint.Valid)
			got, err = c.VirtualMachines.Get(ctx, vm.ID)
			require.NoError(t, err)
			assert.Equal(t, int64(25), got.TotalDiskSize.Int64)

			vms, err = c.VirtualMachines.List(ctx)
			require.NoError(t, err)
			require.Len(t, vms, 1)
			assert.Equal(t, *got, vms[0])
		})
	}
}
